"""The review and inspection pages. Thin views over selectors; edits go through the register's history-keeping save."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from core.editing import RegisterCreateView, RegisterUpdateView
from core.listing import Column, Header, RegisterListView
from programmes.views import RegisterDetailView

from . import filters, selectors
from .choices import AWAITING_DECISION
from .forms import ReviewForm, StageChangeForm
from .models import Inspection, Review
from .services import review_change_stage
from .workflow import changed_since_approval, decision_chain

FOUR_CS = ("challenge_evidence", "compare_evidence", "consult_evidence", "compete_evidence")


class ReviewListView(RegisterListView):
    model = Review
    selector = staticmethod(selectors.reviews_for_list)
    filterset_class = filters.ReviewFilter
    template_name = "reviews/review_list.html"
    export_name = "reviews"
    sort_expressions = {"stage": "stage_position"}
    columns = [
        Column("Reference", "reference", sort="reference"),
        Column("Review", "title", sort="title"),
        Column("Programme", "programme", sort="programme__name"),
        Column("Kind", "get_kind_display"),
        Column("Stage", "get_stage_display", sort="stage"),
        Column("Planned start", "planned_start", sort="planned_start"),
        Column("Planned end", "planned_end"),
        Column("Actual start", "actual_start"),
        Column("Actual end", "actual_end"),
        Column("Recommendations", "recommendation_count"),
        Column("Accepted", "accepted_count"),
        Column("Implemented", "implemented_count"),
        Column(
            "Implementation rate",
            lambda review: selectors.implementation_rate(review.implemented_count, review.accepted_count),
        ),
        Column("Budget", "budget"),
        Column("Cost", "cost"),
    ]
    headers = [
        Header("Review", "title"),
        Header("Programme"),
        Header("Stage", "stage"),
        Header("Planned start", "planned_start"),
        Header("Recommendations implemented"),
    ]


class ReviewDetailView(RegisterDetailView):
    model = Review
    selector = staticmethod(selectors.review_for_detail)
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        review = self.object
        return super().get_context_data(
            recommendations=selectors.review_recommendations(review),
            chain=decision_chain(review, review.decision_chain),
            drifts=changed_since_approval(review, review.decision_chain),
            awaiting=AWAITING_DECISION.get(review.stage, ""),
            boards=[
                ("Project board", review.project_board),
                ("Implementation board", review.implementation_board),
                ("Challenge panel", review.challenge_panel),
            ],
            people=[
                ("Project director", review.project_director),
                ("Team leader", review.team_leader),
                ("Nominated member", review.nominated_member),
            ],
            four_cs=[
                (field.verbose_name, field.help_text, getattr(review, field.name))
                for field in map(Review._meta.get_field, FOUR_CS)
            ],
            **kwargs,
        )


class ReviewCreateView(RegisterCreateView):
    model = Review
    form_class = ReviewForm
    permission_required = "reviews.add_review"
    template_name = "reviews/review_form.html"
    success_message = "Review created."


class ReviewUpdateView(RegisterUpdateView):
    model = Review
    form_class = ReviewForm
    permission_required = "reviews.change_review"
    template_name = "reviews/review_form.html"
    success_message = "Review saved."


class InspectionListView(RegisterListView):
    model = Inspection
    selector = staticmethod(selectors.inspections_for_list)
    filterset_class = filters.InspectionFilter
    template_name = "reviews/inspection_list.html"
    export_name = "inspections"
    columns = [
        Column("Published", "published_on", sort="published_on"),
        Column("Inspection", "title", sort="title"),
        Column("Reference", "reference"),
        Column("Inspectorate", "get_inspectorate_display", sort="inspectorate"),
        Column("Review", "review", sort="review__title"),
        Column("Programme", "programme"),
        Column("Fieldwork start", "fieldwork_start"),
        Column("Fieldwork end", "fieldwork_end"),
        Column("Service judgement", "get_service_judgement_display"),
        Column("Prospects judgement", "get_prospects_judgement_display"),
        Column("Audit opinion", "get_audit_opinion_display"),
        Column("Recommendations", "recommendation_count"),
    ]
    headers = [
        Header("Published", "published_on"),
        Header("Inspection", "title"),
        Header("Inspectorate", "inspectorate"),
        Header("Of"),
        Header("Judgements"),
        Header("Recommendations", numeric=True),
    ]


class InspectionDetailView(RegisterDetailView):
    model = Inspection
    selector = staticmethod(selectors.inspection_for_detail)
    template_name = "reviews/inspection_detail.html"


class ReviewStageView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Record a stage no body decides: the final report submitted, the review closed or withdrawn."""

    permission_required = "reviews.change_review"
    template_name = "reviews/review_stage.html"
    form_class = StageChangeForm

    def dispatch(self, request, *args, **kwargs):
        self.review = get_object_or_404(Review, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"review": self.review}

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, **kwargs)

    def form_valid(self, form):
        try:
            review_change_stage(review=self.review, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        stage = dict(form.fields["stage"].choices)[form.cleaned_data["stage"]]
        messages.success(self.request, f"The review is now {stage.lower()}.")
        return redirect(self.review.get_absolute_url())
