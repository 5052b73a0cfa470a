"""The inspector's check that the audit trail has not been altered: the hash chain recomputed on request."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from core.audit import verify_chain


class AuditIntegrityView(LoginRequiredMixin, TemplateView):
    """Whether every audit entry and history row is as it was written, or the first one that is not."""

    template_name = "bvgov/audit_integrity.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=verify_chain(), **kwargs)
