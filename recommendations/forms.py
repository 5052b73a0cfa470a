from django import forms

from core.editing import ChangeMessageForm, SeenVersionMixin
from core.history import StaleEditError, check_not_stale
from programmes.models import Body, Meeting, Person, Programme

from .choices import IMPLEMENTATION_STATUSES_EDITABLE, ActionStatus, ImplementationStatus, Rag
from .models import Action, Recommendation

MAX_EVIDENCE_MB = 10
MAX_EVIDENCE_BYTES = MAX_EVIDENCE_MB * 1024 * 1024
EVIDENCE_EXTENSIONS = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".csv",
    ".txt",
    ".odt",
    ".ods",
    ".png",
    ".jpg",
    ".jpeg",
)


class ActionProgressForm(SeenVersionMixin, forms.Form):
    """An owner's update of one action: its status, a RAG override, the reason, a progress note and evidence."""

    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    rag_override = forms.ChoiceField(
        label="RAG",
        required=False,
        choices=[("", "As derived from the dates")] + list(Rag.choices),
        help_text="Override the derived RAG only with a reason.",
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=2000,
        help_text="Needed when the status or RAG changes. It is kept in the audit trail.",
        widget=forms.TextInput(),
    )
    note = forms.CharField(
        label="Progress note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text=f"A PDF, Word, Excel, OpenDocument, CSV, text or image file, smaller than {MAX_EVIDENCE_MB} MB.",
    )

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {"status": action.status, "rag_override": action.rag_override})
        kwargs.setdefault("prefix", f"action-{action.pk}")
        super().__init__(*args, **kwargs)
        self.action = action
        self.track_version_of(action)

    def clean_evidence(self):
        return _clean_evidence(self.cleaned_data.get("evidence"))

    def clean(self):
        cleaned = super().clean()
        # The comparisons below are with the action as it is now. If someone else has saved it since the form was
        # rendered, they would blame the user for the other person's change, so say what changed instead. The
        # service checks again under its lock; this read is only for the message.
        try:
            check_not_stale(
                self.action, cleaned.get("seen_version"), read_version=getattr(self.action, "latest_version", None)
            )
        except StaleEditError as error:
            self.add_error(None, error)
            self.show_current_version(error)
            return cleaned
        changes = (
            cleaned.get("status") != self.action.status or cleaned.get("rag_override", "") != self.action.rag_override
        )
        if changes and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the status or RAG is changing.")
        elif not changes and not cleaned.get("note", "").strip() and not cleaned.get("evidence"):
            self.add_error("note", "Write a progress note, or change the status or RAG.")
        status = cleaned.get("status")
        if status and status != self.action.status and not self.action.can_move_to(status):
            self.add_error(
                "status",
                f"An action that is {self.action.get_status_display().lower()} cannot move to "
                f"{ActionStatus(status).label.lower()}.",
            )
        return cleaned


DATE_HINT = "For example, 31/12/2003"


def _date_field_widget():
    return forms.DateInput(attrs={"autocomplete": "off"})


class RecommendationForm(ChangeMessageForm):
    """The programme manager's record of a recommendation: what the report says, the response, who, by when, and
    how far it has got. Whether it is accepted and any revised target date come only from recorded decisions, so
    they are not on this form; the model's own rules are reported beside the field they concern."""

    class Meta:
        model = Recommendation
        fields = [
            "source",
            "review",
            "number",
            "text",
            "source_note",
            "theme",
            "priority",
            "ease",
            "cost_band",
            "speed",
            "response",
            "owner",
            "timescale",
            "target_ongoing",
            "original_target_date",
            "implementation_status",
            "funding_amount",
            "funding_source",
            "outcomes",
            "indicators",
        ]
        labels = {
            "text": "Recommendation",
            "source_note": "What the report says",
            "timescale": "Timescale as the report gives it",
            "target_ongoing": "Ongoing: there is no target date",
            "funding_amount": "Funding (£)",
        }
        help_texts = {
            "review": "Leave blank to take the review of the source report.",
            "original_target_date": DATE_HINT,
            "implementation_status": "Implemented, superseded and the other closures are recorded from the "
            "recommendation's page, each with who and why.",
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "source_note": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 4}),
            "original_target_date": _date_field_widget(),
            "outcomes": forms.CheckboxSelectMultiple,
            "indicators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the open statuses are edited here; a recommendation reported implemented or closed keeps its status
        # until the verifier or the manager moves it on from its page.
        if self.instance.implementation_status not in IMPLEMENTATION_STATUSES_EDITABLE:
            del self.fields["implementation_status"]
        else:
            editable = IMPLEMENTATION_STATUSES_EDITABLE
            self.fields["implementation_status"].choices = [
                (value, label) for value, label in ImplementationStatus.choices if value in editable
            ]

    def clean(self):
        cleaned = super().clean()
        source, number = cleaned.get("source"), cleaned.get("number", "")
        if source and number:
            others = Recommendation.objects.filter(source=source, number=number).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("number", f"{source} already has a recommendation {number}.")
        if cleaned.get("target_ongoing") and cleaned.get("original_target_date"):
            self.add_error("target_ongoing", "An ongoing recommendation has no target date: clear the dates.")
        return cleaned


class ActionForm(ChangeMessageForm):
    """An implementation action as the programme manager records it. The status is not here: it moves only through
    an owner's update, with a reason."""

    class Meta:
        model = Action
        fields = ["description", "owner", "due_date", "depends_on", "external_dependency"]
        labels = {"depends_on": "Waits on these actions", "external_dependency": "Waits on something else"}
        help_texts = {"due_date": DATE_HINT}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "due_date": _date_field_widget(),
            "depends_on": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.recommendation = recommendation
        # Only actions of the same programme can be waited on; the rest of the register would swamp the list.
        candidates = (
            Action.objects.filter(recommendation__source__programme_id=recommendation.source.programme_id)
            .select_related("recommendation")
            .order_by("recommendation__number", "due_date", "id")
        )
        if self.instance.pk:
            candidates = candidates.exclude(pk=self.instance.pk)
        field = self.fields["depends_on"]
        field.queryset = candidates
        field.label_from_instance = lambda action: f"{action.recommendation.number or '–'}: {action}"
        original = self.instance.original_due_date or self.instance.due_date
        if self.instance.pk and original:
            self.fields["due_date"].help_text = (
                f"{DATE_HINT}. It can move earlier, or back, with a reason; later than the original, "
                f"{original:%d %B %Y}, only by an extension recorded from the action's page."
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "due_date" in self.changed_data and not cleaned.get("change_message", "").strip():
            self.add_error("change_message", "Say why the due date is changing: it is kept in the audit trail.")
        return cleaned


class CommentForm(forms.Form):
    """A member's challenge: a question put to the owner of a recommendation or action."""

    question = forms.CharField(
        label="Your question",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It goes to the owner, and it and the answer are kept in the audit trail.",
        error_messages={"required": "Write your question."},
    )


class AnswerForm(forms.Form):
    """The owner's answer to a challenge."""

    answer = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your answer."},
    )

    def __init__(self, *args, comment, **kwargs):
        kwargs.setdefault("prefix", f"comment-{comment.pk}")
        super().__init__(*args, **kwargs)
        self.comment = comment


class ExtensionForm(forms.Form):
    """An extension of a recommendation's target date, as the body that approved it recorded it."""

    body = forms.ModelChoiceField(
        label="Body that approved the extension",
        queryset=Body.objects.order_by("name"),
        empty_label="Choose the body",
        error_messages={"required": "Choose the body that approved the extension."},
    )
    meeting = forms.ModelChoiceField(
        label="Meeting (optional)",
        queryset=Meeting.objects.select_related("body").order_by("-date"),
        required=False,
        empty_label="Not at a meeting",
        help_text="The meeting at which the body approved it, if it did so at a meeting.",
    )
    decided_on = forms.DateField(
        label="Approved on",
        help_text=DATE_HINT,
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the date the extension was approved.",
            "invalid": "Enter the date the extension was approved as a real date, for example 31/12/2003.",
        },
    )
    minute_reference = forms.CharField(
        label="Minute reference",
        max_length=100,
        error_messages={"required": "Enter the minute that records the extension."},
    )
    revised_target_date = forms.DateField(
        label="New target date",
        help_text=DATE_HINT,
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the new target date.",
            "invalid": "Enter the new target date as a real date, for example 31/12/2003.",
        },
    )
    rationale = forms.CharField(
        label="Why the date moved",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the date moved."},
    )

    outcome = forms.ChoiceField(
        label="The body's decision",
        choices=[("approved", "Approved: the date moves"), ("refused", "Refused: the date stays")],
        widget=forms.RadioSelect,
        initial="approved",
        error_messages={"required": "Choose whether the body approved the extension."},
    )

    def __init__(self, *args, noun: str = "target date", request=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An owner's request may be approved or refused; an extension recorded without one is an approval.
        if request is None:
            del self.fields["outcome"]
        else:
            self.initial.setdefault("revised_target_date", request.proposed_date)
            self.order_fields(["outcome"])
        field = self.fields["revised_target_date"]
        field.label = f"New {noun}"
        field.error_messages = {
            "required": f"Enter the new {noun}.",
            "invalid": f"Enter the new {noun} as a real date, for example 31/12/2003.",
        }


class ArchiveForm(SeenVersionMixin, forms.Form):
    """Why a record is archived or restored: the reason goes on the history row and the record's page."""

    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, 'Entered twice: the same recommendation is number 4'. It is kept in the audit trail.",
        error_messages={"required": "Give the reason: it is kept in the audit trail."},
    )

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.track_version_of(instance)


def _clean_evidence(evidence):
    if evidence is None:
        return None
    if evidence.size > MAX_EVIDENCE_BYTES:
        raise forms.ValidationError(f"The evidence file must be smaller than {MAX_EVIDENCE_MB} MB.")
    if not evidence.name.lower().endswith(EVIDENCE_EXTENSIONS):
        raise forms.ValidationError("The evidence must be a PDF, Word, Excel, OpenDocument, CSV, text or image file.")
    return evidence


class ReportImplementedForm(SeenVersionMixin, forms.Form):
    """The owner's report that a recommendation is implemented, with how and the evidence, for its verifier."""

    note = forms.CharField(
        label="How was it implemented?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say how the recommendation was implemented."},
    )
    evidence_file = forms.FileField(
        label="Evidence",
        required=False,
        help_text=f"Minutes, a policy, a report: a PDF, Word, Excel, OpenDocument, CSV, text or image file, smaller "
        f"than {MAX_EVIDENCE_MB} MB. Optional only if earlier updates already carry evidence.",
    )
    evidence_description = forms.CharField(label="What the evidence is (optional)", required=False, max_length=300)

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version_of(recommendation)

    def clean_evidence_file(self):
        return _clean_evidence(self.cleaned_data.get("evidence_file"))


class VerifyForm(SeenVersionMixin, forms.Form):
    """The verifier's outcome: accepted as implemented, or not, with a note either way."""

    outcome = forms.ChoiceField(
        label="Is it implemented?",
        choices=[("accept", "Yes: accept it as implemented"), ("reject", "No: send it back to the owner")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you accept it as implemented."},
    )
    note = forms.CharField(
        label="What you checked, or why it is not accepted",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what you checked, or why it is not accepted."},
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version_of(recommendation)


class CloseForm(SeenVersionMixin, forms.Form):
    """Closing a recommendation that will not be implemented as written, with the reason."""

    outcome = forms.ChoiceField(
        label="How is it closed?",
        choices=[
            (ImplementationStatus.SUPERSEDED, "Superseded by another recommendation"),
            (ImplementationStatus.NOT_IMPLEMENTED, "Not implemented"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the recommendation is closed."},
    )
    superseded_by = forms.ModelChoiceField(
        label="Superseded by",
        queryset=Recommendation.objects.none(),
        required=False,
        empty_label="Choose the recommendation",
        help_text="Only for superseded: a recommendation of the same programme.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the recommendation is closed."},
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version_of(recommendation)
        field = self.fields["superseded_by"]
        field.queryset = (
            Recommendation.objects.filter(source__programme_id=recommendation.source.programme_id)
            .exclude(pk=recommendation.pk)
            .select_related("source")
            .order_by("source__title", "number", "id")
        )
        field.label_from_instance = lambda rec: f"{rec.source.title}: {rec.number or 'unnumbered'} — {rec.text[:80]}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == ImplementationStatus.SUPERSEDED and not cleaned.get("superseded_by"):
            self.add_error("superseded_by", "Choose the recommendation that supersedes it.")
        return cleaned


class RiskAcceptanceForm(forms.Form):
    """A body's decision to accept the risk of not implementing a recommendation."""

    body = forms.ModelChoiceField(
        label="Body that accepted the risk",
        queryset=Body.objects.none(),
        empty_label="Choose the body",
        error_messages={"required": "Choose the body that accepted the risk."},
    )
    meeting = forms.ModelChoiceField(
        label="Meeting (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not at a meeting",
    )
    decided_on = forms.DateField(
        label="Decided on",
        help_text=DATE_HINT,
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the date the risk was accepted.",
            "invalid": "Enter the date the risk was accepted as a real date, for example 31/12/2003.",
        },
    )
    minute_reference = forms.CharField(
        label="Minute reference", max_length=100, error_messages={"required": "Enter the minute that records it."}
    )
    rationale = forms.CharField(
        label="Rationale",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the rationale for accepting the risk of not implementing it."},
    )
    risk_review_date = forms.DateField(
        label="Review the risk by",
        help_text=f"{DATE_HINT}. Its owner and the programme manager are reminded before this date.",
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the date the risk is reviewed again.",
            "invalid": "Enter the review date as a real date, for example 31/12/2003.",
        },
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(pk__in=[body.pk for body in bodies]).order_by("name")
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(body__in=[body.pk for body in bodies]).select_related("body").order_by("-date")
        )


class ReopenForm(SeenVersionMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it reopened?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the recommendation is reopened."},
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version_of(recommendation)


class RoundOpenForm(forms.Form):
    """The programme manager's request for updates before a meeting."""

    meeting = forms.ModelChoiceField(
        label="Meeting",
        queryset=Meeting.objects.none(),
        empty_label="Choose the meeting",
        help_text="A meeting to come. Record a new meeting first if it is not listed.",
        error_messages={"required": "Choose the meeting the updates are for."},
    )
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.order_by("-start_date", "name"),
        empty_label="Choose the programme",
        error_messages={"required": "Choose the programme whose actions are asked about."},
    )
    respond_by = forms.DateField(
        label="Respond by",
        help_text=f"{DATE_HINT}. Owners who have not responded are reminded 7 days and 1 day before.",
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the date owners must respond by.",
            "invalid": "Enter the respond-by date as a real date, for example 31/12/2003.",
        },
    )
    scope = forms.ChoiceField(
        label="Which actions",
        choices=[("open", "Every open action"), ("due", "Open actions due within a number of days, and overdue ones")],
        widget=forms.RadioSelect,
        initial="open",
        error_messages={"required": "Choose which actions the owners are asked about."},
    )
    due_within_days = forms.IntegerField(
        label="Due within (days)",
        required=False,
        min_value=0,
        max_value=3650,
        help_text="Only when the actions are those due within a number of days.",
        error_messages={"invalid": "Enter a whole number of days, for example 60."},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(date__gte=today).select_related("body").order_by("date", "body__name")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "due" and cleaned.get("due_within_days") is None:
            self.add_error("due_within_days", "Enter the number of days.")
        if cleaned.get("scope") == "open":
            cleaned["due_within_days"] = None
        return cleaned


class RoundItemForm(SeenVersionMixin, forms.Form):
    """One action of an owner's response to a round: its status, the reason for a change, and a progress note."""

    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    reason = forms.CharField(
        label="Reason for a change of status", required=False, max_length=2000, widget=forms.TextInput()
    )
    note = forms.CharField(
        label="Progress note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {"status": action.status})
        kwargs.setdefault("prefix", f"action-{action.pk}")
        super().__init__(*args, **kwargs)
        self.action = action
        self.track_version_of(action)
        self.fields["status"].choices = [
            (value, label)
            for value, label in ActionStatus.choices
            if value == action.status or action.can_move_to(value)
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") not in (None, self.action.status) and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the status is changing.")
        return cleaned


class DelegationForm(forms.Form):
    """An owner's deputy for a period."""

    deputy = forms.ModelChoiceField(
        label="Deputy",
        queryset=Person.objects.none(),
        empty_label="Choose your deputy",
        help_text="Someone who signs in to record progress.",
        error_messages={"required": "Choose your deputy."},
    )
    starts_on = forms.DateField(
        label="From",
        help_text=DATE_HINT,
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the first day your deputy acts for you.",
            "invalid": "Enter the first day as a real date, for example 1/12/2003.",
        },
    )
    ends_on = forms.DateField(
        label="To",
        help_text=DATE_HINT,
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the last day your deputy acts for you.",
            "invalid": "Enter the last day as a real date, for example 31/12/2003.",
        },
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = (
            Person.objects.filter(user__is_active=True, user__groups__permissions__codename="add_progressupdate")
            .exclude(pk=owner.pk)
            .distinct()
            .order_by("name")
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day cannot be before the first.")
        return cleaned


class AtRiskForm(SeenVersionMixin, forms.Form):
    reason = forms.CharField(
        label="Why?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why."},
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version_of(action)
        at_risk = action.at_risk_since is not None
        self.fields["reason"].label = "Why is it no longer at risk?" if at_risk else "Why will the due date not be met?"


class ExtensionRequestForm(forms.Form):
    proposed_date = forms.DateField(
        label="Proposed date",
        help_text=DATE_HINT,
        widget=_date_field_widget(),
        error_messages={
            "required": "Enter the date you propose.",
            "invalid": "Enter the proposed date as a real date, for example 31/12/2004.",
        },
    )
    reason = forms.CharField(
        label="Why is more time needed?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why more time is needed."},
    )
