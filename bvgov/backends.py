"""The authentication backend: Django's, reading the signed-in user's person in the same query, as most pages ask
who the user is in the register (programmes.Person.user): My actions, who may update an action, who reported; and
how many of their notifications are unread, which the header shows on every page. Their permissions are read in one
query when a request first asks (core.permissions)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from core.permissions import OneQueryPermissionsBackend

from .models import Notification


class RegisterModelBackend(OneQueryPermissionsBackend):
    def get_user(self, user_id):
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("id"))
            .values("n")
        )
        user = (
            get_user_model()
            ._default_manager.select_related("person")
            .annotate(unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
