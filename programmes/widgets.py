"""A select box that renders its options in Python, and can read a model choice list as plain values.

Django renders each option of a Select through a template of its own, and a ModelChoiceField builds a model instance
per option to take its label; a filter offering two thousand reviews then spends longer on its options than the
page spends on its queries. QuickSelect writes the same markup (the widget's attributes, optgroups, the first
selected option marked) straight to a string. Given `label_fields` and a `label` function that gives the same text
as the model's __str__ (REVIEW_LABEL, PERSON_LABEL, USER_LABEL below), it reads the choices as values instead.
"""

from html import escape

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    def __init__(self, attrs=None, choices=(), *, label_fields: tuple[str, ...] = (), label=None):
        super().__init__(attrs, choices)
        self.label_fields = label_fields
        self.label = label
        # The records offered, where fewer than the field accepts (programmes.filters.ProgrammeScopedChoices).
        self.offered = None

    def _choice_pairs(self):
        choices = self.choices
        if not (self.label_fields and isinstance(choices, ModelChoiceIterator)):
            yield from choices
            return
        if choices.field.empty_label is not None:
            yield "", choices.field.empty_label
        queryset = choices.queryset if self.offered is None else self.offered
        for pk, *values in queryset.values_list("pk", *self.label_fields):
            yield pk, self.label(*values)

    def render(self, name, value, attrs=None, renderer=None):
        opening = f'<select name="{escape(str(name))}"{flatatt(self.build_attrs(self.attrs, attrs))}>'
        return mark_safe("\n".join([opening, self._options(self.format_value(value)), "</select>"]))

    def _options(self, selected) -> str:
        selected = set(selected)
        parts = []
        has_selected = False

        def option(option_value, label):
            nonlocal has_selected
            text = "" if option_value is None else str(option_value)
            mark = ""
            if text in selected and (self.allow_multiple_selected or not has_selected):
                has_selected, mark = True, " selected"
            parts.append(f'<option value="{escape(text)}"{mark}>{escape(str(label))}</option>')

        for option_value, label in self._choice_pairs():
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{escape(str(option_value))}">')
                for inner_value, inner_label in label:
                    option(inner_value, inner_label)
                parts.append("</optgroup>")
            else:
                option(option_value, label)
        return "\n".join(parts)


def _person_label(name: str, job_title: str) -> str:
    return f"{name}, {job_title}" if job_title else name


def _user_label(first_name: str, last_name: str, username: str) -> str:
    return f"{first_name} {last_name}".strip() or username


# The labels of the register's long choice lists, as their models' __str__ gives them.
TITLE_LABEL = {"label_fields": ("title",), "label": str}
NAME_LABEL = {"label_fields": ("name",), "label": str}
PERSON_LABEL = {"label_fields": ("name", "job_title"), "label": _person_label}
USER_LABEL = {"label_fields": ("first_name", "last_name", "username"), "label": _user_label}
