from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo register from the authority's five public reports, and its commands load_demo and demo_logins.

    Nothing in the app imports it: it writes through the register's own services, as a person would."""

    name = "demo"
    verbose_name = "Demo register"
