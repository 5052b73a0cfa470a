from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BvgovConfig(AppConfig):
    name = "bvgov"
    verbose_name = "Accounts and site"

    def ready(self):
        from .roles import sync_roles

        # No sender: each app's permissions are created on its own post_migrate, so the roles are synced after each
        # app's, and the last run sees every permission.
        post_migrate.connect(sync_roles, dispatch_uid="bvgov_sync_roles")
