"""Reading a signed-in user's permissions: Django's ModelBackend, with their own and their groups' permissions read in
one query the first time a request asks, and kept on the user for the rest of that request (Django's `_perm_cache`).

Nothing is kept beyond the request, so a role taken away applies at the user's next request. The navigation asks on
every page (whether to offer the trail); the domain's rights (who may update an action) ask on every write.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class OneQueryPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            held = Permission.objects.all()
            if not user_obj.is_superuser:
                own = user_obj.user_permissions.through.objects.filter(user_id=user_obj.pk)
                through_groups = Group.permissions.through.objects.filter(group__user=user_obj.pk)
                held = held.filter(
                    Q(pk__in=own.values("permission_id")) | Q(pk__in=through_groups.values("permission_id"))
                )
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in held.values_list("content_type__app_label", "codename").order_by()
            }
        return user_obj._perm_cache
