from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The large-register generator (manage.py generate_register) for the benchmark and load runs.

    Installed by the development and test settings only, never in production, and imported by nothing in the app."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
