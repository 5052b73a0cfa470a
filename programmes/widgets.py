"""A select box that renders its options in Python, and can read a model choice list as plain values.

Django renders each option of a Select through a template of its own, and a ModelChoiceField builds a model instance
per option to take its label; a filter offering two thousand reviews then spends longer on its options than the
page spends on its queries. QuickSelect writes the same markup (the widget's attributes, optgroups, the first
selected option marked) straight to a string. Given `label_fields` and a `label` function that gives the same text
as the model's __str__ (REVIEW_LABEL, PERSON_LABEL, USER_LABEL below), it reads the choices as values instead.
"""

import functools
import hashlib
from html import escape

from django import forms
from django.apps import apps
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from .versions import fields_version


def table_versions(labels: tuple[str, ...]) -> tuple:
    """The newest history_id of each model ("app_label.Model"): every change to a register table adds a history
    row, so while these stay the same the table's rows have not changed. One query, each an index lookup.

    A label with fields ("recommendations.Action:owner") stands for the model only as far as those fields go
    (programmes.versions.fields_version): rows added or archived, or those fields changed.
    """
    whole = [label for label in labels if ":" not in label]
    versions = {}
    if whole:
        tables = [_history_table(label) for label in whole]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"(SELECT MAX(history_id) FROM {quote(table)})" for table in tables))
            versions = dict(zip(whole, cursor.fetchone(), strict=True))
    for label in labels:
        if ":" in label:
            name, fields = label.split(":", 1)
            versions[label] = f"f{fields_version(apps.get_model(name), frozenset(fields.split(',')))}"
    return tuple(versions[label] for label in labels)


@functools.cache
def _history_table(label: str) -> str:
    """The table of a model's history rows (reaching it through the model's `history` builds a manager each time)."""
    return apps.get_model(label).history.model._meta.db_table


class QuickSelect(forms.Select):
    """`cached_on` names the models whose rows the choices come from (the list of reviews: "reviews.Review"; the
    people who own actions: "programmes.Person" and "recommendations.Action"): the options are then rendered once per
    version of those tables and kept in the "pages" cache, and only the selected option is marked afresh."""

    def __init__(
        self, attrs=None, choices=(), *, label_fields: tuple[str, ...] = (), label=None, cached_on: tuple = ()
    ):
        super().__init__(attrs, choices)
        self.label_fields = label_fields
        self.label = label
        self.cached_on = cached_on

    def _choice_pairs(self):
        choices = self.choices
        if not (self.label_fields and isinstance(choices, ModelChoiceIterator)):
            yield from choices
            return
        if choices.field.empty_label is not None:
            yield "", choices.field.empty_label
        for pk, *values in choices.queryset.values_list("pk", *self.label_fields):
            yield pk, self.label(*values)

    def render(self, name, value, attrs=None, renderer=None):
        opening = f'<select name="{escape(str(name))}"{flatatt(self.build_attrs(self.attrs, attrs))}>'
        cache = caches["pages"]
        if not self.cached_on or isinstance(cache, DummyCache) or not isinstance(self.choices, ModelChoiceIterator):
            return mark_safe("\n".join([opening, self._options(self.format_value(value)), "</select>"]))
        query = str(self.choices.queryset.query) + repr((self.label_fields, self.choices.field.empty_label))
        versions = "-".join(str(version) for version in table_versions(self.cached_on))
        key = f"select:{hashlib.sha256(query.encode()).hexdigest()}:{versions}"
        options = cache.get(key)
        if options is None:
            options = self._options(set())
            cache.set(key, options, 3600)
        for chosen in self.format_value(value)[: None if self.allow_multiple_selected else 1]:
            mark = f'<option value="{escape(chosen)}">'
            options = options.replace(mark, mark[:-1] + " selected>", 1)
        return mark_safe("\n".join([opening, options, "</select>"]))

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
PERSON_LABEL = {"label_fields": ("name", "job_title"), "label": _person_label}
USER_LABEL = {"label_fields": ("first_name", "last_name", "username"), "label": _user_label}


# Query parameters that are not filters: paging, sorting and the export format.
NOT_FILTERS = frozenset({"page", "sort", "format"})


def filter_form_version(form, data, *, also_on: tuple[str, ...] = ()) -> str:
    """A key for a filter form's rendered fields, for the "pages" cache ("" when that cache keeps nothing, so that
    no version is read for it).

    The fields (with their choices, the values chosen and any errors) follow from what was asked (the query, bar
    paging and sorting), the day, and the rows their choices are read from: each QuickSelect's `cached_on`, each
    other model choice's model, and `also_on` (choices read by a function, such as the themes in use). One query
    reads all those tables' versions.
    """
    if isinstance(caches["pages"], DummyCache):
        return ""
    tables = set(also_on)
    for field in form.fields.values():
        if isinstance(field.widget, QuickSelect) and field.widget.cached_on:
            tables.update(field.widget.cached_on)
        elif hasattr(field, "queryset") and hasattr(field.queryset.model, "history"):
            # (A model without history, such as the content types, changes only with a migration.)
            tables.add(field.queryset.model._meta.label)
    asked = sorted((name, data.getlist(name)) for name in data if name not in NOT_FILTERS)
    from django.utils import timezone

    content = repr((type(form).__module__, type(form).__qualname__, asked, str(timezone.localdate())))
    versions = table_versions(tuple(sorted(tables))) if tables else ()
    return hashlib.sha256(content.encode()).hexdigest() + ":" + "-".join(str(version) for version in versions)
