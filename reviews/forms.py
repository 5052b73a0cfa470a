"""The review form: everything a programme manager keeps up to date, except the stage, which only decisions move."""

from django import forms
from django.db.models import Q

from core.editing import ChangeMessageForm
from programmes.choices import BodyKind
from programmes.forms import NativeDateInput
from programmes.models import Body, Person

from .choices import STAGE_TRANSITIONS, STAGES_BY_DECISION, ReviewStage
from .models import Review

# The fields of the form in the order of its page, grouped under the headings the page shows.
FIELDSETS = [
    ("The review", ["programme", "reference", "title", "kind", "scope"]),
    (
        "Boards and people",
        [
            "project_board",
            "implementation_board",
            "challenge_panel",
            "project_director",
            "team_leader",
            "nominated_member",
        ],
    ),
    ("Dates", ["planned_start", "planned_end", "actual_start", "actual_end"]),
    ("Money", ["budget", "cost"]),
    ("Evidence: the 4Cs", ["challenge_evidence", "compare_evidence", "consult_evidence", "compete_evidence"]),
    ("Final report", ["final_report_title", "final_report_date", "final_report_reference", "final_report_summary"]),
    ("Notes", ["notes"]),
]

BOARD_KINDS = {
    "project_board": (BodyKind.PROJECT_BOARD,),
    "implementation_board": (BodyKind.IMPLEMENTATION_BOARD, BodyKind.STRATEGY_BOARD, BodyKind.PROJECT_BOARD),
    "challenge_panel": (BodyKind.CHALLENGE_PANEL,),
}


class ReviewForm(ChangeMessageForm):
    class Meta:
        model = Review
        fields = [name for _, names in FIELDSETS for name in names]
        labels = {
            "reference": "Reference",
            "budget": "Budget (£)",
            "cost": "Cost to date (£)",
            "final_report_title": "Title",
            "final_report_date": "Date",
            "final_report_reference": "Reference",
            "final_report_summary": "Summary",
        }
        help_texts = {
            "reference": "A short unique reference in lower case, for example bvr-managing-demand.",
            "scope": "What the review covers, in the words of its terms of reference.",
        }
        widgets = {
            "planned_start": NativeDateInput(),
            "planned_end": NativeDateInput(),
            "actual_start": NativeDateInput(),
            "actual_end": NativeDateInput(),
            "final_report_date": NativeDateInput(),
            "reference": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            "budget": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "cost": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "final_report_reference": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            "scope": forms.Textarea(attrs={"rows": 4}),
            "challenge_evidence": forms.Textarea(attrs={"rows": 3}),
            "compare_evidence": forms.Textarea(attrs={"rows": 3}),
            "consult_evidence": forms.Textarea(attrs={"rows": 3}),
            "compete_evidence": forms.Textarea(attrs={"rows": 3}),
            "final_report_summary": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "programme": {"required": "Choose the programme the review belongs to."},
            "reference": {"required": "Enter a reference for the review."},
            "title": {"required": "Enter the title of the review."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kinds in BOARD_KINDS.items():
            current = getattr(self.instance, f"{name}_id", None)
            self.fields[name].queryset = Body.objects.filter(Q(kind__in=kinds) | Q(pk=current)).order_by("name")
            self.fields[name].empty_label = "None"
        people = Person.objects.order_by("name", "job_title")
        for name in ("project_director", "team_leader", "nominated_member"):
            self.fields[name].queryset = people
            self.fields[name].empty_label = "None"
        self.fields["programme"].empty_label = "Choose a programme"

    def fieldsets(self):
        """The bound fields under their headings, for the page; the change message comes last, on its own."""
        return [(heading, [self[name] for name in names]) for heading, names in FIELDSETS]


class StageChangeForm(forms.Form):
    """A stage that needs no body's decision: the final report submitted, or the review closed or withdrawn."""

    stage = forms.ChoiceField(label="New stage", choices=())
    reason = forms.CharField(label="Why", max_length=2000, help_text="Kept in the audit trail.")

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (stage, ReviewStage(stage).label)
            for stage in sorted(STAGE_TRANSITIONS[review.stage], key=list(ReviewStage.values).index)
            if stage not in STAGES_BY_DECISION
        ]
