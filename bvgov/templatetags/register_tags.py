"""Display helpers for register values: how overdue, which RAG, and the rows the site writes in Python."""

import datetime

from django import template

register = template.Library()


@register.filter
def days_overdue(due_date: datetime.date | None, today: datetime.date) -> int:
    if not due_date or not today:
        return 0
    return max((today - due_date).days, 0)


@register.filter
def rag_on(action, today: datetime.date) -> str:
    """The RAG an action shows on a day: the owner's override, or the derived rating."""
    return action.rag(today)


@register.filter
def derived_rag_on(action, today: datetime.date) -> str:
    return action.derived_rag(today)


@register.filter
def verbose_name(model) -> str:
    return str(model._meta.verbose_name)


@register.simple_tag
def audit_rows(entries, show_object=False):
    """The rows of bvgov/partials/audit_entries.html (see bvgov.rows)."""
    from bvgov.rows import audit_rows

    return audit_rows(entries, show_object=bool(show_object))


@register.simple_tag
def action_rows(actions, today):
    """The rows of recommendations/action_list.html (see bvgov.rows)."""
    from bvgov.rows import action_rows

    return action_rows(actions, today=today)


@register.simple_tag
def recommendation_rows(recommendations):
    """The rows of recommendations/recommendation_list.html (see bvgov.rows)."""
    from bvgov.rows import recommendation_rows

    return recommendation_rows(recommendations)


@register.simple_tag
def timeline_items(entries):
    """The items of bvgov/object_history.html's timeline (see bvgov.rows)."""
    from bvgov.rows import timeline_items

    return timeline_items(entries)


@register.simple_tag
def progress_update_items(updates, show_subject=False):
    """The items of recommendations/partials/progress_updates.html's timeline (see bvgov.rows)."""
    from bvgov.rows import progress_update_items

    return progress_update_items(updates, show_subject=bool(show_subject))
