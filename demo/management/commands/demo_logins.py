"""`manage.py demo_logins`: the demo accounts, their roles and their shared development-only password."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from demo import DEMO_PASSWORD
from demo.data import ROLES


class Command(BaseCommand):
    help = "Print the demo sign-ins (username, role, password). Development only."

    def handle(self, *args, **options):
        loaded = set(
            get_user_model()
            .objects.filter(username__in=[role["username"] for role in ROLES])
            .values_list("username", flat=True)
        )
        self.stdout.write(f"Demo sign-ins — DEVELOPMENT ONLY, every account's password is {DEMO_PASSWORD!r}:")
        self.stdout.write(f"  {'username':<10} {'role':<18} password")
        for role in ROLES:
            missing = "" if role["username"] in loaded else "  (not loaded: run manage.py load_demo)"
            self.stdout.write(f"  {role['username']:<10} {role['group']:<18} {DEMO_PASSWORD}{missing}")
