"""The authentication backend (bvgov.backends): a user's permissions, their own and their groups', read in one
query, with the answers Django's ModelBackend gives."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from bvgov.backends import RegisterModelBackend
from bvgov.models import User
from bvgov.roles import READ_SIGN_INS, READ_TRAIL
from tests.bvgov.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_a_users_own_and_group_permissions_are_djangos_and_read_once_a_request(django_assert_num_queries):
    group = Group.objects.create(name="Registrars")
    group.permissions.add(Permission.objects.get(codename="change_recommendation"))
    user = UserFactory(groups=["Registrars"])
    user.user_permissions.add(Permission.objects.get(codename="add_action"))
    other = UserFactory()
    other.user_permissions.add(Permission.objects.get(codename="delete_action"))

    user = _fresh(user)
    with django_assert_num_queries(1):  # the user's own and their groups' together, once a request
        assert user.has_perm("recommendations.change_recommendation")
        assert user.has_perm("recommendations.add_action")
        assert not user.has_perm("recommendations.delete_action")
    assert (
        RegisterModelBackend().get_all_permissions(user)
        == ModelBackend().get_all_permissions(_fresh(user))
        == {
            "recommendations.change_recommendation",
            "recommendations.add_action",
        }
    )


def test_an_inactive_user_has_no_permission_and_a_superuser_has_every_one():
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="add_action"))
    assert RegisterModelBackend().get_all_permissions(_fresh(inactive)) == set()

    superuser = UserFactory(is_superuser=True)
    everything = RegisterModelBackend().get_all_permissions(_fresh(superuser))
    assert everything == ModelBackend().get_all_permissions(_fresh(superuser))
    assert len(everything) == Permission.objects.count()


@pytest.mark.parametrize("role", ["member", "manager", "owner", "inspector", "administrator"])
def test_the_signed_in_user_comes_with_their_person_and_their_rights_agree_with_djangos(
    role, request, django_assert_num_queries, django_assert_max_num_queries
):
    user = request.getfixturevalue("administrator" if role == "administrator" else f"{role}_user")

    with django_assert_num_queries(1):
        signed_in = RegisterModelBackend().get_user(user.pk)
        getattr(signed_in, "person", None)
    with django_assert_max_num_queries(1):  # none for a superuser, who holds every permission
        answers = {permission: signed_in.has_perm(permission) for permission in (READ_TRAIL, READ_SIGN_INS)}
        signed_in.has_perm("recommendations.change_action")
    assert RegisterModelBackend().get_all_permissions(signed_in) == ModelBackend().get_all_permissions(_fresh(user))
    assert answers[READ_TRAIL] == (role in {"manager", "inspector", "administrator"})
    assert answers[READ_SIGN_INS] == (role == "administrator")


def test_a_role_taken_away_applies_at_the_next_request(manager_user):
    assert RegisterModelBackend().get_user(manager_user.pk).has_perm(READ_TRAIL)
    manager_user.groups.clear()
    assert not RegisterModelBackend().get_user(manager_user.pk).has_perm(READ_TRAIL)
