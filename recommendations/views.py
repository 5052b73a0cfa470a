from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import DetailView, FormView, TemplateView, View
from django.views.generic.base import TemplateResponseMixin

from core.editing import RegisterCreateView, RegisterUpdateView
from core.history import StaleEditError, latest_version_subquery
from core.listing import Column, RegisterListView
from core.pagination import first_rows_and_count
from programmes.forms import add_validation_error

from . import rounds, selectors, services
from .choices import ImplementationStatus, Rag
from .escalation import EscalationLevel, escalated_to
from .filters import ActionFilter, RecommendationFilter
from .forms import (
    ActionForm,
    ActionProgressForm,
    AnswerForm,
    ArchiveForm,
    AtRiskForm,
    CloseForm,
    CommentForm,
    DelegationForm,
    ExtensionForm,
    ExtensionRequestForm,
    RecommendationForm,
    ReopenForm,
    ReportImplementedForm,
    RiskAcceptanceForm,
    RoundItemForm,
    RoundOpenForm,
    VerifyForm,
)
from .models import Action, Comment, Delegation, Recommendation, UpdateRequest, UpdateRound
from .permissions import (
    can_answer,
    can_ask,
    can_close,
    can_report_implemented,
    can_update_action,
    can_verify,
    person_of,
)
from .rounds import can_open_round
from .workflow import risk_bodies


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def restore_url(user, record: Recommendation | Action) -> str:
    """Where the programme manager restores an archived record ("" for a live record, or for anyone else)."""
    name = record._meta.model_name
    if not record.is_archived or not user.has_perm(f"recommendations.change_{name}"):
        return ""
    return reverse(f"recommendations:{name}_restore", args=[record.pk])


def _rag_label(action) -> str:
    return Rag(action.rag(timezone.localdate())).label


def _derived_rag_label(action) -> str:
    return Rag(action.derived_rag(timezone.localdate())).label


def _days_overdue(action) -> int | None:
    return action.days_overdue(timezone.localdate()) or None


class RecommendationListView(RegisterListView):
    """The recommendations register: every recommendation from every report, filterable, sortable and exportable."""

    template_name = "recommendations/recommendation_list.html"
    filterset_class = RecommendationFilter
    export_name = "recommendations"
    columns = [
        Column("Number", "number", sort="number"),
        Column("Source", "source.title", sort="source__title"),
        Column("Kind of source", "source.get_kind_display"),
        Column("Review", "review.title", sort="review__title"),
        Column("Recommendation", "text"),
        Column("Theme", "theme", sort="theme"),
        Column("Priority", "get_priority_display", sort="priority"),
        Column("Response / proposed action", "response"),
        Column("Owner", "owner", sort="owner__name"),
        Column("Timescale as the report gives it", "timescale"),
        Column("Ongoing", "target_ongoing"),
        Column("Original target date", "original_target_date", sort="original_target_date"),
        Column("Revised target date", "revised_target_date", sort="revised_target_date"),
        Column("Slipped by (days)", "slipped_days"),
        Column("Decision status", "get_decision_status_display", sort="decision_status"),
        Column("Decision rationale", "decision_rationale"),
        Column("Implementation status", "get_implementation_status_display", sort="implementation_status"),
        Column("Implemented on", "implemented_on"),
        Column("Funding (£)", "funding_amount"),
        Column("Funding source", "funding_source"),
        Column("Open actions", "open_actions", sort="open_actions"),
    ]

    selector = staticmethod(selectors.recommendation_list)
    page_values = selectors.RECOMMENDATION_ROW_FIELDS

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_add=self.request.user.has_perm("recommendations.add_recommendation"), **kwargs
        )


class ActionListView(RegisterListView):
    """Every implementation action, filterable by owner, status, RAG and dates, sortable and exportable."""

    template_name = "recommendations/action_list.html"
    filterset_class = ActionFilter
    export_name = "actions"
    default_sort = "due_date"
    columns = [
        Column("Action", "description", sort="description"),
        Column("Recommendation", "recommendation.number", sort="recommendation__number"),
        Column("Source", "recommendation.source.title", sort="recommendation__source__title"),
        Column("Review", "recommendation.review.title"),
        Column("Owner", "owner", sort="owner__name"),
        Column("Due date", "due_date", sort="due_date"),
        Column("Status", "get_status_display", sort="status"),
        Column("Completed on", "completed_on"),
        Column("RAG", _rag_label, sort="rag_rank"),
        Column("Derived RAG", _derived_rag_label),
        Column("RAG override", "get_rag_override_display"),
        Column("Reason for the override", "rag_override_reason"),
        Column("Days overdue", _days_overdue),
        Column("Waits on (outside the register)", "external_dependency"),
    ]

    page_values = selectors.ACTION_ROW_FIELDS

    def selector(self):
        return selectors.action_list(today=timezone.localdate(), ranked=self.get_sort().lstrip("-") == "rag_rank")


@dataclass
class ChallengeRow:
    comment: Comment
    answer_form: AnswerForm | None


@dataclass
class Challenges:
    """Everything the challenges panel of a recommendation or action shows, for `{% include ... only %}`."""

    subject: Recommendation | Action
    kind: str
    ask_url: str
    ask_form: CommentForm | None
    rows: list[ChallengeRow] = field(default_factory=list)
    message: str = ""


def challenges_for(request, subject, *, ask_form=None, answer_form=None, message="") -> Challenges:
    """The challenges panel for a subject; a bound form (ask or answer) is shown with its errors."""
    rows = []
    for comment in selectors.comments_on(subject):
        form = None
        if not comment.is_answered and can_answer(request.user, comment, subject):
            form = answer_form if answer_form is not None and answer_form.comment.pk == comment.pk else None
            form = form or AnswerForm(comment=comment)
        rows.append(ChallengeRow(comment=comment, answer_form=form))
    kind = "action" if isinstance(subject, Action) else "recommendation"
    return Challenges(
        subject=subject,
        kind=kind,
        ask_url=reverse("recommendations:comment_create", kwargs={f"{kind}_pk": subject.pk}),
        ask_form=(ask_form or CommentForm()) if can_ask(request.user) else None,
        rows=rows,
        message=message,
    )


class RecommendationDetailView(LoginRequiredMixin, DetailView):
    """One recommendation: what the report says, the response, who, by when, its actions, progress and challenges."""

    template_name = "recommendations/recommendation_detail.html"
    context_object_name = "recommendation"

    def get_object(self, queryset=None):
        return selectors.recommendation_detail(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        recommendation = self.object
        user = self.request.user
        return super().get_context_data(
            today=timezone.localdate(),
            actions=list(recommendation.actions.all()),
            updates=list(selectors.progress_on_recommendation(recommendation)),
            decisions=list(recommendation.decisions.all()),
            challenges=challenges_for(self.request, recommendation),
            can_edit=user.has_perm("recommendations.change_recommendation"),
            restore_url=restore_url(user, recommendation),
            can_add_action=user.has_perm("recommendations.add_action"),
            can_decide=user.has_perm("programmes.add_decision"),
            verifier=recommendation.source.effective_verifier,
            pending_extension=services.pending_extension_request(recommendation),
            can_report_implemented=can_report_implemented(user, recommendation),
            can_verify=can_verify(user, recommendation),
            can_close=can_close(user, recommendation),
            **kwargs,
        )


class ActionDetailView(LoginRequiredMixin, DetailView):
    """One action: what is to be done, by whom and when, what it waits on, its RAG, progress and challenges."""

    template_name = "recommendations/action_detail.html"
    context_object_name = "action"

    def get_object(self, queryset=None):
        return selectors.action_detail(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        action = self.object
        user = self.request.user
        can_update = can_update_action(user, action)
        updates, updates_count = selectors.action_updates(action, everything=self.request.GET.get("updates") == "all")
        today = timezone.localdate()
        return super().get_context_data(
            today=today,
            updates=updates,
            updates_count=updates_count,
            challenges=challenges_for(self.request, action),
            progress_form=ActionProgressForm(action=action) if can_update else None,
            can_edit=user.has_perm("recommendations.change_action"),
            can_extend=user.has_perm("programmes.add_decision") and action.due_date is not None and action.is_open,
            restore_url=restore_url(user, action),
            pending_extension=services.pending_extension_request(action),
            escalation=(level := action.escalation(today)),
            escalation_label=EscalationLevel(level).label,
            escalation_to=escalated_to(action, level),
            **kwargs,
        )


class RecommendationCreateView(RegisterCreateView):
    model = Recommendation
    form_class = RecommendationForm
    permission_required = "recommendations.add_recommendation"
    template_name = "recommendations/recommendation_form.html"
    success_message = "Recommendation recorded."

    def get_initial(self):
        initial = super().get_initial()
        source = self.request.GET.get("source", "")
        if source.isdigit():
            initial["source"] = int(source)
        return initial


class RecommendationUpdateView(RegisterUpdateView):
    model = Recommendation
    form_class = RecommendationForm
    permission_required = "recommendations.change_recommendation"
    template_name = "recommendations/recommendation_form.html"
    success_message = "Recommendation saved."

    def get_queryset(self):
        return Recommendation.objects.select_related("source")


class ActionCreateView(RegisterCreateView):
    model = Action
    form_class = ActionForm
    permission_required = "recommendations.add_action"
    template_name = "recommendations/action_form.html"
    success_message = "Action added."

    @cached_property
    def recommendation(self) -> Recommendation:
        return get_object_or_404(Recommendation.objects.select_related("source"), pk=self.kwargs["recommendation_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "recommendation": self.recommendation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(recommendation=self.recommendation, **kwargs)


class ActionUpdateView(RegisterUpdateView):
    model = Action
    form_class = ActionForm
    permission_required = "recommendations.change_action"
    template_name = "recommendations/action_form.html"
    success_message = "Action saved."

    def get_queryset(self):
        return Action.objects.select_related("recommendation__source")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "recommendation": self.object.recommendation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(recommendation=self.object.recommendation, **kwargs)


class ObjectPermissionMixin(LoginRequiredMixin, UserPassesTestMixin):
    """A page about one object that only some may open. A visitor is sent to sign in before anything is read; then
    the object is loaded once (a 404 if there is none), kept as `self.object`, and `allowed(user, obj)` decides: if
    not, a 403 with `permission_denied_message`."""

    def get_object(self):
        raise NotImplementedError

    def allowed(self, user, obj) -> bool:
        raise NotImplementedError

    def test_func(self) -> bool:
        self.object = self.get_object()
        return self.allowed(self.request.user, self.object)


class ChallengeMixin(LoginRequiredMixin, TemplateResponseMixin):
    """Shared by asking and answering: with htmx the challenges panel comes back in place; without, a redirect
    to the subject's page, or this small page again with the errors."""

    panel_template_name = "recommendations/partials/challenges.html"

    def render_panel(self, challenges: Challenges):
        return self.response_class(
            request=self.request,
            template=[self.panel_template_name],
            context={"challenges": challenges},
            using=self.template_engine,
        )

    def done(self, subject, message: str):
        if is_htmx(self.request):
            return self.render_panel(challenges_for(self.request, subject, message=message))
        messages.success(self.request, message)
        return redirect(f"{subject.get_absolute_url()}#challenges")


class CommentCreateView(ChallengeMixin, View):
    """A member's question to the owner of a recommendation or an action."""

    template_name = "recommendations/comment_create.html"

    def get_subject(self):
        if "action_pk" in self.kwargs:
            return get_object_or_404(selectors.actions_with_context(), pk=self.kwargs["action_pk"])
        return get_object_or_404(
            Recommendation.objects.select_related("source", "owner"), pk=self.kwargs["recommendation_pk"]
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_ask(request.user):
            raise PermissionDenied("Only members can put a challenge to an owner.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"subject": self.get_subject(), "form": CommentForm()})

    def post(self, request, *args, **kwargs):
        subject = self.get_subject()
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_ask(subject=subject, actor=request.user, question=form.cleaned_data["question"])
            except ValidationError as error:
                form.add_error(None, error)
        if form.is_valid():
            owner = subject.owner.name if subject.owner else "the programme manager"
            return self.done(subject, f"Your question has been put to {owner}.")
        if is_htmx(request):
            return self.render_panel(challenges_for(request, subject, ask_form=form))
        return self.render_to_response({"subject": subject, "form": form}, status=400)


class CommentAnswerView(ChallengeMixin, View):
    """The owner's (or the programme manager's) answer to a challenge."""

    template_name = "recommendations/comment_answer.html"

    def get_comment(self) -> Comment:
        comment = get_object_or_404(
            Comment.objects.select_related(
                "author", "addressed_to", "recommendation__source", "recommendation__owner", "action__owner"
            ),
            pk=self.kwargs["pk"],
        )
        if not can_answer(self.request.user, comment, comment.subject):
            raise PermissionDenied("Only the owner or the programme manager can answer this challenge.")
        return comment

    def get(self, request, *args, **kwargs):
        comment = self.get_comment()
        return self.render_to_response({"comment": comment, "form": AnswerForm(comment=comment)})

    def post(self, request, *args, **kwargs):
        comment = self.get_comment()
        form = AnswerForm(request.POST, comment=comment)
        if form.is_valid():
            try:
                services.comment_answer(comment=comment, actor=request.user, answer=form.cleaned_data["answer"])
            except ValidationError as error:
                form.add_error(None, error)
        if form.is_valid():
            return self.done(comment.subject, "Your answer has been recorded.")
        if is_htmx(request):
            return self.render_panel(challenges_for(request, comment.subject, answer_form=form))
        return self.render_to_response({"comment": comment, "form": form}, status=400)


class EvidenceDownloadView(LoginRequiredMixin, View):
    """An evidence file, as a download. Files are never served from a public media URL."""

    def get(self, request, *args, **kwargs):
        evidence = selectors.evidence_for_download(pk=kwargs["pk"])
        if not evidence.file or not evidence.file.storage.exists(evidence.file.name):
            raise Http404("The evidence file is missing.")
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=PurePath(evidence.file.name).name)


class MyActionsView(LoginRequiredMixin, TemplateView):
    """The signed-in owner's actions and recommendations, each action updatable in place."""

    template_name = "recommendations/my_actions.html"
    # An owner with thousands of actions reads them a page at a time; open ones come first.
    paginate_by = 25
    # The recommendations shown here; the rest are on the recommendations list, filtered to the owner.
    recommendations_shown = 20
    # The challenges waiting for an answer, oldest first, above everything else.
    challenges_shown = 10

    def get_context_data(self, **kwargs):
        person = person_of(self.request.user)
        # Each row's form carries its action's version; read in the page's one query of actions, not one per row.
        actions = selectors.my_actions(person=person).annotate(latest_version=latest_version_subquery(Action))
        page = Paginator(actions, self.paginate_by).get_page(self.request.GET.get("page"))
        recommendations = selectors.my_recommendations(person=person)
        recommendation_count = recommendations.count() if person is not None else 0
        challenges, challenge_count = first_rows_and_count(
            selectors.challenges_waiting(person=person), self.challenges_shown
        )
        today = timezone.localdate()
        waiting = UpdateRequest.objects.filter(owner=person, responded_at__isnull=True, round__respond_by__gte=today)
        # The deputies this person has named and the owners they stand in for, now or to come: one query.
        delegations = (
            list(
                Delegation.objects.filter(Q(owner=person) | Q(deputy=person), ends_on__gte=today, ended_at=None)
                .select_related("owner", "deputy")
                .order_by("starts_on")
            )
            if person is not None
            else []
        )
        return super().get_context_data(
            update_requests=list(waiting.select_related("round__meeting__body").order_by("round__respond_by", "id")[:5])
            if person is not None
            else [],
            challenges=challenges,
            challenge_count=challenge_count,
            deputies=[d for d in delegations if d.owner_id == person.pk] if person else [],
            deputising_for=[d for d in delegations if d.deputy_id == person.pk] if person else [],
            person=person,
            today=timezone.localdate(),
            page_obj=page,
            rows=[{"action": action, "form": ActionProgressForm(action=action)} for action in page.object_list],
            recommendations=recommendations[: self.recommendations_shown] if recommendation_count else [],
            recommendation_count=recommendation_count,
            **kwargs,
        )


class ActionProgressView(LoginRequiredMixin, TemplateResponseMixin, View):
    """POST an owner's update of one action. With htmx the updated row comes back in place; without, a redirect."""

    template_name = "recommendations/action_progress.html"
    row_template_name = "recommendations/partials/action_row.html"

    def get_action(self) -> Action:
        actions = Action.objects.select_related("owner", "recommendation__review").annotate(
            latest_version=latest_version_subquery(Action)
        )
        action = get_object_or_404(actions, pk=self.kwargs["pk"])
        if not can_update_action(self.request.user, action):
            raise PermissionDenied(
                "Only the programme manager, or the action's owner or the project director of its review in a role "
                "that records progress, can update it."
            )
        return action

    def is_htmx(self) -> bool:
        return is_htmx(self.request)

    def safe_next(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(candidate, {self.request.get_host()}, self.request.is_secure()):
            return candidate
        return ""

    def next_url(self) -> str:
        return self.safe_next() or "recommendations:my_actions"

    def render_page(self, action, form, **response_kwargs):
        back_url = self.safe_next() or action.get_absolute_url()
        return self.render_to_response({"action": action, "form": form, "back_url": back_url}, **response_kwargs)

    def get(self, request, *args, **kwargs):
        action = self.get_action()
        return self.render_page(action, ActionProgressForm(action=action))

    def post(self, request, *args, **kwargs):
        action = self.get_action()
        form = ActionProgressForm(request.POST, request.FILES, action=action)
        author = person_of(request.user)
        if author is None:
            form.add_error(
                None, "Your sign-in is not linked to a person in the register, so updates cannot be credited."
            )
        if form.is_valid():
            try:
                services.action_report_progress(
                    action=action,
                    actor=request.user,
                    author=author,
                    status=form.cleaned_data["status"],
                    rag_override=form.cleaned_data["rag_override"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    evidence_file=form.cleaned_data["evidence"],
                    seen_version=form.cleaned_data["seen_version"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                if isinstance(error, StaleEditError):
                    form.show_current_version(error)
        if form.is_valid():
            message = "Action updated."
            if self.is_htmx():
                fresh = selectors.action_for_row(pk=action.pk)
                return self.render_row(fresh, ActionProgressForm(action=fresh), message=message)
            messages.success(request, message)
            return redirect(self.next_url())
        if self.is_htmx():
            return self.render_row(action, form)
        return self.render_page(action, form, status=400)

    def render_row(self, action, form, message: str = ""):
        return self.response_class(
            request=self.request,
            template=[self.row_template_name],
            context={"action": action, "form": form, "today": timezone.localdate(), "message": message},
            using=self.template_engine,
        )


class ExtendView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Record a body's approved extension of a date: a recommendation's target, an action's due date. Each subclass
    names its subject and the subject's dates as the page shows them."""

    permission_required = "programmes.add_decision"
    template_name = "recommendations/extend.html"
    form_class = ExtensionForm
    noun = "target date"

    def dispatch(self, request, *args, **kwargs):
        self.subject = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        raise NotImplementedError

    def dates(self) -> tuple:
        """The original date, and the current one where it has moved from it."""
        raise NotImplementedError

    @cached_property
    def pending(self):
        return services.pending_extension_request(self.subject)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "noun": self.noun, "request": self.pending}

    def get_context_data(self, **kwargs):
        original, current = self.dates()
        return super().get_context_data(
            subject=self.subject, noun=self.noun, original=original, current=current, pending=self.pending, **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        refused = data.pop("outcome", "approved") == "refused"
        new = data["revised_target_date"]
        try:
            if refused:
                del data["revised_target_date"]
                services.extension_refuse(subject=self.subject, actor=self.request.user, **data)
            else:
                services.extend_date(subject=self.subject, actor=self.request.user, **data)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        done = "refused: the date stays" if refused else f"recorded: the {self.noun} is now {new:%d %B %Y}"
        messages.success(self.request, f"Extension {done}.")
        return redirect(self.subject.get_absolute_url())


class RecommendationExtendView(ExtendView):
    def get_queryset(self):
        return Recommendation.objects.select_related("source")

    def dates(self):
        return self.subject.original_target_date, self.subject.revised_target_date


class ActionExtendView(ExtendView):
    noun = "due date"

    def get_queryset(self):
        return Action.objects.select_related("recommendation__source")

    def dates(self):
        original = self.subject.original_due_date or self.subject.due_date
        return original, self.subject.due_date if self.subject.slipped_days else None


class ArchiveView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Archive a record entered in error, or restore an archived one, with a reason. The page says beforehand what
    keeps a record in the register, so nobody writes a reason for an archive that will be refused. Each subclass
    names its model and the service `step` it runs."""

    template_name = "recommendations/archive_form.html"
    form_class = ArchiveForm
    model = None
    restore = False

    def step(self, *, actor, reason: str, seen_version: int | None):
        raise NotImplementedError

    def archived_with(self) -> list:
        """What is archived along with the record, for the page to list."""
        return []

    @cached_property
    def object(self):
        # Read after the sign-in and permission checks, so no one learns from a 404 which records exist.
        queryset = self.model.all_objects.filter(archived_at__isnull=not self.restore)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            noun=self.model._meta.verbose_name,
            restore=self.restore,
            blockers=[] if self.restore else services.archive_blockers(**{self.model._meta.model_name: self.object}),
            active_actions=[] if self.restore else self.archived_with(),
            **kwargs,
        )

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            self.step(
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data.get("seen_version"),
            )
        except ValidationError as error:
            form.add_error(None, error)
            if isinstance(error, StaleEditError):
                form.show_current_version(error)
            return self.form_invalid(form)
        verb = "restored" if self.restore else "archived"
        messages.success(self.request, f"{self.model._meta.verbose_name.capitalize()} {verb}.")
        return redirect(self.get_success_url())


class RecommendationArchiveView(ArchiveView):
    model = Recommendation
    permission_required = "recommendations.change_recommendation"

    def step(self, **kwargs):
        return services.recommendation_archive(recommendation=self.object, **kwargs)

    def archived_with(self) -> list:
        return list(self.object.actions.order_by("due_date", "id"))


class RecommendationRestoreView(RecommendationArchiveView):
    restore = True

    def step(self, **kwargs):
        return services.recommendation_restore(recommendation=self.object, **kwargs)


class ActionArchiveView(ArchiveView):
    model = Action
    permission_required = "recommendations.change_action"

    def step(self, **kwargs):
        return services.action_archive(action=self.object, **kwargs)

    def get_success_url(self) -> str:
        return self.object.recommendation.get_absolute_url()


class ActionRestoreView(ActionArchiveView):
    restore = True

    def step(self, **kwargs):
        return services.action_restore(action=self.object, **kwargs)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class RecommendationStepView(ObjectPermissionMixin, FormView):
    """One step of a recommendation's verification and closure, on a page of its own: the owner reports it
    implemented, the verifier accepts or rejects it, the manager closes, records a risk accepted, or reopens it.
    Each subclass names who may take the step, its form, its words and the service it runs."""

    template_name = "recommendations/step.html"
    heading = ""
    intro = ""
    submit = ""
    done_message = ""

    def run(self, form):
        raise NotImplementedError

    def get_object(self):
        return get_object_or_404(
            Recommendation.objects.select_related(
                "source__programme__manager", "source__programme__executive_body", "source__verifier", "owner"
            ),
            pk=self.kwargs["pk"],
        )

    def get_permission_denied_message(self) -> str:
        return f"You cannot {self.heading.lower()} for this recommendation."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "recommendation": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recommendation=self.object,
            verifier=self.object.source.effective_verifier,
            heading=self.heading,
            intro=self.intro,
            submit=self.submit,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.run(form)
        except ValidationError as error:
            add_validation_error(form, error)
            if isinstance(error, StaleEditError):
                form.show_current_version(error)
            return self.form_invalid(form)
        messages.success(self.request, self.done_message)
        return redirect(f"{self.object.get_absolute_url()}#verification")


class ReportImplementedView(RecommendationStepView):
    form_class = ReportImplementedForm
    heading = "Report it implemented"
    intro = (
        "Say how it was implemented and attach the evidence. Its verifier then checks it: it counts as implemented "
        "only once they accept it."
    )
    submit = "Send for verification"
    done_message = "Reported implemented: it now awaits its verifier."

    def allowed(self, user, recommendation):
        return can_report_implemented(user, recommendation)

    def run(self, form):
        data = form.cleaned_data
        services.recommendation_report_implemented(
            recommendation=self.object,
            actor=self.request.user,
            note=data["note"],
            evidence_file=data.get("evidence_file"),
            evidence_description=data.get("evidence_description", ""),
            seen_version=data.get("seen_version"),
        )


class VerifyView(RecommendationStepView):
    form_class = VerifyForm
    heading = "Verify it"
    intro = (
        "Check the owner's report and its evidence. Accepted, it counts as implemented; if not, it goes back to the "
        "owner with your reason."
    )
    submit = "Record the verification"

    def allowed(self, user, recommendation):
        return can_verify(user, recommendation)

    def run(self, form):
        data = form.cleaned_data
        accept = data["outcome"] == "accept"
        services.recommendation_verify(
            recommendation=self.object,
            actor=self.request.user,
            accept=accept,
            note=data["note"],
            seen_version=data.get("seen_version"),
        )
        self.done_message = (
            "Verified: it now counts as implemented." if accept else "Not accepted: it is back with its owner."
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(updates=list(selectors.progress_on_recommendation(self.object)[:5]), **kwargs)


class CloseView(RecommendationStepView):
    form_class = CloseForm
    heading = "Close it"
    intro = (
        "Close a recommendation that will not be implemented as written, and say why. A risk accepted is a body's "
        "decision: record it from the recommendation's page."
    )
    submit = "Close the recommendation"
    done_message = "Recommendation closed."

    def allowed(self, user, recommendation):
        return can_close(user, recommendation)

    def run(self, form):
        data = form.cleaned_data
        services.recommendation_close(
            recommendation=self.object,
            actor=self.request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            superseded_by=data.get("superseded_by") if data["outcome"] == ImplementationStatus.SUPERSEDED else None,
            seen_version=data.get("seen_version"),
        )


class AcceptRiskView(RecommendationStepView):
    form_class = RiskAcceptanceForm
    heading = "Record a risk accepted"
    intro = (
        "A body that answers for the recommendation may decide not to implement it and accept the risk, with its "
        "rationale and a date to look at it again."
    )
    submit = "Record the decision"
    done_message = "Risk accepted: the recommendation is closed until its review date."

    def allowed(self, user, recommendation):
        return can_close(user, recommendation) and user.has_perm("programmes.add_decision")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        del kwargs["recommendation"]
        return {**kwargs, "bodies": risk_bodies(self.object)}

    def run(self, form):
        services.recommendation_accept_risk(recommendation=self.object, actor=self.request.user, **form.cleaned_data)


class ReopenView(RecommendationStepView):
    form_class = ReopenForm
    heading = "Reopen it"
    intro = "Put a closed recommendation back in progress. Its closure stays in its history."
    submit = "Reopen the recommendation"
    done_message = "Recommendation reopened."

    def allowed(self, user, recommendation):
        return can_close(user, recommendation)

    def run(self, form):
        services.recommendation_reopen(
            recommendation=self.object,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            seen_version=form.cleaned_data.get("seen_version"),
        )


class RoundListView(LoginRequiredMixin, TemplateView):
    """The update rounds, newest first, with how many owners have responded to each."""

    template_name = "recommendations/round_list.html"

    def get_context_data(self, **kwargs):
        rounds = (
            UpdateRound.objects.select_related("meeting__body", "programme")
            .annotate(
                owners=Count("requests"), responded=Count("requests", filter=Q(requests__responded_at__isnull=False))
            )
            .order_by("-opened_at", "-id")
        )
        page = Paginator(rounds, 25).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, can_open=can_open_round(self.request.user), **kwargs)


class RoundOpenView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "recommendations.add_updateround"
    template_name = "recommendations/round_open.html"
    form_class = RoundOpenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "today": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            update_round = rounds.round_open(
                meeting=data["meeting"],
                programme=data["programme"],
                respond_by=data["respond_by"],
                due_within_days=data["due_within_days"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        count = update_round.requests.count()
        messages.success(self.request, f"Update round opened: {count} owner{pluralize(count)} asked.")
        return redirect(update_round.get_absolute_url())


class RoundDetailView(LoginRequiredMixin, DetailView):
    """A round as the meeting reads it: who responded, who did not (by name), and the items with no update."""

    template_name = "recommendations/round_detail.html"
    context_object_name = "update_round"
    queryset = UpdateRound.objects.select_related("meeting__body", "programme", "opened_by")

    def get_context_data(self, **kwargs):
        summary = rounds.round_summary(self.object)
        person = person_of(self.request.user)
        mine = next((r for r in summary.responded + summary.not_responded if person and r.owner_id == person.pk), None)
        return super().get_context_data(summary=summary, mine=mine, today=timezone.localdate(), **kwargs)


class RoundRespondView(ObjectPermissionMixin, TemplateView):
    """An owner's answer to a round: every item of theirs in one form, each with its status and a note. A plain
    form post, so it works without JavaScript; nothing is written unless every item's update stands."""

    template_name = "recommendations/round_respond.html"

    permission_denied_message = "Only the owner asked, or the programme manager, can respond to this request."

    def get_object(self):
        return get_object_or_404(
            UpdateRequest.objects.select_related("round__meeting__body", "round__programme", "owner"),
            pk=self.kwargs["pk"],
        )

    def allowed(self, user, update_request):
        return rounds.can_respond(user, update_request)

    def item_forms(self, data=None):
        actions = (
            self.object.actions.select_related("recommendation__source")
            .with_last_update()
            .annotate(latest_version=latest_version_subquery(Action))
            .order_by("due_date", "id")
        )
        return [RoundItemForm(data, action=action) for action in actions]

    def get_context_data(self, **kwargs):
        forms = kwargs.setdefault("forms", self.item_forms())
        kwargs["has_errors"] = bool(kwargs.get("general_errors")) or any(form.errors for form in forms)
        return super().get_context_data(
            update_request=self.object,
            update_round=self.object.round,
            today=timezone.localdate(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        forms = self.item_forms(request.POST)
        valid = [form.is_valid() for form in forms]  # every form, so that each shows its own errors
        if not all(valid):
            return self.render_to_response(self.get_context_data(forms=forms), status=400)
        items = [
            rounds.ItemUpdate(
                action=form.action,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                seen_version=form.cleaned_data.get("seen_version"),
            )
            for form in forms
        ]
        try:
            updates = rounds.round_respond(request=self.object, actor=request.user, items=items)
        except ValidationError as error:
            by_form = {form.prefix: form for form in forms}
            general = [] if hasattr(error, "error_dict") else error.messages
            for key, errors in getattr(error, "error_dict", {}).items():
                if key in by_form:
                    by_form[key].add_error(None, errors)
                else:
                    general.extend(ValidationError(errors).messages)
            return self.render_to_response(self.get_context_data(forms=forms, general_errors=general), status=400)
        messages.success(request, f"Thank you: {len(updates)} update{pluralize(len(updates))} sent.")
        return redirect(self.object.round.get_absolute_url())


class DelegationCreateView(ObjectPermissionMixin, FormView):
    """The signed-in owner names a deputy for a period (leave, say)."""

    template_name = "recommendations/delegation_form.html"
    form_class = DelegationForm

    permission_denied_message = "Only an owner who records progress names a deputy."

    def get_object(self):
        return person_of(self.request.user)

    def allowed(self, user, owner):
        return owner is not None and user.has_perm("recommendations.add_progressupdate")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "owner": self.object}

    def form_valid(self, form):
        try:
            delegation = services.delegation_create(owner=self.object, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{delegation.deputy.name} is your deputy: they have been told.")
        return redirect("recommendations:my_actions")


class DelegationEndView(LoginRequiredMixin, View):
    def post(self, request, pk):
        delegation = get_object_or_404(Delegation.objects.select_related("owner"), pk=pk)
        try:
            services.delegation_end(delegation=delegation, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your delegation has ended.")
        return redirect("recommendations:my_actions")


class ActionAtRiskView(ObjectPermissionMixin, FormView):
    """The owner flags an action at risk before it is due, with the reason, or clears the flag."""

    template_name = "recommendations/at_risk.html"
    form_class = AtRiskForm

    permission_denied_message = "Only the action's owner, their deputy or the programme manager can do this."

    def get_object(self):
        return get_object_or_404(Action.objects.select_related("recommendation", "owner"), pk=self.kwargs["pk"])

    def allowed(self, user, action):
        return can_update_action(user, action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.object, **kwargs)

    def form_valid(self, form):
        step = services.action_clear_at_risk if self.object.at_risk_since else services.action_flag_at_risk
        try:
            step(
                action=self.object,
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data.get("seen_version"),
            )
        except ValidationError as error:
            add_validation_error(form, error)
            if isinstance(error, StaleEditError):
                form.show_current_version(error)
            return self.form_invalid(form)
        messages.success(self.request, "No longer at risk." if self.object.at_risk_since else "Flagged at risk.")
        return redirect(self.object.get_absolute_url())


class ExtensionRequestView(ObjectPermissionMixin, FormView):
    """The owner asks a body for a later date: the request waits on the subject's page, and in the pack, until a
    body's decision is recorded from "Record an extension"."""

    template_name = "recommendations/extension_request.html"
    form_class = ExtensionRequestForm
    model = None

    permission_denied_message = "Only its owner, their deputy or the programme manager can ask for an extension."

    def get_object(self):
        return get_object_or_404(self.model.objects.select_related("owner"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        pending = services.pending_extension_request(self.object)
        return super().get_context_data(subject=self.object, pending=pending, **kwargs)

    def form_valid(self, form):
        try:
            services.extension_request(subject=self.object, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Extension asked for: it waits for a body's decision.")
        return redirect(self.object.get_absolute_url())


class ActionExtensionRequestView(ExtensionRequestView):
    model = Action

    def allowed(self, user, subject):
        return can_update_action(user, subject)


class RecommendationExtensionRequestView(ExtensionRequestView):
    model = Recommendation

    def allowed(self, user, subject):
        return can_report_implemented(user, subject)
