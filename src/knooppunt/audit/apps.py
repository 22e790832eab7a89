from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "knooppunt.audit"
    verbose_name = _("Logboek")

    def ready(self):
        # Every app's `audit_actions.py` registers the actions it records (audit.registry).
        autodiscover_modules("audit_actions")
