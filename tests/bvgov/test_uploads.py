"""Request bodies are capped while they stream in: an oversized upload is refused with 413 and a clear page, and
never written to memory or disk beyond the limit, whether the sender is signed in or not."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from recommendations.models import Evidence, ProgressUpdate
from tests.recommendations.factories import ActionFactory

pytestmark = pytest.mark.django_db

RECORDED = []


class RecordingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler, noting how many bytes reached it (and so the disk)."""

    def receive_data_chunk(self, raw_data, start):
        RECORDED.append(len(raw_data))
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture(autouse=True)
def uploads_to_disk(settings, tmp_path):
    """Every file goes to a temporary file in a folder of the test's own, through a handler that counts the bytes."""
    RECORDED.clear()
    temp_dir = tmp_path / "uploads"
    temp_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_HANDLERS = [
        "bvgov.uploads.LimitedUploadHandler",
        "tests.bvgov.test_uploads.RecordingTemporaryFileUploadHandler",
    ]
    return temp_dir


@pytest.fixture
def owned_action(owner_user):
    return ActionFactory(owner=owner_user.person, description="Set up the call handling pilot.")


def progress_post(client, action, evidence):
    return client.post(
        reverse("recommendations:action_progress", args=[action.pk]),
        {
            f"action-{action.pk}-status": action.status,
            f"action-{action.pk}-note": "Pilot running in two boroughs.",
            f"action-{action.pk}-evidence": evidence,
        },
    )


def big_file(size: int, name="evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF" + b"x" * (size - 4), content_type="application/pdf")


def test_a_signed_in_upload_over_the_file_limit_stops_at_the_limit_while_streaming(
    settings, owner_client, owned_action, uploads_to_disk
):
    # The body (500 KB) is within the request's limit, so the upload starts; its file passes the 100 KB limit.
    settings.UPLOAD_MAX_SIZE = 100 * 1024
    response = progress_post(owner_client, owned_action, big_file(500 * 1024))

    assert response.status_code == 413
    page = html.unescape(response.content.decode()).replace("\xa0", " ")
    assert "The file is too large" in page
    assert "A file must be smaller than 100.0 KB" in page
    # At most one chunk (64 KB) more than the limit was ever handed to the handler that writes to disk.
    assert sum(RECORDED) <= 100 * 1024
    assert list(uploads_to_disk.iterdir()) == []
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()


def test_a_signed_in_body_over_the_request_limit_is_refused_unread(settings, owner_client, owned_action):
    settings.UPLOAD_MAX_SIZE = 100 * 1024
    settings.UPLOAD_FORM_ALLOWANCE = 10 * 1024
    response = progress_post(owner_client, owned_action, big_file(300 * 1024))

    assert response.status_code == 413
    assert RECORDED == []
    assert not ProgressUpdate.objects.exists()


def test_an_anonymous_upload_is_refused_before_any_of_it_is_read(client, uploads_to_disk):
    response = client.post(
        reverse("login"), {"username": "someone", "password": "guess", "file": big_file(1024 * 1024)}
    )

    assert response.status_code == 413
    assert "Sign in before sending a file" in html.unescape(response.content.decode())
    assert RECORDED == []
    assert list(uploads_to_disk.iterdir()) == []


def test_an_anonymous_multipart_body_under_its_limit_with_a_file_over_it_stops_while_streaming(
    settings, client, uploads_to_disk
):
    settings.ANONYMOUS_REQUEST_MAX_SIZE = 64 * 1024
    settings.UPLOAD_MAX_SIZE = 16 * 1024
    response = client.post(reverse("login"), {"username": "someone", "file": big_file(40 * 1024)})

    assert response.status_code == 413
    assert sum(RECORDED) <= 16 * 1024
    assert list(uploads_to_disk.iterdir()) == []


def test_an_upload_within_the_limit_is_saved(settings, owner_client, owned_action):
    settings.UPLOAD_MAX_SIZE = 100 * 1024
    response = progress_post(owner_client, owned_action, big_file(50 * 1024))

    assert response.status_code == 302
    assert Evidence.objects.get().file.size == 50 * 1024


def test_the_forms_state_their_file_limits(owner_client, manager_client, owned_action):
    progress_page = owner_client.get(reverse("recommendations:action_progress", args=[owned_action.pk]))
    assert "smaller than 10 MB" in html.unescape(progress_page.content.decode())
    import_page = manager_client.get(reverse("recommendations:recommendation_import"))
    import_text = html.unescape(import_page.content.decode())
    assert "smaller than 5 MB, with one recommendation a row under a header row, up to 5,000 rows" in import_text
    assert "each cell up to 10,000 characters" in import_text


def test_with_htmx_the_refusal_comes_back_as_a_page_htmx_swaps_in(settings, owner_client, owned_action):
    settings.UPLOAD_MAX_SIZE = 100 * 1024
    settings.UPLOAD_FORM_ALLOWANCE = 10 * 1024
    response = owner_client.post(
        reverse("recommendations:action_progress", args=[owned_action.pk]),
        {f"action-{owned_action.pk}-evidence": big_file(300 * 1024)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "The file is too large" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
