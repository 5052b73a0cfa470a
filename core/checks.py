"""Deployment checks for the audit trail's anchor (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .signing import SigningKeyError, load_signing_key


@register(Tags.security, deploy=True)
def audit_anchor(app_configs, **kwargs):
    problems = []
    try:
        load_signing_key(getattr(settings, "AUDIT_SIGNING_KEY_FILE", None))
    except SigningKeyError as error:
        problems.append(
            Error(
                f"{error} Without it no checkpoint can be signed, and the audit trail is only as trustworthy as the "
                "database.",
                hint="Make one with `manage.py audit_keygen FILE`, outside the database's and the web root's reach, "
                "and set AUDIT_SIGNING_KEY_FILE to it.",
                id="bvgov.E001",
            )
        )
    if not getattr(settings, "AUDIT_CHECKPOINT_FILE", None):
        problems.append(
            Warning(
                "AUDIT_CHECKPOINT_FILE is not set: checkpoints are kept in the database only, where whoever empties "
                "the trail can remove them too.",
                hint="Set AUDIT_CHECKPOINT_FILE to a file outside the database (and copy it off the server).",
                id="bvgov.W001",
            )
        )
    return problems
