from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "knooppunt.core"
    verbose_name = _("Portaal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
