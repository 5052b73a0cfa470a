"""Nothing a signed-in person reads is kept by their browser, a proxy or a shared machine: every signed-in page,
export and evidence download says Cache-Control: no-store."""

import pytest
from django.utils.cache import get_max_age

from tests.recommendations.factories import ActionFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/actions/", "/audit/", "/pack/", "/help/", "/actions/?format=csv"])
def test_every_signed_in_page_says_no_store(manager_client, path):
    ActionFactory()
    response = manager_client.get(path)

    assert response.status_code == 200
    assert "no-store" in cache_control(response)
    assert get_max_age(response) is None


def test_an_evidence_download_says_no_store(member_client):
    evidence = EvidenceFactory()

    response = member_client.get(f"/evidence/{evidence.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Minutes of the project board.\n"
    assert "no-store" in cache_control(response)
