"""`manage.py generate_register`: a large, realistic register for benchmark and load runs, never for a live one."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarks.scale import Generator, Sizes, register_is_empty


class Command(BaseCommand):
    help = (
        "Generate a large register (reviews, recommendations, actions, progress updates, challenges, boards, "
        "meetings and decisions, with years of history sealed onto the audit trail) for benchmarks. Bulk inserts "
        "(COPY on PostgreSQL), then VACUUM ANALYZE."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--reviews", type=int, default=defaults.reviews)
        parser.add_argument("--recommendations", type=int, default=defaults.recommendations)
        parser.add_argument("--actions", type=int, default=defaults.actions)
        parser.add_argument(
            "--history-per-action", type=int, default=defaults.history_per_action, help="versions of each action"
        )
        parser.add_argument(
            "--long-history",
            type=int,
            default=defaults.long_history,
            help="versions of the first action, for the history page benchmark",
        )
        parser.add_argument("--people", type=int, default=defaults.people)
        parser.add_argument("--users", type=int, default=defaults.users)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--password",
            default="",
            help="password of the bench-* accounts the benchmark signs in as; without it they cannot sign in",
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on a live register)")
        parser.add_argument("--allow-non-empty", action="store_true", help="add to a register that has records")

    def handle(self, *args, force, allow_non_empty, password, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "generate_register fills the register with invented records, so it runs only with DEBUG on. "
                "Pass --force to run it anyway (never on a live register)."
            )
        if not allow_non_empty and not register_is_empty():
            raise CommandError(
                "The register already has reviews, recommendations or actions. Generate into an empty database, "
                "or pass --allow-non-empty to add to it."
            )
        sizes = Sizes(**{name: options[name] for name in Sizes.__dataclass_fields__})
        if min(sizes.reviews, sizes.recommendations, sizes.actions, sizes.people) < 1 or sizes.history_per_action < 1:
            raise CommandError("Every size must be at least 1.")
        result = Generator(sizes, password=password or None).run()
        self.stdout.write(f"Generated in {result['seconds']} s (then VACUUM ANALYZE).")
        self.stdout.write("  live rows: " + ", ".join(f"{name} {count}" for name, count in result["live"].items()))
        self.stdout.write(f"  history rows (each with its audit entry): {result['history_total']}")
        self.stdout.write("    " + ", ".join(f"{name} {count}" for name, count in result["history"].items()))
        self.stdout.write(
            f"  action #{result['long_history_action']} has {result['long_history_versions']} versions "
            "(the history page benchmark's object)"
        )
