from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BvgovConfig(AppConfig):
    name = "bvgov"
    verbose_name = "Accounts and site"

    def ready(self):
        from .roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="bvgov_sync_roles")
