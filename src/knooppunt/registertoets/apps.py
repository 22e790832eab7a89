from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistertoetsConfig(AppConfig):
    name = "knooppunt.registertoets"
    verbose_name = _("Wlz-Registertoets")

    def ready(self) -> None:
        from . import checks  # noqa: F401
