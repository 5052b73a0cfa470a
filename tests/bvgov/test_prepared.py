"""Prepared queries (programmes.prepared) and what is read through them on every request: the session, the
signed-in user with their person, their permissions and the audit chain's head."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from bvgov.backends import RegisterModelBackend
from bvgov.sessions import SessionStore
from core.models import AuditEntry
from programmes.models import Person
from programmes.prepared import Prepared
from programmes.versions import chain_head
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_prepared_query_gives_the_querysets_rows_with_the_values_it_is_run_with():
    people = [PersonFactory(name=name) for name in ("Sarah Jenkins", "David Okafor", "Priya Hughes")]
    named = Prepared(
        lambda pk, name: Person.objects.filter(pk__gte=pk, name=name).order_by("pk").values_list("pk"),
        int,
        str,
    )
    assert named.rows(people[0].pk, "David Okafor") == [(people[1].pk,)]
    assert named.rows(people[0].pk, "Priya Hughes") == [(people[2].pk,)]
    assert named.rows(people[2].pk, "Sarah Jenkins") == []


@pytest.mark.django_db(transaction=True)
def test_a_prepared_query_runs_again_on_a_new_connection():
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    # (Reading rows the migrations made: a test outside a transaction leaves nothing behind to flush.)
    kinds = Prepared(lambda model: ContentType.objects.filter(model=model).values_list("app_label"), str)
    assert kinds.rows("action") == [("recommendations",)]
    assert kinds.rows("review") == [("reviews",)]  # on PostgreSQL, the statement prepared before
    # A new server connection has no prepared statement: it is prepared again there.
    connection.close()
    assert kinds.rows("no such kind") == []
    assert kinds.rows("action") == [("recommendations",)]


def test_a_prepared_query_converts_values_as_the_orm_does():
    user = UserFactory(is_active=False)
    users = Prepared(lambda pk: get_user_model().objects.filter(pk=pk).values_list("is_active", "date_joined"), int)
    [(is_active, joined)] = users.rows(user.pk)
    assert is_active is False
    assert isinstance(joined, datetime.datetime) and joined == get_user_model().objects.get(pk=user.pk).date_joined


def test_an_argument_that_does_not_reach_the_query_as_it_is_given_is_refused():
    ignored = Prepared(lambda pk: Person.objects.values_list("pk"), int)
    with pytest.raises(ValueError, match="do not reach"):
        ignored.rows(1)
    # A pattern made of the value ("David%") is not the value: the query could not be run with another.
    pattern = Prepared(lambda name: Person.objects.filter(name__startswith=name).values_list("pk"), str)
    with pytest.raises(ValueError, match="do not reach"):
        pattern.rows("David")


def test_the_session_is_read_while_it_lasts_and_not_after():
    store = SessionStore()
    store["colour"] = "blue"
    store.create()
    store.save()
    assert SessionStore(store.session_key).load() == {"colour": "blue"}

    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - datetime.timedelta(1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    assert SessionStore("no-such-session-key").load() == {}


def test_the_signed_in_user_comes_with_their_person_or_with_none(django_assert_num_queries):
    with_person = UserFactory()
    person = PersonFactory(user=with_person, name="Steve House")
    without = UserFactory()
    backend = RegisterModelBackend()

    with django_assert_num_queries(1):
        user = backend.get_user(with_person.pk)
        assert user.person == person and user.person.user is user
        assert user.username == with_person.username and user.check_password("best-value-2003")
    with django_assert_num_queries(1):
        user = backend.get_user(without.pk)
        assert not hasattr(user, "person")  # the reverse one-to-one raises, with no query
    assert backend.get_user(without.pk + 1000) is None
    assert backend.get_user("not a number") is None
    assert backend.get_user(UserFactory(is_active=False).pk) is None


def test_the_chain_head_is_the_newest_entrys_sequence(manager_user):
    before = chain_head()
    PersonFactory()
    assert chain_head() == AuditEntry.objects.order_by("-sequence").first().sequence > before


postgresql_only = pytest.mark.skipif(
    __import__("django.db", fromlist=["connection"]).connection.vendor != "postgresql",
    reason="Prepared statements are PostgreSQL's (CI runs the suite on PostgreSQL as well).",
)


def _prepared_statements() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _kinds(model: str) -> list[str]:
    from django.contrib.contenttypes.models import ContentType

    return list(ContentType.objects.filter(model=model).values_list("app_label", flat=True))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_read_asked_again_outside_a_transaction_runs_as_a_prepared_statement():
    assert _kinds("action") == ["recommendations"]
    assert not any("django_content_type" in statement for statement in _prepared_statements())
    assert _kinds("review") == ["reviews"]
    assert _kinds("no such kind") == []
    assert any("django_content_type" in s and "$1" in s for s in _prepared_statements())


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_read_through_a_server_side_cursor_is_run_as_it_is():
    from django.contrib.contenttypes.models import ContentType

    for _ in range(3):  # iterator() reads through a named cursor, which DECLARE opens for the query itself
        rows = ContentType.objects.filter(app_label="recommendations").order_by("model").iterator(chunk_size=2)
        assert "action" in [row.model for row in rows]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_read_the_server_cannot_prepare_runs_as_it_is_and_a_write_prepares_nothing():
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        for value in ("first", "second", "third"):
            cursor.execute("SELECT %s", [value])  # the server cannot tell the parameter's type
            assert cursor.fetchone() == (value,)
    with transaction.atomic():
        for model in ("action", "review", "source"):
            assert len(_kinds(model)) == 1
            statements = _prepared_statements()
    assert not any("django_content_type" in statement for statement in statements)


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_inside_an_execute_wrapper_keeps_both_wrappers():
    from django.db import connection

    from programmes.prepared import auto_prepare

    connection.close()
    counted = []
    with connection.execute_wrapper(lambda execute, *args: counted.append(1) or execute(*args)):
        assert _kinds("action") == ["recommendations"]
    assert counted == [1]
    expected = [auto_prepare] if connection.vendor == "postgresql" else []
    assert connection.execute_wrappers == expected
