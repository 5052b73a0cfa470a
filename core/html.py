"""Small HTML helpers: django.utils.html's conditional_escape and format_html, giving the same text without Django's
lazy-string wrapper around its escape (the long lists, core.rows and recommendations.rows, and the tags on each of
their rows escape a thousand values a page, and cost a third as much this way), and the status tags."""

from html import escape

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def conditional_escape(value) -> SafeString:
    """Safe text as it is, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return SafeString(value.__html__())
    return SafeString(escape(str(value)))


def format_html(template: str, *args) -> SafeString:
    """`template` with each positional argument escaped by conditional_escape above."""
    return SafeString(template.format(*map(conditional_escape, args)))


# A status, stage, decision or RAG value (a TextChoices value) to the GOV.UK tag colour that carries its meaning.
# Anything not listed keeps the default blue tag.
STATUS_TAG_COLOURS = {
    "green": "green",
    "complete": "green",
    "completed": "green",
    "implemented": "green",
    "approved": "green",
    "accepted": "green",
    "closed": "green",
    "amber": "yellow",
    "in_progress": "yellow",
    "implementing": "yellow",
    "awaiting_verification": "blue",
    "deferred": "yellow",
    "red": "red",
    "blocked": "red",
    "overdue": "red",
    "rejected": "red",
    "partly_accepted": "orange",
    "risk_accepted": "orange",
    "not_started": "grey",
    "proposed": "grey",
    "not_pursued": "grey",
    "withdrawn": "grey",
    "superseded": "grey",
    "not_implemented": "grey",
    "cancelled": "grey",
    "noted": "grey",
}

# The colour of a history entry's tag: created, changed, deleted.
HISTORY_TAG_CLASSES = {"+": "govuk-tag--green", "~": "govuk-tag--blue", "-": "govuk-tag--red"}


def status_tag_class(value) -> str:
    """The GOV.UK tag modifier class for a status value, e.g. "implemented" → "govuk-tag--green"."""
    colour = STATUS_TAG_COLOURS.get(str(value).strip().lower().replace(" ", "_").replace("-", "_"))
    return f"govuk-tag--{colour}" if colour else ""


def history_tag_class(history_type: str) -> str:
    return HISTORY_TAG_CLASSES.get(history_type, "")


def status_tag(value, label="") -> SafeString:
    """A status, stage or RAG value as a GOV.UK tag coloured by its value, labelled `label` (or the value):
    `{% status_tag action.status action.get_status_display %}`; written here, not by an included template, as pages
    show one on each of many rows."""
    return format_html('<strong class="govuk-tag {}">{}</strong>', status_tag_class(value), label or value)
