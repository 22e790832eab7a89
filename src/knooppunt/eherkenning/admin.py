"""The operator console's eHerkenning pages: brokers, the organisation's branch numbers, and the
first-login registrations with the verification codes the servicedesk hands out."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.accounts.models import Status
from knooppunt.core.registry import ConsoleInline, console_inlines
from knooppunt.operators.admin import OperatorAdmin, operator_site

from . import oidc, services
from .models import CLAIM_FIELDS, Broker, CodeRecipient, Registration, Vestiging


class SecretField(forms.CharField):
    """A secret that is never sent back to the browser; left empty, the stored one stays."""

    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})

    def has_changed(self, initial, data):
        return bool(data) and data != initial


class BrokerForm(forms.ModelForm):
    client_secret = SecretField(label=_("client secret"), required=False, max_length=500)

    class Meta:
        model = Broker
        fields = ["naam", "issuer", "client_id", "client_secret", "active", *CLAIM_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["client_secret"].help_text = _(
                "Wordt nooit getoond. Laat leeg om het huidige geheim te houden."
            )
        for name in CLAIM_FIELDS:  # left empty: the usual name
            field, usual = self.fields[name], Broker._meta.get_field(name).default
            field.required, field.empty_value = False, usual
            field.widget.attrs["placeholder"] = usual

    def clean_client_secret(self):
        value = self.cleaned_data.get("client_secret", "")
        if value:
            return value
        if self.instance.pk:  # the stored secret: the form fills the instance only after clean()
            return self.instance.client_secret
        raise ValidationError(_("Vul het client secret in dat de makelaar heeft uitgegeven."))


@admin.register(Broker, site=operator_site)
class BrokerAdmin(OperatorAdmin):
    form = BrokerForm
    list_display = ("naam", "issuer", "client_id", "active", "metadata_fetched_at")
    list_filter = ("active",)
    search_fields = ("naam", "issuer", "client_id")
    readonly_fields = ("metadata_fetched_at",)
    actions = ["test_connection"]

    def get_fieldsets(self, request, obj=None):
        connection = ["naam", "issuer", "client_id", "client_secret", "active"]
        return [
            (None, {"fields": connection + ["metadata_fetched_at"] if obj else connection}),
            (
                _("Claims"),
                {
                    "fields": CLAIM_FIELDS,
                    "description": _(
                        "Onder welke namen de makelaar het KvK-nummer, het vestigingsnummer en "
                        "het pseudoniem doorgeeft: in het ID-token, of anders via zijn "
                        "userinfo-endpoint."
                    ),
                },
            ),
        ]

    def save_model(self, request, obj, form, change):
        services.save_broker(request.user, obj, form.changed_data, request=request)

    @admin.action(description=_("Verbinding testen (configuratie van de makelaar ophalen)"))
    def test_connection(self, request, queryset):
        for broker in queryset:
            try:
                services.refresh_broker(request.user, broker, request=request)
            except oidc.BrokerUnavailable as exc:
                self.message_user(
                    request,
                    _("%(broker)s: niet bereikbaar of onbruikbaar (%(error)s).")
                    % {"broker": broker, "error": exc},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request, _("%(broker)s: verbinding in orde.") % {"broker": broker}
                )


class VestigingInline(admin.StackedInline):
    model = Vestiging
    extra = 1
    verbose_name_plural = _("Vestigingsnummers voor eHerkenning (leeg: alle vestigingen)")

    def has_add_permission(self, request, obj=None):
        return rules.can(request.user, "operator.console")

    has_change_permission = has_view_permission = has_delete_permission = has_add_permission


def _save_vestigingen(request, formset) -> None:
    """The branch numbers of the organisation page, through the services."""
    instances = formset.save(commit=False)  # the changed and new ones; sets deleted_objects
    for obj in formset.deleted_objects:
        services.remove_vestiging(request.user, obj, request=request)
    for instance in instances:
        services.save_vestiging(request.user, instance, request=request)


console_inlines.register(
    ConsoleInline(
        "eherkenning.vestigingen",
        ("organisations", "organisation"),
        VestigingInline,
        save=_save_vestigingen,
    )
)


@admin.register(Registration, site=operator_site)
class RegistrationAdmin(OperatorAdmin):
    """First logins through eHerkenning; the servicedesk reads the codes it hands out here."""

    list_display = (
        "login_name",
        "naam",
        "organisation",
        "email",
        "status",
        "code_via",
        "verificatiecode",
        "failed_attempts",
        "created_at",
    )
    list_filter = ("code_via", "user__status", "appointed_administrator")
    search_fields = (
        "user__username",
        "user__achternaam",
        "user__email",
        "user__organisation__naam",
    )
    list_select_related = ("user", "user__organisation", "broker")
    fields = (
        "login_name",
        "naam",
        "organisation",
        "email",
        "status",
        "broker",
        "appointed_administrator",
        "code_via",
        "verificatiecode",
        "failed_attempts",
        "created_at",
    )
    readonly_fields = fields
    actions = ["renew_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("gebruikersnaam"), ordering="user__username")
    def login_name(self, obj):
        return obj.user.username

    @admin.display(description=_("naam"))
    def naam(self, obj):
        return obj.user.naam

    @admin.display(description=_("organisatie"), ordering="user__organisation__naam")
    def organisation(self, obj):
        return obj.user.organisation

    @admin.display(description=_("e-mail"))
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("status"), ordering="user__status")
    def status(self, obj):
        return obj.user.get_status_display()

    @admin.display(description=_("verificatiecode"))
    def verificatiecode(self, obj):
        user = obj.user
        if user.status != Status.PENDING:
            return "—"
        if obj.code_via != CodeRecipient.OPERATOR:
            return _("via de gebruikersbeheerder")
        if not user.verification_code:
            return _("geblokkeerd: maak een nieuwe code aan")
        return format_html('<strong class="verificatiecode">{}</strong>', user.verification_code)

    @admin.action(description=_("Nieuwe verificatiecode aanmaken"))
    def renew_code(self, request, queryset):
        for registration in queryset.select_related("user"):
            try:
                services.renew_verification_code(request.user, registration.user, request=request)
            except (ValidationError, Http404):
                self.message_user(
                    request,
                    _("%(login)s wacht niet op verificatie; geen nieuwe code aangemaakt.")
                    % {"login": registration.user.username},
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    _("Nieuwe verificatiecode aangemaakt voor %(login)s.")
                    % {"login": registration.user.username},
                )
