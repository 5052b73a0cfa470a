"""The authentication backend: Django's, reading the signed-in user's person in the same query, and their
permissions (their own and their groups') in one query rather than two."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class RegisterModelBackend(ModelBackend):
    """Most pages ask who the signed-in user is in the register (programmes.Person.user): My actions, who may update
    an action, who a progress update is by. Reading the person with the user saves a query on each of them."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("person")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's answer (kept on the user for the request as it keeps it), read in one query."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list("content_type__app_label", "codename")
            }
        return user_obj._perm_cache
