from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from . import audit_integrity, paper_views, views
from .auth_views import SignInView

urlpatterns = [
    path("", views.CommitteeDashboardView.as_view(), name="dashboard"),
    path("overview/", views.ProgrammeOverviewView.as_view(), name="programme_overview"),
    path("boards/", views.BoardDashboardView.as_view(), name="board_dashboard"),
    path("audit/", views.AuditTrailView.as_view(), name="audit_trail"),
    path("audit/integrity/", audit_integrity.AuditIntegrityView.as_view(), name="audit_integrity"),
    path("audit/decisions/", views.DecisionChainsView.as_view(), name="decision_chains"),
    path("gaps/", views.GapsView.as_view(), name="gaps"),
    path("outcomes/", views.OutcomesView.as_view(), name="outcomes"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("pack/", paper_views.CommitteePackView.as_view(), name="committee_pack"),
    path("calendar/", paper_views.CalendarFeedView.as_view(), name="calendar"),
    path("calendar/revoke/", paper_views.CalendarFeedRevokeView.as_view(), name="calendar_revoke"),
    # secrets.token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else cannot be a feed.
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$",
        paper_views.CalendarFeedIcsView.as_view(),
        name="calendar_ics",
    ),
    path(
        "history/<str:app_label>/<str:model_name>/<int:pk>/", views.ObjectHistoryView.as_view(), name="object_history"
    ),
    path("", include("programmes.urls")),
    path("", include("reviews.urls")),
    path("", include("recommendations.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

handler500 = "bvgov.errors.service_error"
