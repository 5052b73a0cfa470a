from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate


class BvgovConfig(AppConfig):
    name = "bvgov"
    audited = True
    verbose_name = "Accounts and site"

    def ready(self):
        from . import notifications
        from .roles import sync_roles
        from .security import on_sign_in_failed, on_signed_in, on_signed_out, update_last_login_quietly

        # No sender: sync_roles waits for the last app's post_migrate, when every app's permissions exist.
        post_migrate.connect(sync_roles, dispatch_uid="bvgov_sync_roles")
        # last_login is left out of the user's history, and the sign-in itself goes to the sign-in log, so
        # Django's last-login update is replaced by one that writes no empty "changed" row to the audit trail.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_quietly, dispatch_uid="bvgov_update_last_login")
        user_logged_in.connect(on_signed_in, dispatch_uid="bvgov_signed_in")
        user_logged_out.connect(on_signed_out, dispatch_uid="bvgov_signed_out")
        user_login_failed.connect(on_sign_in_failed, dispatch_uid="bvgov_sign_in_failed")
        notifications.connect()
