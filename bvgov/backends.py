"""The authentication backend: Django's, reading the signed-in user's person in the same query, and their
permissions (their own and their groups') in one query rather than two, both as prepared queries (programmes.prepared):
they are asked on nearly every request."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Q

from programmes.models import Person
from programmes.prepared import Prepared


@functools.cache
def _user_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in get_user_model()._meta.concrete_fields)


@functools.cache
def _person_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in Person._meta.concrete_fields)


def _user_with_person(pk):
    return (
        get_user_model()
        ._default_manager.filter(pk=pk)
        .values_list(*_user_fields(), *(f"person__{name}" for name in _person_fields()))
    )


def _permissions(pk):
    user_model = get_user_model()
    own = user_model.user_permissions.through.objects.filter(user_id=pk).values("permission_id")
    groups = user_model.groups.through.objects.filter(user_id=pk).values("group_id")
    through_groups = Group.permissions.through.objects.filter(group_id__in=groups).values("permission_id")
    return Permission.objects.filter(Q(pk__in=own) | Q(pk__in=through_groups)).values_list(
        "content_type__app_label", "codename"
    )


_USER = Prepared(_user_with_person, int)
_PERMISSIONS = Prepared(_permissions, int)


class RegisterModelBackend(ModelBackend):
    """Most pages ask who the signed-in user is in the register (programmes.Person.user): My actions, who may update
    an action, who a progress update is by. Reading the person with the user saves a query on each of them."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except (ValidationError, TypeError):  # a session naming no possible user
            return None
        using = router.db_for_read(user_model)
        rows = _USER.rows(pk, using=using)
        if not rows:
            return None
        user_fields = _user_fields()
        user = user_model.from_db(using, user_fields, rows[0][: len(user_fields)])
        # The person as select_related("person") leaves it: on the user (None if there is none) and the user on it.
        person_values = rows[0][len(user_fields) :]
        reverse = user_model._meta.get_field("person")
        if person_values[_person_fields().index("id")] is None:
            reverse.set_cached_value(user, None)
        else:
            person = Person.from_db(using, _person_fields(), person_values)
            reverse.set_cached_value(user, person)
            Person._meta.get_field("user").set_cached_value(person, user)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's answer (kept on the user for the request as it keeps it), read in one query."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                rows = _PERMISSIONS.rows(user_obj.pk, using=router.db_for_read(Permission))
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
