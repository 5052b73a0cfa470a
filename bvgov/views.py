from functools import partial

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from core.listing import csv_response
from core.pagination import window_page
from programmes.versions import chain_head
from programmes.widgets import filter_form_version
from recommendations.choices import DUE_SOON_DAYS, STALE_UPDATE_DAYS
from recommendations.querysets import LONG_OVERDUE_DAYS
from reviews.workflow import STEPS

from .charts import bar_chart
from .filters import AuditTrailFilter
from .forms import AsAtForm, BoardChoiceForm
from .page_cache import board_version, register_version
from .registry import tracked_model
from .rows import progress_table
from .selectors import (
    AUDIT_EXPORT_COLUMNS,
    ONGOING_UPDATE_DAYS,
    EntryRows,
    accountability_gaps,
    aims_not_smart,
    audit_export_rows,
    audit_trail,
    board_dashboard,
    board_reviews,
    committee_dashboard,
    decision_chains,
    object_trail,
    outcomes_coverage,
    unsupported_outcomes,
)
from .splicing import SplicedTemplateResponse


class CommitteeDashboardView(LoginRequiredMixin, TemplateView):
    """The whole programme on one screen for members, now or as at a past day."""

    template_name = "bvgov/committee_dashboard.html"
    response_class = SplicedTemplateResponse
    # The progress tables, a row per review and per report outside any review, are spliced into the page as bytes
    # (bvgov.splicing): name, and whether the table shows each review's stage.
    tables = {"reviews": True, "other_sources": False}

    def render_to_response(self, context, **response_kwargs):
        dashboard, version = context["dashboard"], context["page_version"]
        fragments = {
            name: partial(_progress_table, dashboard, version, name, show_stage)
            for name, show_stage in self.tables.items()
        }
        return super().render_to_response(context, fragments=fragments, **response_kwargs)

    def get_context_data(self, **kwargs):
        form = AsAtForm(self.request.GET or None)
        as_at = form.cleaned_data["as_at"] if form.is_valid() else None
        head = chain_head()
        # Read only if the page is not in the cache for this version of the register (see bvgov.page_cache).
        dashboard = SimpleLazyObject(lambda: committee_dashboard(as_at=as_at, head=head))
        return super().get_context_data(
            form=form,
            dashboard=dashboard,
            chart=SimpleLazyObject(lambda: bar_chart(dashboard.trend, value="cumulative", label="label")),
            page_version=f"{register_version(as_at=as_at, head=head)}:{self.request.GET.get('as_at', '')}",
            **kwargs,
        )


def _progress_table(dashboard, page_version: str, name: str, show_stage: bool) -> bytes:
    """One of the committee dashboard's progress tables, kept beside the page under the same version, so that a page
    served from the cache reads no dashboard either."""
    cache = caches["pages"]
    key = make_template_fragment_key("committee_table", [name, page_version])  # the address's as_at is in the version
    table = cache.get(key)
    if table is None:
        table = progress_table(getattr(dashboard, name), show_stage=show_stage)
        cache.set(key, table, 86400)  # as long as the page it belongs to ({% cache 86400 %})
    return table


class BoardDashboardView(LoginRequiredMixin, TemplateView):
    """One board's reviews, what is due and overdue by owner, decisions waiting, and changes since it last met."""

    template_name = "bvgov/board_dashboard.html"

    def get_context_data(self, **kwargs):
        form = BoardChoiceForm(self.request.GET or None)
        body = form.cleaned_data["body"] if form.is_valid() else None
        dashboard = SimpleLazyObject(lambda: board_dashboard(body=body)) if body is not None else None
        if body is not None:
            version = board_version(body, set(board_reviews(body).values_list("pk", flat=True)))
        else:
            version = register_version()
        return super().get_context_data(
            form=form,
            board=body,
            dashboard=dashboard,
            page_version=f"{version}:{self.request.GET.get('body', '')}",
            **kwargs,
        )


class AuditTrailView(LoginRequiredMixin, TemplateView):
    """Every change across the register, newest first: who, when, what changed from what to what, and why."""

    template_name = "bvgov/audit_trail.html"
    per_page = 50

    def get(self, request, *args, **kwargs):
        filterset = AuditTrailFilter(request.GET or None, queryset=audit_trail())
        entries = filterset.qs if filterset.is_bound and filterset.is_valid() else audit_trail()
        if request.GET.get("format") == "csv":
            return csv_response(
                filename=f"audit-trail-{timezone.localdate():%Y-%m-%d}",
                columns=AUDIT_EXPORT_COLUMNS,
                rows=audit_export_rows(entries),
            )
        page = window_page(EntryRows(entries), request.GET.get("page"), per_page=self.per_page)
        return self.render_to_response(
            self.get_context_data(
                filter=filterset, page=page, fields_version=filter_form_version(filterset.form, request.GET)
            )
        )


class ObjectHistoryView(LoginRequiredMixin, TemplateView):
    """One register object's whole history as a timeline of field changes."""

    template_name = "bvgov/object_history.html"
    per_page = 100

    def get(self, request, *args, app_label, model_name, pk, **kwargs):
        model = tracked_model(app_label, model_name)
        if model is None:
            raise Http404("No such kind of record.")
        entries = EntryRows(object_trail(model=model, pk=pk))
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
            steps=STEPS,
            **kwargs,
        )
