"""Reading a signed-in user's permissions: Django's ModelBackend, with their own and their groups' permissions read in
one query the first time a request asks, and kept on the user for the rest of that request (Django's `_perm_cache`).

Nothing is kept beyond the request, so a role taken away applies at the user's next request. The navigation asks on
every page (whether to offer the trail); the domain's rights (who may update an action) ask on every write. As every
page asks, the query is written once in SQL: built by the ORM on each request, it cost more than the database's answer.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _permissions_query() -> str:
    user_model = get_user_model()
    user_permissions = user_model.user_permissions.through._meta.db_table
    user_groups = user_model.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    return (
        f'SELECT ct."app_label", p."codename" FROM "{Permission._meta.db_table}" p '
        f'JOIN "{ContentType._meta.db_table}" ct ON ct."id" = p."content_type_id" '
        f'WHERE p."id" IN (SELECT "permission_id" FROM "{user_permissions}" WHERE "user_id" = %s) '
        f'OR p."id" IN (SELECT gp."permission_id" FROM "{group_permissions}" gp '
        f'JOIN "{user_groups}" ug ON ug."group_id" = gp."group_id" WHERE ug."user_id" = %s)'
    )


class OneQueryPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_query(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
