from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScimConfig(AppConfig):
    name = "knooppunt.scim"
    verbose_name = _("Koppelingen (SCIM)")

    def ready(self) -> None:
        from . import outage  # noqa: F401  (registers the SCIM form of a 503)
