"""Display helpers for actions and recommendations: how overdue, which RAG, and the rows written in Python."""

import datetime

from django import template

from recommendations import rows
from recommendations.choices import duration_text

register = template.Library()


@register.filter
def days_overdue(action, today: datetime.date) -> int:
    """How many days an action is overdue on a day (0 if it is not): the one rule, Action.days_overdue."""
    return action.days_overdue(today)


@register.filter
def duration(days: int) -> str:
    """A number of days as a person says it: "12 days", "3 months", "24 years 8 months"."""
    return duration_text(days)


@register.filter
def rag_on(action, today: datetime.date) -> str:
    """The RAG an action shows on a day: the owner's override, or the derived rating."""
    return action.rag(today)


@register.filter
def derived_rag_on(action, today: datetime.date) -> str:
    return action.derived_rag(today)


@register.simple_tag
def action_rows(actions, today):
    """The rows of recommendations/action_list.html (recommendations.rows)."""
    return rows.action_rows(actions, today=today)


@register.simple_tag
def recommendation_rows(recommendations):
    """The rows of recommendations/recommendation_list.html (recommendations.rows)."""
    return rows.recommendation_rows(recommendations)


@register.simple_tag
def progress_update_items(updates, show_subject=False):
    """The items of recommendations/partials/progress_updates.html's timeline (recommendations.rows)."""
    return rows.progress_update_items(updates, show_subject=bool(show_subject))
