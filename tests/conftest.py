"""One fixture per role, named after the groups the demo loader creates, and a signed-in client for each."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client

from tests.bvgov.factories import UserFactory
from tests.flushing import empty_append_only_tables
from tests.programmes.factories import PersonFactory

MEMBER = "Member"
PROGRAMME_MANAGER = "Programme manager"
ACTION_OWNER = "Action owner"
INSPECTOR = "Inspector"
ADMINISTRATOR = "Administrator"


@pytest.fixture(autouse=True)
def caches_cleared():
    """Each test starts and ends with every cache empty (the same backends as production: bvgov.settings.base)."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def flushable():
    """For a test with `transaction=True`: a migrated database already holds history (the roles' sync), which the
    flush after the test must be able to remove."""
    yield
    empty_append_only_tables()


@pytest.fixture
def member_user(db):
    return UserFactory(username="member", first_name="Toby", last_name="Harris", groups=[MEMBER])


@pytest.fixture
def manager_user(db):
    return UserFactory(username="manager", first_name="Catherine", last_name="Crawford", groups=[PROGRAMME_MANAGER])


@pytest.fixture
def owner_user(db):
    """An action owner who signs in, with the Person record that actions are assigned to."""
    user = UserFactory(username="owner", first_name="Steve", last_name="House", groups=[ACTION_OWNER])
    PersonFactory(user=user, name="Steve House", job_title="Assistant Commissioner")
    return user


@pytest.fixture
def inspector_user(db):
    return UserFactory(username="inspector", first_name="Ken", last_name="Williams", groups=[INSPECTOR])


@pytest.fixture
def administrator(admin_user):
    """pytest-django's superuser, also in the Administrator group."""
    admin_user.groups.add(_group(ADMINISTRATOR))
    return admin_user


def _group(name):
    group, _ = Group.objects.get_or_create(name=name)
    return group


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_client(member_user):
    return _signed_in(member_user)


@pytest.fixture
def manager_client(manager_user):
    return _signed_in(manager_user)


@pytest.fixture
def owner_client(owner_user):
    return _signed_in(owner_user)


@pytest.fixture
def inspector_client(inspector_user):
    return _signed_in(inspector_user)


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    """Each test its own checkpoint file: the database is rolled back after a test, a file would not be."""
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")
    return tmp_path / "audit-checkpoints.jsonl"
