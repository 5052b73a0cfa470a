"""The rows of the actions and recommendations lists and of an action's progress updates, written in Python as the
audit trail's are (core.rows): a list renders fifty of them."""

import datetime

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from core.html import conditional_escape, format_html, status_tag
from core.rows import UrlPattern, long_date, short_date, truncate

from .choices import (
    ACTION_CLOSED_STATUSES,
    ActionStatus,
    DecisionStatus,
    ImplementationStatus,
    days_overdue,
    derive_rag,
    duration_text,
    slipped_days,
)
from .escalation import EscalationLevel, escalation_level

# How the list says an action is escalated, beside how overdue it is.
ESCALATED_SHORT = {
    EscalationLevel.LINE_MANAGER: "Escalated to line manager",
    EscalationLevel.BOARD: "Escalated to board",
}


def action_rows(actions, *, today: datetime.date) -> SafeString:
    """The rows of recommendations/action_list.html, from the values recommendations.selectors.ACTION_ROW_FIELDS
    names (dicts: a page of model instances with three related ones each cost more to build than to render)."""
    action_url = UrlPattern("recommendations:action_detail")
    recommendation_url = UrlPattern("recommendations:recommendation_detail")
    rows = []
    for action in actions:
        status, due_date, external = action["status"], action["due_date"], action["external_dependency"]
        waits = (
            format_html('<br><span class="govuk-!-font-size-14 bvgov-empty">Waits on {}</span>', external)
            if external
            else ""
        )
        number = action["recommendation__number"]
        label = f"Recommendation {number}" if number else "Unnumbered recommendation"
        owner = (
            conditional_escape(action["owner__name"])
            if action["owner__name"] is not None
            else mark_safe('<span class="bvgov-empty">No owner</span>')
        )
        if due_date:
            due = format_html('<span class="bvgov-nowrap">{}</span>', short_date(due_date))
            overdue = days_overdue(status=status, due_date=due_date, today=today)
            if overdue:
                due += format_html(
                    '<br><strong class="govuk-tag govuk-tag--red bvgov-tag--nowrap">{} overdue</strong>',
                    duration_text(overdue),
                )
                level = escalation_level(overdue)
                if level:
                    due += format_html('<br><span class="govuk-!-font-size-14">{}</span>', ESCALATED_SHORT[level])
        else:
            due = mark_safe('<span class="bvgov-empty">No due date</span>')
        derived = derive_rag(status=status, due_date=due_date, today=today, last_update=action["last_update_on"])
        rag = action["rag_override"] or derived
        rag_cell = status_tag(rag, rag[:1].upper() + rag[1:])
        if action["rag_override"]:
            rag_cell += format_html('<br><span class="govuk-!-font-size-14">Overridden; derived {}</span>', derived)
        status_cell = status_tag(status, ActionStatus(status).label)
        if action["at_risk_since"] and status not in ACTION_CLOSED_STATUSES:
            status_cell += format_html('<br><strong class="govuk-tag govuk-tag--orange">{}</strong>', "At risk")
        rows.append(
            format_html(
                '<tr class="govuk-table__row">\n'
                '<td class="govuk-table__cell govuk-!-font-size-16"><a class="govuk-link" href="{}">{}</a>{}</td>\n'
                '<td class="govuk-table__cell govuk-!-font-size-16"><a class="govuk-link" href="{}">{}</a><br>'
                '<span class="bvgov-empty govuk-!-font-size-14">{}</span></td>\n'
                '<td class="govuk-table__cell govuk-!-font-size-16">{}</td>\n'
                '<td class="govuk-table__cell govuk-!-font-size-16">{}</td>\n'
                '<td class="govuk-table__cell">{}</td>\n'
                '<td class="govuk-table__cell">{}</td>\n'
                "</tr>",
                action_url(action["id"]),
                truncate(action["description"], 120),
                waits,
                recommendation_url(action["recommendation_id"]),
                label,
                action["recommendation__source__title"],
                owner,
                due,
                status_cell,
                rag_cell,
            )
        )
    return mark_safe("\n".join(rows))


def recommendation_rows(recommendations) -> SafeString:
    """The rows of recommendations/recommendation_list.html, from the values
    recommendations.selectors.RECOMMENDATION_ROW_FIELDS names (dicts, as action_rows)."""
    url = UrlPattern("recommendations:recommendation_detail")
    rows = []
    for rec in recommendations:
        source = conditional_escape(rec["source__title"])
        if rec["theme"]:
            source += format_html(" · {}", rec["theme"])
        owner = (
            conditional_escape(rec["owner__name"])
            if rec["owner__name"] is not None
            else mark_safe('<strong class="govuk-tag govuk-tag--red">No owner</strong>')
        )
        original, revised_date = rec["original_target_date"], rec["revised_target_date"]
        if rec["target_ongoing"]:
            target = mark_safe("Ongoing")
        elif original:
            target = format_html('<span class="bvgov-nowrap">{}</span>', short_date(original))
        else:
            target = mark_safe('<span class="bvgov-empty">None</span>')
        if rec["timescale"]:
            target += format_html(
                '<br><span class="bvgov-empty govuk-!-font-size-14">Report: “{}”</span>', rec["timescale"]
            )
        if revised_date:
            revised = format_html('<span class="bvgov-nowrap">{}</span>', short_date(revised_date))
            slipped = slipped_days(original, revised_date)
            if slipped:
                revised += format_html(
                    '<br><span class="govuk-!-font-size-14 govuk-!-font-weight-bold">slipped by {}</span>',
                    duration_text(slipped),
                )
        else:
            revised = "–"
        rows.append(
            format_html(
                '<tr class="govuk-table__row">\n'
                '<td class="govuk-table__cell govuk-!-font-size-16">{}</td>\n'
                '<td class="govuk-table__cell govuk-!-font-size-16"><a class="govuk-link" href="{}">{}</a><br>'
                '<span class="bvgov-empty govuk-!-font-size-14">{}</span></td>\n'
                '<td class="govuk-table__cell govuk-!-font-size-16">{}</td>\n'
                '<td class="govuk-table__cell govuk-!-font-size-16">{}</td>\n'
                '<td class="govuk-table__cell govuk-!-font-size-16">{}</td>\n'
                '<td class="govuk-table__cell">{}</td>\n'
                '<td class="govuk-table__cell">{}</td>\n'
                '<td class="govuk-table__cell govuk-table__cell--numeric bvgov-table__cell--numeric '
                'govuk-!-font-size-16">{}</td>\n'
                "</tr>",
                rec["number"] or "–",
                url(rec["id"]),
                truncate(rec["text"], 120),
                source,
                owner,
                target,
                revised,
                status_tag(rec["decision_status"], DecisionStatus(rec["decision_status"]).label),
                status_tag(rec["implementation_status"], ImplementationStatus(rec["implementation_status"]).label),
                rec["open_actions"],
            )
        )
    return mark_safe("\n".join(rows))


def _byline(update) -> str:
    """Who reported an update: its author, and the owner they stood in for as deputy."""
    if update.on_behalf_of_id:
        return f"{update.author.name}, deputy for {update.on_behalf_of.name}"
    return update.author.name


def progress_update_items(updates, *, show_subject: bool) -> SafeString:
    """The items of recommendations/partials/progress_updates.html's timeline, newest first: who reported, when,
    the status and RAG they reported, their note and their evidence files."""
    evidence_url = UrlPattern("recommendations:evidence_download")
    items = []
    for update in updates:
        if not show_subject:
            title = "Progress update"
        elif update.action_id:
            title = format_html(
                'On the action <a class="govuk-link" href="{}">{}</a>',
                update.action.get_absolute_url(),
                truncate(update.action.description, 80),
            )
        else:
            title = "On the recommendation"
        reported = status = rag = ""
        if update.reported_status:
            status = status_tag(update.reported_status, update.get_reported_status_display())
        if update.reported_rag:
            rag = status_tag(update.reported_rag, f"RAG {update.get_reported_rag_display()}")
        if status or rag:
            reported = format_html('<p class="govuk-body-s">Reported {} {}</p>', status, rag)
        evidence = update.evidence.all()
        documents = ""
        if evidence:
            documents = format_html(
                '\n      <ul class="moj-timeline__documents">\n{}\n      </ul>',
                mark_safe(
                    "\n".join(
                        format_html(
                            '        <li class="moj-timeline__document-item"><a class="govuk-link '
                            'moj-timeline__document-link" href="{}">{}<span class="govuk-visually-hidden"> '
                            "(evidence file, download)</span></a></li>",
                            evidence_url(item.pk),
                            item,
                        )
                        for item in evidence
                    )
                ),
            )
        items.append(
            format_html(
                '  <div class="moj-timeline__item">\n'
                '    <div class="moj-timeline__header">\n'
                '      <h3 class="moj-timeline__title">{}</h3>\n'
                '      <p class="moj-timeline__byline">by {}</p>\n'
                "    </div>\n"
                '    <p class="moj-timeline__date"><time datetime="{}">{}</time></p>\n'
                '    <div class="moj-timeline__description">\n'
                "      {}\n"
                '      <p class="govuk-body">{}</p>{}\n'
                "    </div>\n"
                "  </div>",
                title,
                f"{update.author.name}, deputy for {update.on_behalf_of.name}"
                if update.on_behalf_of
                else update.author.name,
                update.reported_on.isoformat(),
                long_date(update.reported_on),
                reported,
                linebreaksbr(update.note, autoescape=True),
                documents,
            )
        )
    return mark_safe("\n".join(items))
