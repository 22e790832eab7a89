"""Form widgets through Django's Jinja2 copies of its widget templates (core.widgets): the same
markup as Django's template language gives, and the admin's own widgets still render."""

import datetime

import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget, RelatedFieldWidgetWrapper
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template
from django.test.html import parse_html

from knooppunt.core.widgets import WidgetRenderer


class EveryKind(forms.Form):
    naam = forms.CharField(label="Naam", max_length=20, help_text="Zoals in het paspoort")
    email = forms.EmailField(required=False)
    datum = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    aantal = forms.IntegerField(min_value=1)
    reden = forms.ChoiceField(choices=[("", "Kies"), ("a", "Gerede twijfel"), ("b", "Ander <b>")])
    rol = forms.ChoiceField(choices=[("g", "Gebruiker"), ("p", "Productbeheerder")],
                            widget=forms.RadioSelect)  # fmt: skip
    producten = forms.MultipleChoiceField(
        choices=[("iwmo", "iWmo"), ("ijw", "iJw")], widget=forms.CheckboxSelectMultiple
    )
    actief = forms.BooleanField(
        required=False, widget=forms.CheckboxInput(attrs={"role": "switch"})
    )
    toelichting = forms.CharField(widget=forms.Textarea, required=False)
    bestand = forms.FileField(required=False)
    geheim = forms.CharField(widget=forms.PasswordInput)
    verborgen = forms.CharField(widget=forms.HiddenInput)


DATA = {
    "naam": 'Jan "de" <Vries>', "email": "x", "datum": "2026-12-01", "aantal": "0",
    "reden": "b", "rol": "p", "producten": ["ijw"], "actief": "on", "toelichting": "a & b",
    "geheim": "s", "verborgen": "v",
}  # fmt: skip


def _html(form_class, renderer, **kwargs) -> list[str]:
    form = form_class(renderer=renderer, **kwargs)
    return [str(form[name]) for name in form.fields] + [str(form.errors)]


@pytest.mark.parametrize("kwargs", [{}, {"data": DATA}, {"initial": {"naam": "Piet", "rol": "g"}}])
def test_every_widget_renders_as_django_s_own_templates_render_it(kwargs):
    ours = _html(EveryKind, WidgetRenderer(), **kwargs)
    theirs = _html(EveryKind, DjangoTemplates(), **kwargs)
    # The same elements, attributes and texts (the Jinja2 copies leave out some blank lines).
    assert [parse_html(html) for html in ours] == [parse_html(html) for html in theirs]
    assert any("&lt;Vries&gt;" in html for html in ours) or not kwargs.get("data")


def test_the_portal_s_forms_render_their_widgets_through_jinja2():
    renderer = get_default_renderer()
    assert isinstance(renderer, WidgetRenderer)
    assert isinstance(renderer.get_template("django/forms/widgets/input.html"), Jinja2Template)


def test_a_widget_template_only_django_s_language_has_comes_from_there():
    renderer = WidgetRenderer()
    date = AdminDateWidget().render("d", datetime.date(2026, 12, 1), renderer=renderer)
    assert 'class="vDateField"' in date and 'value="01-12-2026"' in date

    from django.contrib import admin
    from django.contrib.auth.models import Group

    field = Group._meta.get_field("permissions")
    wrapper = RelatedFieldWidgetWrapper(
        forms.SelectMultiple(), field.remote_field, admin.site, can_add_related=False
    )
    html = wrapper.render("permissions", [], renderer=renderer)
    assert "related-widget-wrapper" in html
    assert "admin/widgets/related_widget_wrapper.html" in renderer.django_only
