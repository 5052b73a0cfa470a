"""`manage.py load_demo`: the demo register, built from the authority's public reports, for development only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo register (bodies, programmes, reviews, inspections, recommendations, actions, decisions and one "
        "demo account per role) from the 2000–2005 reports. Idempotent: what is there already is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. The demo accounts share a published password: never on a live register.",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates demo accounts that share a published password, so it runs only with DEBUG on. "
                "Pass --force to load it anyway (never on a live register)."
            )
        counts = load_demo()
        created = sum(count["created"] for count in counts.values())
        found = sum(count["found"] for count in counts.values())
        self.stdout.write(f"Demo register (development only): {created} created, {found} already there.")
        width = max(len(name) for name in counts)
        self.stdout.write(f"  {'':<{width}}  created  found")
        for name, count in counts.items():
            self.stdout.write(f"  {name:<{width}}  {count['created']:>7}  {count['found']:>5}")
        self.stdout.write("Sign-ins: manage.py demo_logins")
