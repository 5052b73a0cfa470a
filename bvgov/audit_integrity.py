"""The inspector's check that the audit trail has not been altered since it was last verified in full.

The full verification (every entry, every checkpoint, every live row) is `manage.py verify_audit_trail`, which takes
minutes on a large register and records the newest checkpoint it reached. This page verifies from there on: that
checkpoint's signature and entry, every later checkpoint, and every later entry against its history row, so that it
answers in a bounded time. It shows the newest checkpoint and the public key, for an inspector to keep and check
their own copy.
"""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import TemplateView

from core.audit import verify_recent
from core.checkpoints import checkpoint_file, configured_public_key_hex, file_line, key_problem
from core.models import AuditCheckpoint

# At most this many entries since the last full verification are recomputed for the page (a day's writes, with the
# nightly full run), well within the two seconds the page may take on the large register.
RECENT_LIMIT = 5_000


class AuditIntegrityView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Whether the audit trail is as it was when last verified in full, and what has been added since."""

    template_name = "bvgov/audit_integrity.html"
    # The inspector, the programme manager and the administrator (bvgov.roles); signed-in others get a 403.
    permission_required = "core.view_auditentry"
    raise_exception = True

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            self.raise_exception = False
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        latest = AuditCheckpoint.objects.order_by("-sequence", "-id").first()
        problem = key_problem()
        return super().get_context_data(
            report=verify_recent(limit=RECENT_LIMIT),
            limit=RECENT_LIMIT,
            latest=latest,
            latest_line=file_line(latest) if latest else "",
            public_key="" if problem else configured_public_key_hex(),
            key_problem=problem,
            checkpoint_file=checkpoint_file(),
            **kwargs,
        )
