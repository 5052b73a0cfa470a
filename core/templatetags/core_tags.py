"""Template tags for the GOV.UK look of every page: markup for forms, pagination links, status tags, body text,
breadcrumbs."""

from django import forms, template
from django.core.paginator import Page
from django.template.base import token_kwargs
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core import html, rows

register = template.Library()

# GOV.UK Frontend's class for each kind of Django widget (BoundField.widget_type); other widgets are text inputs.
WIDGET_CLASSES = {
    "select": "govuk-select",
    "nullbooleanselect": "govuk-select",
    "selectmultiple": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
    "date": "govuk-input govuk-input--width-10",
    "datetime": "govuk-input govuk-input--width-20",
    "time": "govuk-input govuk-input--width-5",
    "number": "govuk-input govuk-input--width-10",
    "password": "govuk-input govuk-password-input__input govuk-js-password-input-input",
}
ERROR_CLASSES = {
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
    "govuk-input": "govuk-input--error",
}
CHOICE_WIDGETS = {"radioselect", "checkboxselectmultiple"}


@register.simple_tag
def query_replace(request, **params):
    """The current query string with some parameters replaced, e.g. `?{% query_replace request page=2 %}`.

    A parameter given as None or "" is removed.
    """
    query = request.GET.copy()
    for name, value in params.items():
        if value is None or value == "":
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


register.filter("status_tag_class", html.status_tag_class)
register.filter("history_tag_class", html.history_tag_class)
register.simple_tag(html.status_tag, name="status_tag")


@register.simple_tag
def elided_page_range(page: Page):
    """Page numbers around the current one and at both ends, with Paginator.ELLIPSIS for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


@register.filter
def govuk_widget(field):
    """Render a bound field's widget with GOV.UK classes and the ids of its hint and error message."""
    widget_type = field.widget_type
    classes = WIDGET_CLASSES.get(widget_type, "govuk-input")
    if field.errors:
        error_class = ERROR_CLASSES.get(classes.split()[0])
        if error_class:
            classes = f"{classes} {error_class}"
    if uses_date_picker(field):
        classes = f"{classes} moj-js-datepicker-input"
    existing = field.field.widget.attrs.get("class")
    attrs = {"class": f"{classes} {existing}" if existing else classes}
    described_by = field_described_by(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    if widget_type == "password":
        attrs.update({"spellcheck": "false", "autocapitalize": "none"})
    if widget_type == "number":
        return field.as_widget(widget=_numeric_text_input(field.field), attrs=attrs)
    return field.as_widget(attrs=attrs)


def _numeric_text_input(form_field):
    """GOV.UK asks for numbers in a text input with a numeric keyboard: type="number" mangles and rejects input."""
    attrs = {name: value for name, value in form_field.widget.attrs.items() if name not in {"min", "max", "step"}}
    whole = not isinstance(form_field, forms.FloatField | forms.DecimalField)
    attrs.update({"inputmode": "numeric" if whole else "decimal", "spellcheck": "false"})
    return forms.TextInput(attrs=attrs)


@register.filter
def uses_date_picker(field):
    """A date typed as text (dd/mm/yyyy) gets MOJ's date picker; a browser's own date input already has one."""
    return field.widget_type == "date" and getattr(field.field.widget, "input_type", "text") == "text"


@register.filter
def field_described_by(field):
    """The ids of the field's hint and error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def field_anchor(field):
    """The id the error summary links to: the input itself, or the first option of a group of radios or checkboxes."""
    if field.widget_type in CHOICE_WIDGETS:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


BULLET_MARKS = ("- ", "• ", "* ", "– ")


@register.filter
def govuk_paragraphs(text):
    """Plain text as GOV.UK body text: a run of lines that start with "- " (or "• ", "* ", "– ") becomes a bulleted
    list, as inspection reports set out their findings; other lines keep their line breaks, a blank line between
    paragraphs."""
    if not text:
        return ""
    blocks = []
    lines = []
    bullets = []

    def close_paragraph():
        if lines:
            text = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
            blocks.append(format_html('<p class="govuk-body">{}</p>', text))
            lines.clear()

    def close_list():
        if bullets:
            items = format_html_join("", "<li>{}</li>", ((item,) for item in bullets))
            blocks.append(format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items))
            bullets.clear()

    for line in str(text).splitlines():
        line = line.strip()
        mark = next((mark for mark in BULLET_MARKS if line.startswith(mark)), None)
        if not line:
            close_paragraph()
            close_list()
        elif mark:
            close_paragraph()
            bullets.append(line[len(mark) :].strip())
        else:
            close_list()
            lines.append(line)
    close_paragraph()
    close_list()
    return mark_safe("".join(str(block) for block in blocks))


@register.simple_tag
def audit_rows(entries, show_object=False):
    """The rows of bvgov/partials/audit_entries.html (core.rows)."""
    return rows.audit_rows(entries, show_object=bool(show_object))


@register.simple_tag
def timeline_items(entries):
    """The items of bvgov/object_history.html's timeline (core.rows)."""
    return rows.timeline_items(entries)


@register.filter
def verbose_name(model) -> str:
    return str(model._meta.verbose_name)


class _AroundNode(template.Node):
    """Renders a template with what lies between the tags as the variable `name`, beside the tag's arguments."""

    def __init__(self, template_name, name, kwargs, nodelist):
        self.template_name, self.name, self.kwargs, self.nodelist = template_name, name, kwargs, nodelist

    def render(self, context):
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        values[self.name] = self.nodelist.render(context)
        return context.template.engine.get_template(self.template_name).render(context.new(values))


def _around_tag(parser, token, allowed, template_name, name):
    tag_name, *bits = token.split_contents()
    kwargs = token_kwargs(bits, parser)
    if bits or not kwargs.keys() <= allowed:
        raise template.TemplateSyntaxError(f"{tag_name} takes only {' and '.join(sorted(allowed))}, as name=value")
    nodelist = parser.parse((f"end{tag_name}",))
    parser.delete_first_token()
    return _AroundNode(template_name, name, kwargs, nodelist)


@register.tag
def breadcrumbs(parser, token):
    """`{% breadcrumbs [home=label] [id=id] %}{% crumb … %}…{% endbreadcrumbs %}`: partials/breadcrumbs.html."""
    return _around_tag(parser, token, {"home", "id"}, "partials/breadcrumbs.html", "crumbs")


@register.tag
def crumb(parser, token):
    """`{% crumb [href=url] %}label{% endcrumb %}`: one item of the breadcrumbs, a link if it has an href."""
    return _around_tag(parser, token, {"href"}, "partials/breadcrumbs.html#crumb", "label")
