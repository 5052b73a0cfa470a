"""The register's version, the only key of the pages cache: the chain's head and today's date."""

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.utils import timezone

from core.history import save_with_history
from programmes.versions import HIGHEST_HEAD_KEY, chain_head, register_version
from tests.programmes.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_every_write_and_every_new_day_moves_the_version(manager_user):
    person = PersonFactory()
    before = register_version()

    person.name = "Catherine Crawford"
    save_with_history(person, actor=manager_user, reason="Name corrected")
    after_write = register_version()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        next_day = register_version()

    assert len({before, after_write, next_day}) == 3
    assert after_write.endswith(f":{chain_head()}")


def test_a_chain_head_lower_than_one_seen_empties_the_pages_cache(manager_user):
    """After a database restore the chain's head goes back: a page cached under a head that now names other writes
    must not be served."""
    PersonFactory()
    register_version()
    pages = caches["pages"]
    pages.set("fragment-before-restore", "stale", None)
    pages.set(HIGHEST_HEAD_KEY, chain_head() + 5, None)  # this process saw writes the restore took away

    register_version()

    assert pages.get("fragment-before-restore") is None
    assert pages.get(HIGHEST_HEAD_KEY) == chain_head()


def test_the_head_moving_on_keeps_what_the_cache_holds(manager_user):
    PersonFactory()
    register_version()
    caches["pages"].set("fragment", "kept", None)
    PersonFactory()

    register_version()

    assert caches["pages"].get("fragment") == "kept"
