"""The authentication backend: Django's, reading the signed-in user's person in the same query, as most pages ask
who the user is in the register (programmes.Person.user): My actions, who may update an action, who reported."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from .roles import PAGE_PERMISSIONS


def _held(permission: str) -> Exists:
    """Whether the user being read holds the permission, themselves or through a group."""
    app_label, codename = permission.split(".")
    holders = Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk"))
    return Exists(Permission.objects.filter(holders, content_type__app_label=app_label, codename=codename))


class RegisterModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        # The permissions every page asks about (the navigation's) come in the same query: see bvgov.roles.may.
        user = (
            user_model._default_manager.select_related("person")
            .annotate(**{name: _held(permission) for name, permission in PAGE_PERMISSIONS.items()})
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
