"""The authentication backend: Django's, reading the signed-in user's person in the same query, as most pages ask
who the user is in the register (programmes.Person.user): My actions, who may update an action, who reported; and
how many of their notifications are unread, which the header shows on every page. Their permissions are read in one
query when a request first asks (core.permissions).

Every signed-in request makes this query, so it is written once in SQL: built by the ORM on each request, it cost
many times what the database takes to answer it.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection

from core.permissions import OneQueryPermissionsBackend
from programmes.models import Person

from .models import Notification


@cache
def _user_query() -> str:
    User = get_user_model()
    person_columns = ", ".join(
        f'p."{field.column}" AS "person__{field.attname}"' for field in Person._meta.concrete_fields
    )
    return (
        f"SELECT u.*, {person_columns}, "
        f'(SELECT COUNT(*) FROM "{Notification._meta.db_table}" n '
        f'WHERE n."recipient_id" = u."id" AND n."read_at" IS NULL) AS "unread_notifications" '
        f'FROM "{User._meta.db_table}" u '
        f'LEFT OUTER JOIN "{Person._meta.db_table}" p ON p."user_id" = u."id" '
        f'WHERE u."id" = %s'
    )


class RegisterModelBackend(OneQueryPermissionsBackend):
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = next(iter(get_user_model()._default_manager.raw(_user_query(), [user_id])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        fields = Person._meta.concrete_fields
        values = [user.__dict__.pop(f"person__{field.attname}") for field in fields]
        # The person, or that there is none, cached on the user as select_related would: reading it makes no query.
        if values[0] is None:
            type(user).person.related.set_cached_value(user, None)
        else:
            user.person = Person.from_db(connection.alias, [field.attname for field in fields], values)
        return user
