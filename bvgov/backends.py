"""The authentication backend: Django's, reading the signed-in user's person in the same query, as most pages ask
who the user is in the register (programmes.Person.user): My actions, who may update an action, who reported. Their
permissions are read in one query when a request first asks (core.permissions)."""

from django.contrib.auth import get_user_model

from core.permissions import OneQueryPermissionsBackend


class RegisterModelBackend(OneQueryPermissionsBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
