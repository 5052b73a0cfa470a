"""The authentication backend: Django's, reading the signed-in user's person in the same query, as most pages ask
who the user is in the register (programmes.Person.user): My actions, who may update an action, who reported."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class RegisterModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = user_model._default_manager.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
