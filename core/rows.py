"""Rows of the audit trail and a record's history timeline, written in Python, and the helpers the apps' row writers
share.

A list page renders a page of rows, each with a dozen values, filters and links; through the template engine that is
thousands of variable lookups and most of the page's time. The Django admin builds its changelist cells in Python
(`items_for_result`) for the same reason. Every value is escaped as format_html/conditional_escape do (core.html).
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .html import HISTORY_TAG_CLASSES, conditional_escape, format_html

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

    return mark_safe("\n".join(row(entry) for entry in entries))


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


def timeline_items(entries) -> SafeString:
    """The items of bvgov/object_history.html's timeline, newest first."""
    return mark_safe("\n".join(_timeline_item(entry) for entry in entries))


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
