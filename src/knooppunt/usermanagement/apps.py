from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsermanagementConfig(AppConfig):
    name = "knooppunt.usermanagement"
    verbose_name = _("Gebruikersbeheer")

    def ready(self) -> None:
        from . import signals

        signals.connect()
