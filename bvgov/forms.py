import datetime

from django import forms
from django.utils import timezone

from programmes.models import Programme
from programmes.widgets import NAME_LABEL, QuickSelect

from .models import User
from .selectors.boards import boards

# The register's earliest records are from 2000; a date far before that can only be a slip of the keyboard.
EARLIEST_AS_AT = datetime.date(1990, 1, 1)


def check_as_at(day: datetime.date | None, *, what: str) -> datetime.date | None:
    """Refuse an 'as at' day in the future or before the register could have held anything."""
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past.")
    if day and day < EARLIEST_AS_AT:
        raise forms.ValidationError(f"{what} must be on or after {EARLIEST_AS_AT.day} {EARLIEST_AS_AT:%B %Y}.")
    return day


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
        return check_as_at(self.cleaned_data["as_at"], what="The 'as at' date")


def programme_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.all(),
        widget=QuickSelect(**NAME_LABEL),
        required=False,
        empty_label="The current programme",
        error_messages={"invalid_choice": "Choose a programme from the list."},
    )


class DashboardForm(AsAtForm):
    """Which programme the committee dashboard shows (the current one when none is chosen), and as at which day."""

    field_order = ["programme", "as_at"]
    programme = programme_field()


class BoardChoiceForm(forms.Form):
    """Which board's dashboard to show, and for which programme."""

    body = forms.ModelChoiceField(
        label="Board or committee",
        queryset=boards(),
        empty_label="Choose a board",
        widget=QuickSelect(**NAME_LABEL),
        error_messages={"invalid_choice": "Choose a board from the list."},
    )
    programme = programme_field()


class NotificationEmailsForm(forms.Form):
    emails = forms.ChoiceField(
        label="Email me",
        choices=User.NotificationEmails.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to be emailed.", "invalid_choice": "Choose how to be emailed."},
    )
