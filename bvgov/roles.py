"""The roles people have in bvgov, as groups with model permissions, kept in step with the code after every migrate.

Object-level rules (an owner updates only their own actions) sit on top of these, in each app's permissions module.
"""

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from core.history import save_with_history, set_m2m_with_history

MEMBER = "Member"
PROGRAMME_MANAGER = "Programme manager"
ACTION_OWNER = "Action owner"
INSPECTOR = "Inspector"
ADMINISTRATOR = "Administrator"

REGISTER_APPS = ("programmes", "reviews", "recommendations")

# Who reads the audit trail, its export and any record's history; who reads sign-ins, with addresses and browsers.
READ_TRAIL = "core.view_auditentry"
READ_SIGN_INS = "bvgov.view_signinlogentry"


# What the audit trail shows beside the roles' changes the sync makes, which no person makes.
SYNC_REASON = "Roles kept in step with the code after migrate (bvgov.roles)"


def _register_models():
    return [
        model
        for label in REGISTER_APPS
        for model in global_apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]


def _codenames(actions: tuple[str, ...], models) -> set[str]:
    return {f"{action}_{model._meta.model_name}" for model in models for action in actions}


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    """Each role's permissions as (app_label, codename) pairs."""
    models = _register_models()

    def pairs(actions, chosen):
        return {(model._meta.app_label, f"{action}_{model._meta.model_name}") for model in chosen for action in actions}

    view_all = pairs(("view",), models)
    history_models = [
        model
        for label in REGISTER_APPS
        for model in global_apps.get_app_config(label).get_models()
        if model.__name__.startswith("Historical")
    ]
    comment = global_apps.get_model("recommendations", "Comment")
    update = global_apps.get_model("recommendations", "ProgressUpdate")
    evidence = global_apps.get_model("recommendations", "Evidence")
    audit = global_apps.get_model("core", "AuditEntry")
    # Members and officers chair boards and panels; an inspector given a seat records none of its decisions.
    chairs = {("programmes", "record_chaired_decision")}
    return {
        MEMBER: view_all | pairs(("add",), [comment]) | chairs,
        PROGRAMME_MANAGER: view_all | pairs(("add", "change"), models) | pairs(("view",), [audit]) | chairs,
        ACTION_OWNER: view_all | pairs(("add",), [update, evidence]) | {("recommendations", "change_comment")} | chairs,
        INSPECTOR: view_all | pairs(("view",), history_models + [audit]),
        ADMINISTRATOR: view_all
        | pairs(("add", "change", "delete"), models)
        | chairs
        | pairs(("view",), [audit])
        | {("bvgov", "view_signinlogentry"), ("bvgov", "view_signinevent")},
    }


def sync_roles(app_config=None, **kwargs) -> None:
    """Create the role groups and set exactly their permissions (run after migrate), each change audited with
    SYNC_REASON and no acting user. A run that changes nothing writes nothing."""
    # migrate signals each app in turn, and each app's permissions are created on its own signal: syncing on the
    # last app's alone sees them all, so that each role's permissions are set in one audited change, not one per app.
    if app_config is not None and app_config is not _last_app_migrated():
        return
    for name, wanted in role_permissions().items():
        with transaction.atomic():
            _sync_role(name, wanted)


def _last_app_migrated():
    return [config for config in global_apps.get_app_configs() if config.models_module is not None][-1]


def _sync_role(name: str, wanted: set[tuple[str, str]]) -> None:
    group = Group.objects.filter(name=name).first()
    if group is None:
        group = save_with_history(Group(name=name), actor=None, reason=SYNC_REASON)
    query = Q(pk__in=[])
    for app_label, codename in wanted:
        query |= Q(content_type__app_label=app_label, codename=codename)
    set_m2m_with_history(group, "permissions", Permission.objects.filter(query), actor=None, reason=SYNC_REASON)
