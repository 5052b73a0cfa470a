from django import forms
from django.utils import timezone


class AsAtForm(forms.Form):
    """The 'as at' date of a dashboard: blank for now, or a past day to see the register as it stood then."""

    as_at = forms.DateField(
        label="Show the register as at",
        required=False,
        help_text="Leave blank for today. The page then shows the register as it stood at the end of that day.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the 'as at' date as a real date, for example 2004-01-31."},
    )

    def clean_as_at(self):
        as_at = self.cleaned_data["as_at"]
        if as_at and as_at > timezone.localdate():
            raise forms.ValidationError("The 'as at' date must be today or in the past.")
        return as_at


class BoardChoiceForm(forms.Form):
    """Which board's dashboard to show."""

    body = forms.ModelChoiceField(label="Board or committee", queryset=None, empty_label="Choose a board")

    def __init__(self, *args, **kwargs):
        from .selectors import boards

        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = boards()
