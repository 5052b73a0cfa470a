from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import ListView, TemplateView

from core.listing import csv_response
from core.pagination import window_page
from programmes.selectors import current_programme
from programmes.versions import register_version
from recommendations.choices import DUE_SOON_DAYS, STALE_UPDATE_DAYS
from recommendations.querysets import LONG_OVERDUE_DAYS
from reviews.workflow import STEPS

from .charts import bar_chart
from .filters import AuditTrailFilter
from .forms import AsAtForm, BoardChoiceForm, DashboardForm, NotificationEmailsForm
from .models import Notification, SignInEvent
from .notifications import mark_read, set_notification_emails
from .registry import tracked_model
from .roles import READ_SIGN_INS, READ_TRAIL, REGISTER_APPS
from .selectors.boards import board_dashboard, board_programmes
from .selectors.committee import committee_dashboard, programme_overview
from .selectors.gaps import (
    ONGOING_UPDATE_DAYS,
    accountability_gaps,
    aims_not_smart,
    outcomes_coverage,
    unsupported_outcomes,
)
from .selectors.trail import AUDIT_EXPORT_COLUMNS, audit_export_rows, audit_trail, decision_chains, object_trail


class CommitteeDashboardView(LoginRequiredMixin, TemplateView):
    """One programme for members, now or as at a past day: the headline figures and charts, each review's progress,
    and what needs the committee, each linking to its full list."""

    template_name = "bvgov/committee_dashboard.html"

    def get_context_data(self, **kwargs):
        form = DashboardForm(self.request.GET or None)
        valid = form.is_valid()
        as_at = form.cleaned_data["as_at"] if valid else None
        programme = (form.cleaned_data["programme"] if valid else None) or current_programme(
            as_at or timezone.localdate()
        )
        # Read only when the page is not in the cache for this version of the register.
        dashboard = SimpleLazyObject(lambda: committee_dashboard(as_at=as_at, programme=programme))
        return super().get_context_data(
            form=form,
            programme=programme,
            as_at=as_at,
            dashboard=dashboard,
            trend_chart=SimpleLazyObject(lambda: bar_chart(dashboard.trend, value="cumulative", label="label")),
            status_chart=SimpleLazyObject(lambda: bar_chart(dashboard.by_status, value="value", label="label")),
            version=register_version(),
            **kwargs,
        )


class ProgrammeOverviewView(LoginRequiredMixin, TemplateView):
    """Every programme on one page, a row each with its figures, now or as at a past day."""

    template_name = "bvgov/programme_overview.html"

    def get_context_data(self, **kwargs):
        form = AsAtForm(self.request.GET or None)
        as_at = form.cleaned_data["as_at"] if form.is_valid() else None
        return super().get_context_data(
            form=form,
            as_at=as_at,
            overview=SimpleLazyObject(lambda: programme_overview(as_at=as_at)),
            version=register_version(),
            **kwargs,
        )


class BoardDashboardView(LoginRequiredMixin, TemplateView):
    """One board's reviews in one programme, what is due and overdue by owner, decisions waiting, and a summary of
    what changed since it last met."""

    template_name = "bvgov/board_dashboard.html"

    def get_context_data(self, **kwargs):
        form = BoardChoiceForm(self.request.GET or None)
        body = form.cleaned_data["body"] if form.is_valid() else None
        programme = None
        if body is not None:
            programmes = board_programmes(body)
            programme = form.cleaned_data["programme"]
            if programme is None:
                current = current_programme(timezone.localdate())
                programme = current if current in programmes else programmes.first()
        return super().get_context_data(
            form=form,
            board=body,
            programme=programme,
            dashboard=SimpleLazyObject(lambda: board_dashboard(body=body, programme=programme)) if body else None,
            version=register_version(),
            **kwargs,
        )


class AuditTrailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Every change across the register, newest first: who, when, what changed from what to what, and why.

    For the roles that read the trail (the inspector, the programme manager, the administrator): it shows changes
    to accounts too. Members and owners read a register record's history from its page instead.
    """

    template_name = "bvgov/audit_trail.html"
    per_page = 25

    def has_permission(self):
        return self.request.user.has_perm(READ_TRAIL)

    def get(self, request, *args, **kwargs):
        trail = audit_trail(with_sign_ins=request.user.has_perm(READ_SIGN_INS))
        filterset = AuditTrailFilter(request.GET or None, queryset=trail)
        entries = filterset.qs if filterset.is_bound and filterset.is_valid() else trail
        if request.GET.get("format") == "csv":
            return csv_response(
                filename=f"audit-trail-{timezone.localdate():%Y-%m-%d}",
                columns=AUDIT_EXPORT_COLUMNS,
                rows=audit_export_rows(entries),
            )
        page = window_page(entries, request.GET.get("page"), per_page=self.per_page)
        return self.render_to_response(self.get_context_data(filter=filterset, page=page))


def may_read_history(user, model) -> bool:
    """Whether the user may read the history of this kind of record.

    Those who read the trail read every record's history, but the sign-ins recorded before the sign-in log are for
    administrators only (addresses and browsers). Anyone else reads the history of the register's records they may
    view, and nothing about accounts.
    """
    opts = model._meta
    if model is SignInEvent:
        return user.has_perm(READ_SIGN_INS)
    if user.has_perm(READ_TRAIL):
        return True
    return opts.app_label in REGISTER_APPS and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class ObjectHistoryView(LoginRequiredMixin, TemplateView):
    """One register object's whole history as a timeline of field changes."""

    template_name = "bvgov/object_history.html"
    per_page = 25

    def get(self, request, *args, app_label, model_name, pk, **kwargs):
        model = tracked_model(app_label, model_name)
        if model is None or not may_read_history(request.user, model):
            raise Http404("No such kind of record.")
        entries = object_trail(model=model, pk=pk)
        page = window_page(entries, request.GET.get("page"), per_page=self.per_page)
        if not page.object_list and page.number == 1:
            raise Http404("No history is recorded for this record.")
        current = model._default_manager.filter(pk=pk).first()
        return self.render_to_response(
            self.get_context_data(
                model_name=model._meta.verbose_name,
                current=current,
                label=str(current) if current else page.object_list[0].object_repr,
                page=page,
            )
        )


class GapsView(LoginRequiredMixin, TemplateView):
    """Accountability gaps in one place: no owner, no date, no money, no action, no update, aims that are not SMART."""

    template_name = "bvgov/gaps.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            gap_lists=accountability_gaps(), aims=aims_not_smart(), unsupported=unsupported_outcomes(), **kwargs
        )


class OutcomesView(LoginRequiredMixin, TemplateView):
    """Which recommendations support which strategic outcome; an outcome that none supports is flagged."""

    template_name = "bvgov/outcomes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(coverage=outcomes_coverage(), **kwargs)


class DecisionChainsView(LoginRequiredMixin, TemplateView):
    """The inspector's view of every review's decision chain, with missing and out-of-order steps highlighted."""

    template_name = "bvgov/decision_chains.html"

    def get_context_data(self, **kwargs):
        chains = decision_chains()
        return super().get_context_data(
            chains=chains, with_problems=sum(1 for item in chains if item["chain"].problems), **kwargs
        )


class HelpView(LoginRequiredMixin, TemplateView):
    """How bvgov works out what it shows: RAG, overdue, gaps, the decision chain."""

    template_name = "bvgov/help.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            due_soon_days=DUE_SOON_DAYS,
            stale_update_days=STALE_UPDATE_DAYS,
            long_overdue_days=LONG_OVERDUE_DAYS,
            ongoing_update_days=ONGOING_UPDATE_DAYS,
            escalation_ladder=settings.ESCALATION_LADDER,
            steps=STEPS,
            **kwargs,
        )


class NotificationsView(LoginRequiredMixin, ListView):
    """What the signed-in person has been told, unread first, newest first; each links to its record. Opening one
    (a POST, so a link prefetched by a browser marks nothing) marks it read; the button marks them all."""

    template_name = "bvgov/notifications.html"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by(
            F("read_at").asc(nulls_first=True), "-created_at", "-id"
        )

    def get_context_data(self, **kwargs):
        form = kwargs.pop("emails_form", None) or NotificationEmailsForm(
            initial={"emails": self.request.user.notification_emails}
        )
        return super().get_context_data(emails_form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        mine = Notification.objects.filter(recipient=request.user)
        if "save_emails" in request.POST:
            form = NotificationEmailsForm(request.POST)
            if not form.is_valid():
                self.object_list = self.get_queryset()
                return self.render_to_response(self.get_context_data(emails_form=form), status=400)
            set_notification_emails(user=request.user, choice=form.cleaned_data["emails"], actor=request.user)
            messages.success(request, f"Saved: {request.user.get_notification_emails_display().lower()}.")
            return redirect("notifications")
        if "all" in request.POST:
            count = mark_read(notifications=mine, actor=request.user)
            messages.success(request, f"{count} notification{pluralize(count)} marked as read.")
            return redirect("notifications")
        pk = request.POST.get("open", "")
        opened = mine.filter(pk=pk).first() if pk.isdigit() else None
        if opened is None:
            messages.error(request, "That notification is not one of yours, or no longer exists.")
            return redirect("notifications")
        mark_read(notifications=mine.filter(pk=opened.pk), actor=request.user)
        own_site = url_has_allowed_host_and_scheme(opened.url, allowed_hosts={request.get_host()})
        return redirect(opened.url if own_site else "notifications")
