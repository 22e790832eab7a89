from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "knooppunt.accounts"
    verbose_name = _("Gebruikers")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .services import record_login_time

        # Django's own receiver saves the user (signals, a compiled UPDATE); ours writes the one
        # column. Apps that keep a copy (the search index) listen to user_logged_in after us.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_login_time, dispatch_uid="knooppunt.last_login")
