from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from programmes.listing import csv_response

from .charts import bar_chart
from .filters import AuditTrailFilter
from .forms import AsAtForm, BoardChoiceForm
from .pagination import window_page
from .registry import tracked_model
from .selectors import (
    AUDIT_EXPORT_COLUMNS,
    audit_export_rows,
    audit_trail,
    board_dashboard,
    committee_dashboard,
    object_trail,
)


class CommitteeDashboardView(LoginRequiredMixin, TemplateView):
    """The whole programme on one screen for members, now or as at a past day."""

    template_name = "bvgov/committee_dashboard.html"

    def get_context_data(self, **kwargs):
        form = AsAtForm(self.request.GET or None)
        as_at = form.cleaned_data["as_at"] if form.is_valid() else None
        dashboard = committee_dashboard(as_at=as_at)
        return super().get_context_data(
            form=form,
            dashboard=dashboard,
            chart=bar_chart(dashboard.trend, value="cumulative", label="label"),
            **kwargs,
        )


class BoardDashboardView(LoginRequiredMixin, TemplateView):
    """One board's reviews, what is due and overdue by owner, decisions waiting, and changes since it last met."""

    template_name = "bvgov/board_dashboard.html"

    def get_context_data(self, **kwargs):
        form = BoardChoiceForm(self.request.GET or None)
        dashboard = board_dashboard(body=form.cleaned_data["body"]) if form.is_valid() else None
        return super().get_context_data(form=form, dashboard=dashboard, **kwargs)


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
        page = window_page(entries, request.GET.get("page"), per_page=self.per_page)
        return self.render_to_response(self.get_context_data(filter=filterset, page=page))


class ObjectHistoryView(LoginRequiredMixin, TemplateView):
    """One register object's whole history as a timeline of field changes."""

    template_name = "bvgov/object_history.html"
    per_page = 100

    def get(self, request, *args, app_label, model_name, pk, **kwargs):
        model = tracked_model(app_label, model_name)
        if model is None:
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
