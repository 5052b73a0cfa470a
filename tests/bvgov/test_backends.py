"""The authentication backend (bvgov.backends): a user's permissions, their own and their groups', read in one
query, with the answers Django's ModelBackend gives."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from bvgov.backends import RegisterModelBackend
from bvgov.models import User
from bvgov.roles import PAGE_PERMISSIONS, may
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
    with django_assert_num_queries(2):  # the user's own, then their groups', as Django's backend reads them
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
def test_the_permissions_every_page_asks_about_are_read_with_the_user_and_agree_with_djangos(
    role, request, django_assert_num_queries
):
    user = request.getfixturevalue("administrator" if role == "administrator" else f"{role}_user")

    signed_in = RegisterModelBackend().get_user(user.pk)

    with django_assert_num_queries(0):
        answers = {name: may(signed_in, name) for name in PAGE_PERMISSIONS}
    assert answers == {name: _fresh(user).has_perm(permission) for name, permission in PAGE_PERMISSIONS.items()}
    assert answers["reads_trail"] == (role in {"manager", "inspector", "administrator"})
    assert answers["reads_sign_ins"] == (role == "administrator")
