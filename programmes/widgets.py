"""A select box that renders its options in Python.

Django renders each option of a Select through a template of its own; a filter offering two thousand reviews then
spends longer rendering its options than the page spends on its queries. QuickSelect writes the same markup (the
widget's attributes, optgroups, the first selected option marked) straight to a string.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        parts = [f'<select name="{escape(str(name))}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        has_selected = False

        def option(option_value, label):
            nonlocal has_selected
            text = "" if option_value is None else str(option_value)
            mark = ""
            if text in selected and (self.allow_multiple_selected or not has_selected):
                has_selected, mark = True, " selected"
            parts.append(f'<option value="{escape(text)}"{mark}>{escape(str(label))}</option>')

        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{escape(str(option_value))}">')
                for inner_value, inner_label in label:
                    option(inner_value, inner_label)
                parts.append("</optgroup>")
            else:
                option(option_value, label)
        parts.append("</select>")
        return mark_safe("\n".join(parts))
