from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "knooppunt.jobs"
    verbose_name = _("Taken")

    def ready(self):
        # Every app's `mails.py` registers the kinds of e-mail it sends (jobs.mail).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("mails")
