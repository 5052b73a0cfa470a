"""Who may change what in the recommendations register. Checked on the server for every write."""

from .models import Action


def person_of(user):
    return getattr(user, "person", None) if user.is_authenticated else None


def can_update_action(user, action: Action) -> bool:
    """The programme manager (who may change any action) and the action's own owner."""
    if user.has_perm("recommendations.change_action"):
        return True
    person = person_of(user)
    return person is not None and action.owner_id == person.pk
