from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "knooppunt.access"
    verbose_name = _("Producten en rollen")

    def ready(self):
        # The rules of the core are in access.rules; every product app adds the rules of its
        # own objects in its `rules.py` with the same @rule decorator.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("rules")
