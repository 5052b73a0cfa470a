"""Table rows of the long lists, written in Python.

A list page renders fifty rows, each with a dozen values, filters and links; through the template engine that is
thousands of variable lookups and most of the page's time. The Django admin builds its changelist cells in Python
(`items_for_result`) for the same reason. Each function here writes exactly the markup its template partial wrote
(the partial's name is in the docstring), escaping every value as format_html/conditional_escape do (bvgov.html).
"""

import datetime
from itertools import islice

from django.template import loader
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from core.html import conditional_escape, format_html
from core.templatetags.core_tags import HISTORY_TAG_CLASSES, status_tag
from recommendations.choices import (
    ACTION_CLOSED_STATUSES,
    ActionStatus,
    DecisionStatus,
    ImplementationStatus,
    derive_rag,
    slipped_days,
)

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_LONG = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def truncate(value, length: int) -> str:
    """The truncatechars filter, without its cost for the many values already short enough."""
    text = str(value)
    return text if len(text) <= length else Truncator(text).chars(length)


def short_date(value: datetime.date) -> str:
    """The date filter's "j M Y"."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def long_date(value: datetime.date) -> str:
    """The date filter's "j F Y"."""
    return f"{value.day} {MONTHS_LONG[value.month - 1]} {value.year}"


def local(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime in the site's time zone, as the date filter shows it."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def user_name(user) -> str:
    return user.get_full_name() or user.username


class UrlPattern:
    """reverse() once per list, then each row's link by substitution: reversing fifty times costs more than the
    rest of the row. The placeholder is a number, so it passes the route's <int:pk> converter."""

    PLACEHOLDER = 987654321

    def __init__(self, name: str, *args):
        self.template = reverse(name, args=[*args, self.PLACEHOLDER])

    def __call__(self, pk) -> str:
        return self.template.replace(str(self.PLACEHOLDER), str(int(pk)))


# Rendered rows of audit entries, kept by each web process. The trail is append-only (nothing updates or deletes an
# entry; on PostgreSQL a trigger refuses it), so an entry's row can change only with the name of the person who made
# it or the time zone it is shown in, and both are in the key, with the entry's chain hash beside its number (a
# number that SQLite hands out again after a rolled-back write names another entry, with another hash). The trail and
# history pages read their entries without the changes they record (the largest column; bvgov.selectors.EntryRow),
# which are read here only for the rows not rendered before.
_ENTRY_HTML: dict = {}
ENTRY_HTML_LIMIT = 10_000


def _kept_entry_rows(kind: str, entries, build) -> list[str]:
    """Each entry's rendered row, from the process's store or built with `build(entry)` (the entries not yet
    rendered have their `changes` read in one query first, if they were read without them)."""
    zone = timezone.get_current_timezone_name()
    keys = [_entry_key(kind, entry, zone) for entry in entries]
    missing = [entry for entry, key in zip(entries, keys, strict=True) if key not in _ENTRY_HTML]
    deferred = [entry for entry in missing if entry.changes is None]
    if deferred:
        from core.models import AuditEntry

        changes = dict(AuditEntry.objects.filter(pk__in=[e.pk for e in deferred]).values_list("pk", "changes"))
        for entry in deferred:
            entry.changes = changes[entry.pk]
    if len(_ENTRY_HTML) + len(missing) > ENTRY_HTML_LIMIT:
        for old in list(islice(_ENTRY_HTML, len(missing) + ENTRY_HTML_LIMIT // 10)):
            del _ENTRY_HTML[old]
    for entry in missing:
        _ENTRY_HTML[_entry_key(kind, entry, zone)] = build(entry)
    return [_ENTRY_HTML[key] for key in keys]


def _entry_key(kind: str, entry, zone: str) -> tuple:
    return (kind, entry.pk, entry.entry_hash, user_name(entry.user) if entry.user else None, zone)


SYSTEM_CELL = '<td class="govuk-table__cell" data-label="Who"><span class="govuk-hint">System</span></td>'


def audit_rows(entries, *, show_object: bool) -> SafeString:
    """bvgov/partials/audit_entries.html: one <tr> per audit entry."""
    history_urls = {}

    def row(entry) -> str:
        when = local(entry.history_date)
        cells = [
            format_html(
                '<td class="govuk-table__cell" data-label="When"><time datetime="{}"><span class="bvgov-nowrap">{}'
                '</span> <span class="bvgov-nowrap">{}</span></time></td>',
                when.isoformat(),
                short_date(when),
                f"{when:%H:%M}",
            ),
            format_html('<td class="govuk-table__cell" data-label="Who">{}</td>', user_name(entry.user))
            if entry.user
            else mark_safe(SYSTEM_CELL),
        ]
        if show_object:
            content_type = entry.content_type
            key = (content_type.app_label, content_type.model)
            if key not in history_urls:
                history_urls[key] = UrlPattern("object_history", *key)
            name = str(content_type.name)
            cells.append(
                format_html(
                    '<td class="govuk-table__cell" data-label="Record">\n'
                    '        <span class="govuk-caption-m govuk-!-font-size-16">{}</span>\n'
                    '        <a class="govuk-link" href="{}">{}</a>\n      </td>',
                    name[:1].upper() + name[1:],
                    history_urls[key](entry.object_id),
                    truncate(entry.object_repr, 80),
                )
            )
        cells.append(_what_changed(entry))
        cells.append(format_html('<td class="govuk-table__cell" data-label="Reason">{}</td>', entry.reason or "—"))
        return '<tr class="govuk-table__row">' + "".join(cells) + "</tr>"

    kind = "audit-row-with-record" if show_object else "audit-row"
    return mark_safe("\n".join(_kept_entry_rows(kind, list(entries), row)))


def _what_changed(entry) -> str:
    parts = [
        format_html(
            '<td class="govuk-table__cell" data-label="What changed"><strong class="govuk-tag {}">{}</strong>',
            HISTORY_TAG_CLASSES.get(entry.history_type, ""),
            entry.get_history_type_display(),
        )
    ]
    if entry.changes:
        parts.append('<dl class="bvgov-changes">')
        for change in entry.changes:
            if entry.history_type == "+":
                values = conditional_escape(truncate(change["new"], 200))
            else:
                values = format_html(
                    '<del class="bvgov-changes__old">{}</del> <span aria-hidden="true">→</span><span '
                    'class="govuk-visually-hidden"> changed to </span> <ins class="bvgov-changes__new">{}</ins>',
                    truncate(change["old"] or "(blank)", 200),
                    truncate(change["new"] or "(blank)", 200),
                )
            parts.append(
                format_html(
                    '<div class="bvgov-changes__row"><dt class="bvgov-changes__field">{}</dt>'
                    '<dd class="bvgov-changes__values">{}</dd></div>',
                    change["label"],
                    values,
                )
            )
        parts.append("</dl>")
    elif entry.history_type == "~":
        parts.append(
            '<p class="govuk-body-s bvgov-empty govuk-!-margin-top-2 govuk-!-margin-bottom-0">'
            "No field shown in the register changed.</p>"
        )
    parts.append("</td>")
    return "".join(parts)


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
            if status not in ACTION_CLOSED_STATUSES and due_date < today:
                due += format_html(
                    '<br><strong class="govuk-tag govuk-tag--red bvgov-tag--nowrap">{} days overdue</strong>',
                    (today - due_date).days,
                )
        else:
            due = mark_safe('<span class="bvgov-empty">No due date</span>')
        derived = derive_rag(status=status, due_date=due_date, today=today, last_update=action["last_update_on"])
        rag = action["rag_override"] or derived
        rag_cell = status_tag(rag, rag[:1].upper() + rag[1:])
        if action["rag_override"]:
            rag_cell += format_html('<br><span class="govuk-!-font-size-14">Overridden; derived {}</span>', derived)
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
                status_tag(status, ActionStatus(status).label),
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
                    '<br><span class="govuk-!-font-size-14 govuk-!-font-weight-bold">slipped by {} day{}</span>',
                    slipped,
                    "" if slipped == 1 else "s",
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


def timeline_items(entries) -> SafeString:
    """The items of bvgov/object_history.html's timeline, newest first."""
    return mark_safe("\n".join(_kept_entry_rows("timeline-item", list(entries), _timeline_item)))


def _timeline_item(entry) -> str:
    when = local(entry.history_date)
    parts = [
        format_html(
            '<div class="moj-timeline__item">\n    <div class="moj-timeline__header">\n'
            '      <h2 class="moj-timeline__title">{}</h2>\n      <p class="moj-timeline__byline">by {}</p>\n'
            '    </div>\n    <p class="moj-timeline__date"><time datetime="{}">{} at {}</time></p>\n'
            '    <div class="moj-timeline__description">\n',
            entry.get_history_type_display(),
            user_name(entry.user) if entry.user else "the system",
            when.isoformat(),
            long_date(when),
            f"{when:%H:%M}",
        )
    ]
    if entry.reason:
        parts.append(format_html('      <p class="govuk-body"><strong>Reason:</strong> {}</p>\n', entry.reason))
    if entry.changes:
        parts.append(
            '      <table class="govuk-table bvgov-table--stack">\n'
            '        <caption class="govuk-table__caption govuk-visually-hidden">Fields changed</caption>\n'
            '        <thead class="govuk-table__head"><tr class="govuk-table__row">\n'
            '          <th scope="col" class="govuk-table__header">Field</th>\n'
            '          <th scope="col" class="govuk-table__header">From</th>\n'
            '          <th scope="col" class="govuk-table__header">To</th>\n'
            "        </tr></thead>\n"
            '        <tbody class="govuk-table__body">\n'
        )
        for change in entry.changes:
            parts.append(
                format_html(
                    '          <tr class="govuk-table__row">\n'
                    '            <th scope="row" class="govuk-table__header">{}</th>\n'
                    '<td class="govuk-table__cell bvgov-table__cell--wrap" data-label="From">{}</td>\n'
                    '<td class="govuk-table__cell bvgov-table__cell--wrap" data-label="To">{}</td>\n'
                    "          </tr>\n",
                    change["label"],
                    change["old"] or "—",
                    change["new"] or "—",
                )
            )
        parts.append("        </tbody>\n      </table>\n")
    parts.append("    </div>\n  </div>")
    return "".join(parts)


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
                update.author.name,
                update.reported_on.isoformat(),
                long_date(update.reported_on),
                reported,
                linebreaksbr(update.note, autoescape=True),
                documents,
            )
        )
    return mark_safe("\n".join(items))


# The committee's progress table has a row per review, two thousand on a large register, and a write changes one
# or two of them. Each row is rendered and encoded once per distinct content and kept in this process; the live
# dashboard's rows (bvgov.selectors.KeptRows) also keep their row and their whole table, as they are never changed
# in place (a recount makes a new row and a new list). The dashboard splices the table in as bytes (bvgov.splicing).
_PROGRESS_ROWS: dict[tuple, bytes] = {}
PROGRESS_ROWS_KEPT = 20000


def progress_table(rows, *, show_stage: bool) -> bytes:
    """The rows of bvgov/partials/progress_table.html, as UTF-8."""
    kept = getattr(rows, "__dict__", None)
    key = "_table_with_stage" if show_stage else "_table"
    if kept is not None and key in kept:
        return kept[key]
    table = b"\n".join(_progress_row(row, show_stage) for row in rows)
    if kept is not None:
        kept[key] = table
    return table


def _progress_row(row, show_stage: bool) -> bytes:
    kept = "_row_with_stage" if show_stage else "_row"
    html = row.__dict__.get(kept)
    if html is None:
        key = (
            row.title,
            row.review_id,
            row.source_id,
            row.stage,
            row.stage_label,
            tuple(sorted(row.by_decision.items())),
            tuple(sorted(row.by_implementation.items())),
            row.actions_open,
            row.actions_overdue,
            row.actions_red,
            show_stage,
        )
        html = _PROGRESS_ROWS.get(key)
        if html is None:
            if len(_PROGRESS_ROWS) >= PROGRESS_ROWS_KEPT:
                _PROGRESS_ROWS.clear()
            html = _PROGRESS_ROWS[key] = loader.render_to_string(
                "bvgov/partials/progress_row.html", {"row": row, "show_stage": show_stage}
            ).encode()
        row.__dict__[kept] = html
    return html
