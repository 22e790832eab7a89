from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AanmeldingConfig(AppConfig):
    name = "knooppunt.aanmelding"
    verbose_name = _("Aanmelden gebruikersbeheerder")
