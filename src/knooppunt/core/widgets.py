"""How form widgets become HTML (settings.FORM_RENDERER).

Django's own widget templates exist twice: in Django's template language and, with the same
markup, in Jinja2 (django/forms/jinja2/). The Jinja2 copies render about four times faster, and
every page with a form renders its widgets on each request: the Raadplegen form of the
Wlz-Registertoets spent 1.5 of its 7.5 ms on four widgets. A template only Django's language
has (the admin's own widgets) is taken from there.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class WidgetRenderer(BaseRenderer):
    def __init__(self) -> None:
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()
        # Names Jinja2 does not have, so that each is looked up there once per process (the
        # Jinja2 loader keeps what it found, not what it did not).
        self.django_only: set[str] = set()

    def get_template(self, template_name: str):
        if template_name not in self.django_only:
            try:
                return self.jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                self.django_only.add(template_name)
        return self.django.get_template(template_name)
