from django.apps import AppConfig


class BvgovConfig(AppConfig):
    name = "bvgov"
    verbose_name = "Accounts and site"
