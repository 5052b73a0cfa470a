"""Account and role changes are audited: who changed whose rights, why, and from what to what, in the one chain."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from bvgov.models import User
from bvgov.roles import ACTION_OWNER, INSPECTOR, SYNC_REASON, sync_roles
from core.audit import verify_chain
from core.history import set_m2m_with_history
from core.models import AuditEntry
from tests.bvgov.factories import UserFactory
from tests.core.test_audit_integrity import _raw, _unguarded

pytestmark = pytest.mark.django_db


@pytest.fixture
def ken(db):
    # The admin's form shows the date joined to the second: a stored fraction would be a change of its own.
    joined = timezone.now().replace(microsecond=0)
    return UserFactory(
        username="ken", first_name="Ken", last_name="Williams", date_joined=joined, groups=[ACTION_OWNER]
    )


def _checkbox(value: bool):
    return "on" if value else None


def user_form(user: User, **changes) -> dict:
    """The admin's change form for `user` as the page fills it in, with `changes` made to it."""
    joined = timezone.localtime(user.date_joined)
    values = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": [group.pk for group in user.groups.all()],
        "user_permissions": [permission.pk for permission in user.user_permissions.all()],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
    } | changes
    for flag in ("is_active", "is_staff", "is_superuser"):
        values[flag] = _checkbox(values[flag])
    return {name: value for name, value in values.items() if value is not None}


def _change_user(client, user: User, **changes):
    return client.post(f"/admin/bvgov/user/{user.pk}/change/", user_form(user, **changes))


def _entries_of(record) -> list[AuditEntry]:
    content_type = ContentType.objects.get_for_model(type(record))
    return list(AuditEntry.objects.filter(content_type=content_type, object_id=record.pk).order_by("sequence"))


def _latest_change(record) -> AuditEntry:
    return _entries_of(record)[-1]


def _group(name: str) -> Group:
    return Group.objects.get(name=name)


def test_adding_a_user_to_a_role_is_audited_with_the_administrator_and_the_reason(admin_client, admin_user, ken):
    entries = AuditEntry.objects.count()
    inspector = _group(INSPECTOR)

    response = _change_user(
        admin_client,
        ken,
        groups=[_group(ACTION_OWNER).pk, inspector.pk],
        change_reason="Seconded to HMIC for the 2003 inspection",
    )

    assert response.status_code == 302
    assert set(ken.groups.values_list("name", flat=True)) == {ACTION_OWNER, INSPECTOR}
    # Only the links changed: one entry, naming what they were and what they are.
    assert AuditEntry.objects.count() == entries + 1
    entry = _latest_change(ken)
    assert (entry.user, entry.reason) == (admin_user, "Seconded to HMIC for the 2003 inspection")
    assert entry.changes == [
        {"field": "groups", "label": "Groups", "old": ACTION_OWNER, "new": f"{ACTION_OWNER}; {INSPECTOR}"}
    ]
    assert verify_chain().intact


def test_removing_a_user_from_a_role_is_audited(admin_client, admin_user, ken):
    response = _change_user(admin_client, ken, groups=[], change_reason="Left the programme team")

    assert response.status_code == 302
    assert not ken.groups.exists()
    entry = _latest_change(ken)
    assert (entry.user, entry.reason) == (admin_user, "Left the programme team")
    assert entry.changes == [{"field": "groups", "label": "Groups", "old": ACTION_OWNER, "new": ""}]


def test_giving_a_user_a_permission_of_their_own_is_audited(admin_client, admin_user, ken):
    change_action = Permission.objects.get(codename="change_action")

    _change_user(admin_client, ken, user_permissions=[change_action.pk], change_reason="Covers for the manager")

    entry = _latest_change(ken)
    assert (entry.user, entry.reason) == (admin_user, "Covers for the manager")
    [change] = entry.changes
    assert (change["label"], change["old"], change["new"]) == ("User permissions", "", str(change_action))
    assert "Can change action" in change["new"]


@pytest.mark.parametrize(
    ("flag", "label", "old", "new"),
    [
        ("is_staff", "Staff status", "No", "Yes"),
        ("is_superuser", "Superuser status", "No", "Yes"),
        ("is_active", "Active", "Yes", "No"),
    ],
)
def test_staff_superuser_and_active_flags_are_audited_from_and_to(admin_client, admin_user, ken, flag, label, old, new):
    response = _change_user(admin_client, ken, **{flag: new == "Yes", "change_reason": f"{label} changed on request"})

    assert response.status_code == 302
    ken.refresh_from_db()
    assert getattr(ken, flag) is (new == "Yes")
    entry = _latest_change(ken)
    assert (entry.user, entry.reason, entry.history_type) == (admin_user, f"{label} changed on request", "~")
    assert entry.changes == [{"field": flag, "label": label, "old": old, "new": new}]


def test_reactivating_an_account_is_audited(admin_client, admin_user, ken):
    _change_user(admin_client, ken, is_active=False, change_reason="Left the authority")
    ken.refresh_from_db()

    _change_user(admin_client, ken, is_active=True, change_reason="Returned from secondment")

    entry = _latest_change(ken)
    assert entry.reason == "Returned from secondment"
    assert entry.changes == [{"field": "is_active", "label": "Active", "old": "No", "new": "Yes"}]


def test_giving_a_role_a_permission_is_audited_on_the_role(admin_client, admin_user):
    inspector = _group(INSPECTOR)
    permissions = list(inspector.permissions.values_list("pk", flat=True))
    add_comment = Permission.objects.get(codename="add_comment")

    response = admin_client.post(
        f"/admin/auth/group/{inspector.pk}/change/",
        {"name": INSPECTOR, "permissions": [*permissions, add_comment.pk], "change_reason": "Inspectors may ask"},
    )

    assert response.status_code == 302
    assert inspector.permissions.filter(pk=add_comment.pk).exists()
    entry = _latest_change(inspector)
    assert (entry.user, entry.reason, entry.object_repr) == (admin_user, "Inspectors may ask", INSPECTOR)
    [change] = entry.changes
    assert change["label"] == "Permissions"
    assert str(add_comment) in change["new"] and str(add_comment) not in change["old"]
    assert verify_chain().intact


def test_the_trail_shows_who_changed_whose_role_and_why(admin_client, ken, inspector_client):
    _change_user(admin_client, ken, groups=[_group(INSPECTOR).pk], change_reason="Seconded to HMIC")

    page = inspector_client.get("/audit/")

    content = page.content.decode()
    assert page.status_code == 200
    assert "Seconded to HMIC" in content
    assert INSPECTOR in content and ACTION_OWNER in content


def test_a_roles_history_page_shows_its_permission_changes_and_why(admin_client, inspector_client):
    inspector = _group(INSPECTOR)
    add_comment = Permission.objects.get(codename="add_comment")
    permissions = [*inspector.permissions.values_list("pk", flat=True), add_comment.pk]
    admin_client.post(
        f"/admin/auth/group/{inspector.pk}/change/",
        {"name": INSPECTOR, "permissions": permissions, "change_reason": "Inspectors may ask"},
    )

    page = inspector_client.get(f"/history/auth/group/{inspector.pk}/")

    assert page.status_code == 200
    content = page.content.decode()
    assert "Inspectors may ask" in content and SYNC_REASON in content
    assert "Can add comment" in content


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_admin_change_without_a_reason_is_refused_and_changes_nothing(admin_client, ken, reason):
    entries = AuditEntry.objects.count()

    response = _change_user(admin_client, ken, groups=[_group(INSPECTOR).pk], is_staff=True, change_reason=reason)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"] == [
        "Say why you are making this change: it is kept in the audit trail."
    ]
    assert "Say why you are making this change" in response.content.decode()
    ken.refresh_from_db()
    assert list(ken.groups.values_list("name", flat=True)) == [ACTION_OWNER]
    assert not ken.is_staff
    assert AuditEntry.objects.count() == entries


def test_a_role_change_without_a_reason_is_refused_and_changes_nothing(admin_client):
    inspector = _group(INSPECTOR)
    permissions = set(inspector.permissions.values_list("pk", flat=True))
    entries = AuditEntry.objects.count()

    response = admin_client.post(
        f"/admin/auth/group/{inspector.pk}/change/",
        {"name": INSPECTOR, "permissions": [Permission.objects.get(codename="add_comment").pk]},
    )

    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    assert set(inspector.permissions.values_list("pk", flat=True)) == permissions
    assert AuditEntry.objects.count() == entries


def test_an_account_created_in_the_admin_needs_a_reason_and_records_it(admin_client, admin_user):
    form = {"username": "hmic-2", "usable_password": "false"}

    refused = admin_client.post("/admin/bvgov/user/add/", form)
    created = admin_client.post("/admin/bvgov/user/add/", form | {"change_reason": "HMIC's second inspector"})

    assert refused.status_code == 200 and "change_reason" in refused.context["adminform"].form.errors
    assert created.status_code == 302
    user = User.objects.get(username="hmic-2")
    [entry] = _entries_of(user)
    assert (entry.history_type, entry.user, entry.reason) == ("+", admin_user, "HMIC's second inspector")


def test_accounts_and_roles_are_never_deleted_in_the_admin(admin_client, ken):
    inspector = _group(INSPECTOR)

    assert admin_client.post(f"/admin/bvgov/user/{ken.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"/admin/auth/group/{inspector.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=ken.pk).exists() and Group.objects.filter(pk=inspector.pk).exists()


def test_a_change_made_from_the_roles_side_is_recorded_on_each_account(manager_user, ken):
    """`group.user_set.add(user)` changes the user's groups: it is the user's history that records it."""
    inspector = _group(INSPECTOR)
    inspector._history_user, inspector._change_reason = manager_user, "The whole team joins the inspection"
    other = UserFactory(username="priya")

    inspector.user_set.add(ken, other)
    inspector.user_set.remove(other)

    for user, new in ((ken, f"{ACTION_OWNER}; {INSPECTOR}"),):
        entry = _latest_change(user)
        assert (entry.user, entry.reason) == (manager_user, "The whole team joins the inspection")
        assert entry.changes[0]["new"] == new
    added, removed = _entries_of(other)[-2:]
    assert (added.changes[0]["new"], removed.changes[0]["old"], removed.changes[0]["new"]) == (INSPECTOR, INSPECTOR, "")
    assert verify_chain().intact


def test_the_role_sync_restores_a_roles_permissions_under_its_system_reason(manager_user):
    owner_role = _group(ACTION_OWNER)
    add_update = Permission.objects.get(codename="add_progressupdate")
    kept = owner_role.permissions.exclude(pk=add_update.pk)
    set_m2m_with_history(owner_role, "permissions", kept, actor=manager_user, reason="Mistaken edit")

    sync_roles()

    assert owner_role.permissions.filter(pk=add_update.pk).exists()
    entry = _latest_change(owner_role)
    assert (entry.user, entry.reason) == (None, SYNC_REASON)
    assert str(add_update) in entry.changes[0]["new"] and str(add_update) not in entry.changes[0]["old"]
    # In step already: a second run records nothing.
    entries = AuditEntry.objects.count()
    sync_roles()
    assert AuditEntry.objects.count() == entries


def test_a_roles_history_row_edited_behind_the_apps_back_breaks_the_chain(admin_client):
    inspector = _group(INSPECTOR)
    admin_client.post(
        f"/admin/auth/group/{inspector.pk}/change/",
        {"name": "Inspectors", "permissions": [], "change_reason": "Renamed"},
    )
    entry = _latest_change(inspector)
    table = Group.history.model._meta.db_table
    _unguarded(table)

    _raw(f"UPDATE {table} SET name = %s WHERE history_id = %s", ["Lead member", entry.history_id])

    report = verify_chain()
    assert not report.intact
    assert str(report).startswith(f"Entry {entry.sequence} (group #{inspector.pk}, ")


def test_a_roles_change_written_around_the_trail_is_found():
    """A history row with no audit entry (written straight into the table) is counted, though groups are auth's."""
    inspector = _group(INSPECTOR)
    Group.history.model.objects.create(
        id=inspector.pk, name="Lead member", history_date=timezone.now(), history_type="~"
    )

    report = verify_chain()

    assert not report.intact
    assert "1 history record of group has no audit entry" in str(report)
