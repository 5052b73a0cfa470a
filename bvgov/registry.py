"""The register's tracked models, for the audit trail's filters and the object history pages."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

REGISTER_APPS = ("programmes", "reviews", "recommendations", "bvgov")


def tracked_models() -> list:
    """Every model whose changes are recorded in history, in a stable order: the apps' own, and the roles (auth's
    groups, tracked from bvgov.models)."""
    return [
        model
        for app_label in REGISTER_APPS
        for model in apps.get_app_config(app_label).get_models()
        # Asked of _meta: reading `model.history` builds a manager class each time, which adds up on every page.
        if hasattr(model._meta, "simple_history_manager_attribute")
    ] + [Group]


def tracked_content_types() -> list[ContentType]:
    by_model = ContentType.objects.get_for_models(*tracked_models())
    return sorted(by_model.values(), key=lambda ct: str(ct.model_class()._meta.verbose_name))


def tracked_model(app_label: str, model_name: str):
    """The tracked model with this app label and model name, or None."""
    for model in tracked_models():
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
            return model
    return None
