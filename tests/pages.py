"""Helpers the page tests share: reading a response as a user would, and pinning a page's query count."""

import csv
import io

from openpyxl import load_workbook


def text_of(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def assert_same_query_count(client, url, *, grow, expected, django_assert_num_queries):
    """The page costs `expected` queries before and after `grow()` adds rows: no query per row."""
    assert client.get(url).status_code == 200  # warms the content-type cache, as any running server has
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    grow()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response
