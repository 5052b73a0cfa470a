"""The pages cache keeps rendered HTML as it is and everything else as LocMemCache does."""

import pytest
from django.utils.safestring import SafeString, mark_safe

from bvgov.cache import ProcessMemoryCache


@pytest.fixture
def cache():
    cache = ProcessMemoryCache("test-process-memory", {"OPTIONS": {"MAX_ENTRIES": 10}})
    cache.clear()
    yield cache
    cache.clear()


def test_rendered_html_comes_back_as_the_same_safe_text_without_a_copy(cache):
    html = mark_safe("<tr><td>Managing Demand · 1 of 17</td></tr>" * 1000)
    cache.set("page", html)
    got = cache.get("page")
    assert got is html
    assert isinstance(got, SafeString)


def test_bytes_come_back_as_bytes(cache):
    cache.set("bytes", b"\x80\x04not a pickle")
    assert cache.get("bytes") == b"\x80\x04not a pickle"


def test_a_mutable_value_is_a_copy_so_changing_it_changes_nothing_cached(cache):
    rows = [{"review": "Managing Demand", "implemented": 1}]
    cache.set("rows", rows)
    rows[0]["implemented"] = 17
    got = cache.get("rows")
    assert got == [{"review": "Managing Demand", "implemented": 1}]
    got.append("changed by a caller")
    assert cache.get("rows") == [{"review": "Managing Demand", "implemented": 1}]


def test_add_get_or_set_incr_and_expiry_behave_as_locmem(cache):
    assert cache.add("version", "1:42") is True
    assert cache.add("version", "1:43") is False
    assert cache.get("version") == "1:42"
    assert cache.get_or_set("count", 5) == 5
    assert cache.incr("count", 2) == 7
    assert cache.get("count") == 7
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("gone", "<p>old</p>", timeout=-1)
    assert cache.get("gone", "default") == "default"
    assert cache.get("never", None) is None
