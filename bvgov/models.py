from django.contrib.auth.models import AbstractUser
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in to bvgov: a member, an officer, an inspector or an administrator."""

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username
