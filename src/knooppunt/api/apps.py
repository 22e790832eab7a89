from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "knooppunt.api"
    verbose_name = _("Webservice")

    def ready(self):
        from knooppunt.core import doors

        from . import schema  # noqa: F401  (registers the OpenAPI authentication extension)
        from .models import RateCounter

        # Rate-limit counters are bookkeeping, like the lockout's: a call is counted before
        # anyone is known, outside any service (api.ratelimit).
        doors.EXEMPT_TABLES.add(RateCounter._meta.db_table)
