"""The authentication backend: Django's, reading the signed-in user's person in the same query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


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
