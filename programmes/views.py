"""The governance pages: programmes, bodies, meetings, decisions, indicators and risks. Thin views over selectors."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView

from core.listing import Column, Header, RegisterListView
from core.pagination import one_or_404

from . import filters, selectors, services
from .forms import DecisionCorrectionForm, DecisionForm, add_validation_error
from .models import Body, Decision, Indicator, Meeting, Programme, Risk
from .permissions import decision_bodies_for, may_record_decision_of, may_record_decisions


class RegisterDetailView(LoginRequiredMixin, DetailView):
    """A register object's page; `selector` gives the queryset with the joins the page needs."""

    selector = None

    def get_queryset(self):
        return self.selector()

    def get_object(self, queryset=None):
        return one_or_404(self.get_queryset() if queryset is None else queryset, self.kwargs[self.pk_url_kwarg])


# Programmes ---------------------------------------------------------------------------------------------------


class ProgrammeListView(RegisterListView):
    model = Programme
    selector = staticmethod(selectors.programmes_for_list)
    filterset_class = filters.ProgrammeFilter
    template_name = "programmes/programme_list.html"
    export_name = "programmes"
    columns = [
        Column("Programme", "name", sort="name"),
        Column("Reference", "reference"),
        Column("Start", "start_date", sort="start_date"),
        Column("End", "end_date"),
        Column("Executive body", "executive_body"),
        Column("Programme board", "programme_board"),
        Column("Director", "director.name"),
        Column("Manager", "manager.name"),
        Column("Budget", "budget"),
        Column("Reviews", "review_count", sort="review_count"),
        Column("Risks", "risk_count"),
    ]
    headers = [
        Header("Programme", "name"),
        Header("Start", "start_date"),
        Header("Director and manager"),
        Header("Budget", numeric=True),
        Header("Reviews", "review_count", numeric=True),
    ]


class ProgrammeDetailView(RegisterDetailView):
    model = Programme
    selector = staticmethod(selectors.programme_for_detail)
    template_name = "programmes/programme_detail.html"

    def get_context_data(self, **kwargs):
        programme = self.object
        return super().get_context_data(
            boards=[("Executive body", programme.executive_body), ("Programme board", programme.programme_board)],
            people=[("Programme director", programme.director), ("Programme manager", programme.manager)],
            **kwargs,
        )


# Bodies -------------------------------------------------------------------------------------------------------


class BodyListView(RegisterListView):
    model = Body
    selector = staticmethod(selectors.bodies_for_list)
    filterset_class = filters.BodyFilter
    template_name = "programmes/body_list.html"
    export_name = "bodies"
    default_sort = "name"
    columns = [
        Column("Body", "name", sort="name"),
        Column("Short name", "short_name"),
        Column("Kind", "get_kind_display", sort="kind"),
        Column("Reports to", "reports_to"),
        Column("Current members", "current_member_count", sort="current_member_count"),
        Column("Meetings", "meeting_count", sort="meeting_count"),
        Column("Decisions", "decision_count"),
        Column("Established", "established_on"),
        Column("Dissolved", "dissolved_on"),
    ]
    headers = [
        Header("Body", "name"),
        Header("Kind", "kind"),
        Header("Reports to"),
        Header("Current members", "current_member_count", numeric=True),
        Header("Meetings", "meeting_count", numeric=True),
    ]


class BodyDetailView(RegisterDetailView):
    model = Body
    selector = staticmethod(selectors.body_for_detail)
    template_name = "programmes/body_detail.html"

    def get_context_data(self, **kwargs):
        body = self.object
        return super().get_context_data(
            chain=selectors.reports_to_chain(body),
            reporting_bodies=selectors.reporting_bodies(body),
            members=selectors.members(body),
            meetings=selectors.latest_meetings(body),
            decisions=selectors.latest_decisions(body),
            latest_limit=selectors.LATEST_LIMIT,
            **kwargs,
        )


# Meetings -----------------------------------------------------------------------------------------------------


class MeetingListView(RegisterListView):
    model = Meeting
    selector = staticmethod(selectors.meetings_for_list)
    filterset_class = filters.MeetingFilter
    template_name = "programmes/meeting_list.html"
    export_name = "meetings"
    columns = [
        Column("Date", "date", sort="date"),
        Column("Body", "body", sort="body__name"),
        Column("Title", "title"),
        Column("Minutes reference", "minutes_reference"),
        Column("Decisions", "decision_count", sort="decision_count"),
    ]
    headers = [
        Header("Date", "date"),
        Header("Body", "body__name"),
        Header("Meeting"),
        Header("Minutes"),
        Header("Decisions", "decision_count", numeric=True),
    ]


class MeetingDetailView(RegisterDetailView):
    model = Meeting
    selector = staticmethod(selectors.meeting_for_detail)
    template_name = "programmes/meeting_detail.html"


# Decisions ----------------------------------------------------------------------------------------------------


class DecisionListView(RegisterListView):
    model = Decision
    selector = staticmethod(selectors.decisions_for_list)
    filterset_class = filters.DecisionFilter
    template_name = "programmes/decision_list.html"
    export_name = "decisions"
    columns = [
        Column("Date", "decided_on", sort="decided_on"),
        Column("Body", "body", sort="body__name"),
        Column("Kind", "get_kind_display", sort="kind"),
        Column("Outcome", "get_outcome_display", sort="outcome"),
        Column("Decision on", lambda decision: decision.subject_type.name),
        Column("Subject", "subject"),
        Column("Meeting", "meeting"),
        Column("Minute reference", "minute_reference"),
        Column("Rationale", "rationale"),
        Column("Recorded by", "recorded_by"),
    ]
    headers = [
        Header("Date", "decided_on"),
        Header("Body", "body__name"),
        Header("Decision", "kind"),
        Header("Outcome", "outcome"),
        Header("On"),
        Header("Minute"),
    ]


class DecisionDetailView(RegisterDetailView):
    model = Decision
    selector = staticmethod(selectors.decision_for_detail)
    template_name = "programmes/decision_detail.html"

    def get_context_data(self, **kwargs):
        decision = self.object
        chain = selectors.decision_chain(subject_type_id=decision.subject_type_id, subject_id=decision.subject_id)
        may_correct = not decision.is_corrected and may_record_decision_of(self.request.user, decision.body)
        return super().get_context_data(chain=chain, may_correct=may_correct, **kwargs)


class DecisionCorrectView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Correct a decision recorded in error, with a reason: it stays, struck through, and no longer takes effect.
    For those who may record the body's decisions (the programme manager, the body's chair)."""

    form_class = DecisionCorrectionForm
    template_name = "programmes/decision_correct.html"

    def has_permission(self):
        return may_record_decisions(self.request.user)

    def get_decision(self) -> Decision:
        decision = selectors.decision_for_detail().filter(pk=self.kwargs["pk"], corrected_at__isnull=True).first()
        if decision is None or not may_record_decision_of(self.request.user, decision.body):
            raise Http404("There is no such decision for you to correct.")
        return decision

    def get_context_data(self, **kwargs):
        return super().get_context_data(decision=self.decision, **kwargs)

    def get(self, request, *args, **kwargs):
        self.decision = self.get_decision()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.decision = self.get_decision()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.decision_correct(
                decision=self.decision, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Decision corrected. It stays in the chain, struck through.")
        return redirect(self.decision.get_absolute_url())


class DecisionCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Record a body's decision on the subject named in the address: ?subject=<app_label>.<model>.<pk>.

    The programme manager records any body's decisions; a board's chair records that board's.
    """

    form_class = DecisionForm
    template_name = "programmes/decision_form.html"

    def has_permission(self):
        return may_record_decisions(self.request.user)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["body"].queryset = decision_bodies_for(self.request.user).order_by("name")
        return form

    def get_subject(self):
        subject = selectors.decision_subject(self.request.GET.get("subject", ""))
        if subject is None:
            raise Http404("There is no such subject for a decision.")
        return subject

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.subject = self.get_subject()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        subject = self.subject
        return super().get_context_data(
            subject=subject,
            subject_name=subject._meta.verbose_name,
            subject_url=subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else "",
            chain=selectors.decisions_on(subject),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decision = services.decision_record(
                subject=self.subject,
                actor=self.request.user,
                body=data["body"],
                meeting=data["meeting"],
                decided_on=data["decided_on"],
                kind=data["kind"],
                outcome=data["outcome"],
                minute_reference=data["minute_reference"],
                rationale=data["rationale"],
                reason=data["change_message"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Decision recorded: {decision.get_kind_display()}, {decision.get_outcome_display().lower()}.",
        )
        if hasattr(self.subject, "get_absolute_url"):
            return redirect(self.subject.get_absolute_url())
        return redirect(decision.get_absolute_url())


# Indicators and risks -----------------------------------------------------------------------------------------


class IndicatorListView(RegisterListView):
    model = Indicator
    selector = staticmethod(selectors.indicators_for_list)
    filterset_class = filters.IndicatorFilter
    template_name = "programmes/indicator_list.html"
    export_name = "indicators"
    columns = [
        Column("Code", "code", sort="code"),
        Column("Indicator", "name", sort="name"),
        Column("Unit", "unit"),
        Column("Better when", "get_direction_display"),
        Column("Programme", "programme"),
        Column("Latest period", "latest_period"),
        Column("Latest target", "latest_target"),
        Column("Latest actual", "latest_actual"),
    ]
    headers = [
        Header("Code", "code"),
        Header("Indicator", "name"),
        Header("Better when"),
        Header("Latest period"),
        Header("Target", numeric=True),
        Header("Actual", numeric=True),
    ]


class IndicatorDetailView(RegisterDetailView):
    model = Indicator
    selector = staticmethod(selectors.indicator_for_detail)
    template_name = "programmes/indicator_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(values=selectors.indicator_values(self.object), **kwargs)


class RiskListView(RegisterListView):
    model = Risk
    selector = staticmethod(selectors.risks_for_list)
    filterset_class = filters.RiskFilter
    template_name = "programmes/risk_list.html"
    export_name = "risks"
    sort_expressions = {"score": "risk_score"}
    columns = [
        Column("Reference", "reference", sort="reference"),
        Column("Risk", "title", sort="title"),
        Column("Programme", "programme"),
        Column("Likelihood", "likelihood"),
        Column("Impact", "impact"),
        Column("Score", "risk_score", sort="score"),
        Column("Owner", "owner.name", sort="owner__name"),
        Column("Status", "get_status_display", sort="status"),
        Column("Mitigation", "mitigation"),
        Column("Raised", "raised_on"),
    ]
    headers = [
        Header("Reference", "reference"),
        Header("Risk", "title"),
        Header("Score", "score", numeric=True),
        Header("Owner", "owner__name"),
        Header("Status", "status"),
    ]


class RiskDetailView(RegisterDetailView):
    model = Risk
    selector = staticmethod(selectors.risk_for_detail)
    template_name = "programmes/risk_detail.html"
