"""`manage.py bench_import_preview`: how long a spreadsheet import's preview takes, and how big the worker grows.

It makes a report, people and a programme manager, uploads a generated workbook through the real views (Django's
test client, in this process), opens the preview's first page and another, then rolls everything back and deletes
the waiting file. Time and peak RSS (resource.getrusage) are this process's, as a web worker's would be.
"""

import datetime
import io
import resource
import time

import openpyxl
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bvgov.models import User
from bvgov.roles import sync_roles
from programmes.choices import Organisation
from programmes.models import Person, Programme
from recommendations.choices import SourceKind
from recommendations.import_views import discard_pending
from recommendations.models import Source
from reviews.models import Review

WORDS = [
    "the",
    "authority",
    "should",
    "review",
    "demand",
    "management",
    "and",
    "report",
    "progress",
    "to",
    "the",
    "committee",
    "every",
    "quarter",
]


class Rollback(Exception):
    pass


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cpu_seconds() -> float:
    """This process's CPU time: on a machine shared with other work, what the wall time would be on an idle one."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def workbook(rows: int, people: list[str], text_chars: int, shared: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["number", "text", "theme", "owner", "target date", "priority", "response"])
    shared_text = ("x" * text_chars) if shared else ""
    for i in range(1, rows + 1):
        text = shared_text or " ".join(WORDS[(i + j) % len(WORDS)] for j in range(text_chars // 7))[:text_chars]
        owner = people[i % len(people)]
        sheet.append([str(i), text, "Demand", owner, "December 2027", "high" if i % 2 else "low", "Agreed."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Time a spreadsheet import's preview and measure the process's peak memory; writes nothing that stays."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=3000)
        parser.add_argument("--text-chars", type=int, default=300, help="characters of each recommendation's text")
        parser.add_argument("--shared", action="store_true", help="every row's text the same string (shared strings)")
        parser.add_argument("--force", action="store_true", help="run with DEBUG off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("bench_import_preview is for development databases: pass --force with DEBUG off.")
        settings.DEBUG = False  # no query log growing in memory, as in production
        names = [f"Bench Person {i}" for i in range(50)]
        data = workbook(options["rows"], names, options["text_chars"], options["shared"])
        self.stdout.write(f"workbook: {options['rows']:,} rows, {len(data) / 1024:,.0f} KB")
        start_rss = peak_rss_mb()
        try:
            with transaction.atomic():
                self.run(data, names)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"peak RSS: {peak_rss_mb():,.0f} MB (before the upload: {start_rss:,.0f} MB)")

    def run(self, data: bytes, names: list[str]) -> None:
        sync_roles()
        today = datetime.date.today()
        programme = Programme.objects.create(
            name="Bench import programme", reference="bench-import", start_date=today, end_date=today
        )
        review = Review.objects.create(programme=programme, reference="bench-import", title="Bench import review")
        source = Source.objects.create(
            kind=SourceKind.REVIEW_REPORT, title="Bench import report", programme=programme, review=review
        )
        Person.objects.bulk_create([Person(name=name, organisation=Organisation.POLICE_SERVICE) for name in names])
        user = User.objects.create(username="bench-import")
        user.groups.add(Group.objects.get(name="Programme manager"))
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        upload = io.BytesIO(data)
        upload.name = "bench.xlsx"
        started, started_cpu = time.perf_counter(), cpu_seconds()
        response = client.post(reverse("recommendations:recommendation_import"), {"source": source.pk, "file": upload})
        uploaded, uploaded_cpu = time.perf_counter(), cpu_seconds()
        if response.status_code != 302:
            raise CommandError(f"upload refused ({response.status_code})")
        confirm_url = reverse("recommendations:recommendation_import_confirm")
        first = client.get(confirm_url)
        previewed, previewed_cpu = time.perf_counter(), cpu_seconds()
        later = client.get(confirm_url, {"page": 10_000})  # past the end: the last page
        paged, paged_cpu = time.perf_counter(), cpu_seconds()
        self.stdout.write(
            f"upload and check: {uploaded - started:.2f} s ({uploaded_cpu - started_cpu:.2f} s CPU); "
            f"preview, first page: {previewed - uploaded:.2f} s ({previewed_cpu - uploaded_cpu:.2f} s CPU, "
            f"{len(first.content) / 1024:,.0f} KB, status {first.status_code}); "
            f"last page: {paged - previewed:.2f} s ({paged_cpu - previewed_cpu:.2f} s CPU, "
            f"{len(later.content) / 1024:,.0f} KB, status {later.status_code}); "
            f"upload to first page: {previewed - started:.2f} s ({previewed_cpu - started_cpu:.2f} s CPU)"
        )
        discard_pending(first.wsgi_request)
        client.post(confirm_url, {"action": "cancel"})
