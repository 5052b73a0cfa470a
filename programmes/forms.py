"""Forms of the governance pages: recording a body's decision, and the date input every register form uses."""

from django import forms

from core.editing import ChangeMessageForm

from .models import Body, Decision, Meeting


class NativeDateInput(forms.DateInput):
    """The browser's own date input (type=date), which always sends and shows dates as YYYY-MM-DD.

    It is a class of its own, not DateInput with type=date, so that partials/form_field.html (which wraps a
    "date" widget in MOJ's date picker, a text-input component that writes d/m/yyyy) leaves it alone: the two
    pickers together would write a value the date input refuses.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "govuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d")


class DecisionForm(ChangeMessageForm):
    """A body's decision on one subject; the subject comes from the page's address, never from the form."""

    class Meta:
        model = Decision
        fields = ["body", "meeting", "decided_on", "kind", "outcome", "minute_reference", "rationale"]
        labels = {
            "body": "Body that took the decision",
            "meeting": "Meeting (optional)",
            "decided_on": "Date of the decision",
            "kind": "Kind of decision",
            "minute_reference": "Minute reference",
        }
        help_texts = {
            "meeting": "Leave blank if it was not taken at a meeting. A meeting's decision is dated that day.",
            "minute_reference": "As the minutes give it, for example 'Minute 14/03'.",
            "rationale": "Why the body decided this. A rejection must give its rationale.",
        }
        widgets = {
            "decided_on": NativeDateInput(),
            "minute_reference": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            "rationale": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "body": {"required": "Choose the body that took the decision."},
            "decided_on": {
                "required": "Enter the date of the decision.",
                "invalid": "Enter the date of the decision as a real date.",
            },
            "kind": {"required": "Choose the kind of decision."},
            "outcome": {"required": "Choose the outcome."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.order_by("name")
        self.fields["body"].empty_label = "Choose a body"
        self.fields["meeting"].queryset = Meeting.objects.select_related("body").order_by("-date", "body__name")
        self.fields["meeting"].empty_label = "Not at a meeting"
        self.fields["kind"].choices = [("", "Choose a kind of decision"), *self.fields["kind"].choices[1:]]
        outcome = self.fields["outcome"]
        outcome.widget = forms.RadioSelect()
        outcome.choices = outcome.choices[1:]


class DecisionCorrectionForm(forms.Form):
    """Why a decision is corrected: the reason goes on its history row and its page."""

    reason = forms.CharField(
        label="Why is this decision being corrected?",
        help_text="For example, 'Recorded against the wrong review' or 'The minutes date it 14 May 2003'. "
        "The decision is kept, struck through, and no longer takes effect; record the right one afterwards.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason the decision is being corrected."},
    )


def add_validation_error(form: forms.Form, error) -> None:
    """Show a model's ValidationError on the form: on its field where the form has one, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
