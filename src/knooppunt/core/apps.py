from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "knooppunt.core"
    verbose_name = _("Portaal")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the system checks)

        # Every app's `portal.py` adds its menu entries, dashboard tiles and console inlines.
        autodiscover_modules("portal")
