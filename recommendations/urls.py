from django.urls import path

from . import import_views, views

app_name = "recommendations"

# comment_create has two routes, one per kind of subject: reverse it with the keyword argument
# recommendation_pk or action_pk.
urlpatterns = [
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("recommendations/new/", views.RecommendationCreateView.as_view(), name="recommendation_create"),
    path("recommendations/import/", import_views.RecommendationImportView.as_view(), name="recommendation_import"),
    path(
        "recommendations/import/template.csv",
        import_views.RecommendationImportTemplateView.as_view(),
        {"format": "csv"},
        name="recommendation_import_template_csv",
    ),
    path(
        "recommendations/import/template.xlsx",
        import_views.RecommendationImportTemplateView.as_view(),
        {"format": "xlsx"},
        name="recommendation_import_template_xlsx",
    ),
    path(
        "recommendations/import/confirm/",
        import_views.RecommendationImportConfirmView.as_view(),
        name="recommendation_import_confirm",
    ),
    path("recommendations/<int:pk>/", views.RecommendationDetailView.as_view(), name="recommendation_detail"),
    path("recommendations/<int:pk>/edit/", views.RecommendationUpdateView.as_view(), name="recommendation_update"),
    path("recommendations/<int:pk>/archive/", views.RecommendationArchiveView.as_view(), name="recommendation_archive"),
    path("recommendations/<int:pk>/restore/", views.RecommendationRestoreView.as_view(), name="recommendation_restore"),
    path("recommendations/<int:pk>/extend/", views.RecommendationExtendView.as_view(), name="recommendation_extend"),
    path(
        "recommendations/<int:pk>/report-implemented/",
        views.ReportImplementedView.as_view(),
        name="recommendation_report_implemented",
    ),
    path("recommendations/<int:pk>/verify/", views.VerifyView.as_view(), name="recommendation_verify"),
    path("recommendations/<int:pk>/close/", views.CloseView.as_view(), name="recommendation_close"),
    path("recommendations/<int:pk>/accept-risk/", views.AcceptRiskView.as_view(), name="recommendation_accept_risk"),
    path("recommendations/<int:pk>/reopen/", views.ReopenView.as_view(), name="recommendation_reopen"),
    path("my-actions/deputy/", views.DelegationCreateView.as_view(), name="delegation_create"),
    path("my-actions/deputy/<int:pk>/end/", views.DelegationEndView.as_view(), name="delegation_end"),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundOpenView.as_view(), name="round_open"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/requests/<int:pk>/", views.RoundRespondView.as_view(), name="round_respond"),
    path(
        "recommendations/<int:recommendation_pk>/actions/new/", views.ActionCreateView.as_view(), name="action_create"
    ),
    path(
        "recommendations/<int:recommendation_pk>/challenge/", views.CommentCreateView.as_view(), name="comment_create"
    ),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/edit/", views.ActionUpdateView.as_view(), name="action_update"),
    path("actions/<int:pk>/archive/", views.ActionArchiveView.as_view(), name="action_archive"),
    path("actions/<int:pk>/restore/", views.ActionRestoreView.as_view(), name="action_restore"),
    path("actions/<int:pk>/progress/", views.ActionProgressView.as_view(), name="action_progress"),
    path("actions/<int:action_pk>/challenge/", views.CommentCreateView.as_view(), name="comment_create"),
    path("actions/<int:pk>/extend/", views.ActionExtendView.as_view(), name="action_extend"),
    path("actions/<int:pk>/at-risk/", views.ActionAtRiskView.as_view(), name="action_at_risk"),
    path(
        "actions/<int:pk>/ask-extension/", views.ActionExtensionRequestView.as_view(), name="action_extension_request"
    ),
    path(
        "recommendations/<int:pk>/ask-extension/",
        views.RecommendationExtensionRequestView.as_view(),
        name="recommendation_extension_request",
    ),
    path("comments/<int:pk>/answer/", views.CommentAnswerView.as_view(), name="comment_answer"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("my-actions/", views.MyActionsView.as_view(), name="my_actions"),
]
