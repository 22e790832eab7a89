"""The operator console, built on the Django admin. Who may enter is decided by the
authorisation module (`operator.console`), not by Django's staff flags or permissions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.access.models import Product, RoleGrant
from knooppunt.accounts import lockout
from knooppunt.accounts.models import User
from knooppunt.accounts.services import unlock_user
from knooppunt.audit.models import AuditEvent
from knooppunt.core.forms import show_errors
from knooppunt.core.registry import inlines_for
from knooppunt.organisations.models import Agreement, AgreementKind, EmailDomain, Organisation

from .services import (
    add_organisation,
    appoint_admin,
    register_agreement,
    remove_domain,
    save_domain,
    save_organisation,
    set_products,
)


class OperatorSite(admin.AdminSite):
    site_header = _("Knooppunt — beheerconsole")
    site_title = _("Beheerconsole")
    index_title = _("Beheer van organisaties en gebruikers")
    enable_nav_sidebar = False

    def has_permission(self, request):
        return rules.can(request.user, "operator.console")

    def login(self, request, extra_context=None):
        # Logged in but not operator staff: the console does not exist for you.
        if request.user.is_authenticated:
            raise Http404
        query = urlencode({"next": request.GET.get("next", "/operator/")})
        return redirect(f"{reverse('accounts:login')}?{query}")


operator_site = OperatorSite(name="operator")


class OperatorAdmin(admin.ModelAdmin):
    def _allowed(self, request):
        return rules.can(request.user, "operator.console")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted from the console; users have their own delete flow

    # The console never writes itself: its saves call services, which write the audit trail;
    # Django's own admin log is not kept.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None


class EmailDomainInline(admin.StackedInline):
    model = EmailDomain
    extra = 1

    def has_add_permission(self, request, obj=None):
        return rules.can(request.user, "operator.console")

    has_change_permission = has_view_permission = has_add_permission

    def has_delete_permission(self, request, obj=None):
        return rules.can(request.user, "operator.console")


class AgreementInline(admin.StackedInline):
    model = Agreement
    extra = 1
    fields = ("kind", "signed_on", "registered_by", "registered_at")
    readonly_fields = ("registered_by", "registered_at")

    def has_add_permission(self, request, obj=None):
        return rules.can(request.user, "operator.console")

    has_change_permission = has_view_permission = has_add_permission

    def has_delete_permission(self, request, obj=None):
        return False


class AppointAdminForm(forms.Form):
    voorletters = forms.CharField(label=_("voorletters"), max_length=20)
    voornaam = forms.CharField(label=_("voornaam"), max_length=100)
    tussenvoegsel = forms.CharField(label=_("tussenvoegsel"), max_length=30, required=False)
    achternaam = forms.CharField(label=_("achternaam"), max_length=150)
    email = forms.CharField(label=_("email"), max_length=254)
    telefoonnummer = forms.CharField(label=_("telefoonnummer"), max_length=20, required=False)


@admin.register(Organisation, site=operator_site)
class OrganisationAdmin(OperatorAdmin):
    list_display = ("id", "naam", "type", "agb_code", "kvk_nummer", "woonplaats", "agreements_ok")
    list_filter = ("type", "profile")
    search_fields = ("naam", "weergavenaam", "agb_code", "kvk_nummer", "gemeentecode")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Four products: plain checkboxes (labelled, no JavaScript) rather than a filter widget.
        if db_field.name == "products":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    inlines = [EmailDomainInline, AgreementInline]
    fieldsets = (
        (None, {"fields": ("naam", "weergavenaam", "type", "profile", "products")}),
        (_("Identificatie"), {"fields": ("agb_code", "gemeentecode", "kvk_nummer", "oin")}),
        (
            _("Adres en contact"),
            {
                "fields": (
                    "straat",
                    "huisnummer",
                    "huisnummertoevoeging",
                    "postcode",
                    "woonplaats",
                    "telefoonnummer",
                    "faxnummer",
                    "email",
                )
            },
        ),
        (_("Inlogmethoden"), {"fields": ("login_password", "login_eherkenning")}),
    )

    @admin.display(description=_("overeenkomsten compleet"), boolean=True)
    def agreements_ok(self, obj):
        return rules.agreements_complete(obj)

    def get_inlines(self, request, obj):
        # The apps' own inlines (core.registry), e.g. eHerkenning's branch numbers.
        return [*self.inlines, *(c.inline for c in inlines_for("organisations", "organisation"))]

    def save_model(self, request, obj, form, change):
        if change:
            save_organisation(request.user, obj, list(form.changed_data), request=request)
        else:
            add_organisation(request.user, obj, request=request)

    def save_related(self, request, form, formsets, change):
        # The products through their service, then each inline's objects through theirs.
        set_products(request.user, form.instance, form.cleaned_data["products"], request=request)
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        for registered in inlines_for("organisations", "organisation"):
            if formset.model is registered.inline.model:
                registered.save(request, formset)
                return
        instances = formset.save(commit=False)  # sets deleted_objects
        actor = request.user
        if formset.model is EmailDomain:
            for domain in formset.deleted_objects:
                remove_domain(actor, domain, request=request)
            for domain in instances:
                save_domain(actor, domain, request=request)
        elif formset.model is Agreement:
            for agreement in instances:
                register_agreement(
                    actor,
                    agreement.organisation,
                    agreement.kind,
                    agreement.signed_on,
                    request=request,
                )

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/gebruikersbeheerder/",
                self.admin_site.admin_view(self.appoint_admin_view),
                name="organisations_organisation_appoint_admin",
            )
        ]
        return custom + super().get_urls()

    def appoint_admin_view(self, request, object_id):
        organisation = get_object_or_404(Organisation, pk=object_id)
        form = AppointAdminForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = appoint_admin(request.user, organisation, form.cleaned_data, request=request)
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Gebruikersbeheerder %(login)s benoemd; de uitnodiging is verstuurd.")
                    % {"login": user.username},
                )
                return redirect("operator:organisations_organisation_change", organisation.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Gebruikersbeheerder benoemen voor %(org)s") % {"org": organisation},
            "form": form,
            "organisation": organisation,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "operators/appoint_admin.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["appoint_url"] = reverse(
            "operator:organisations_organisation_appoint_admin", args=[object_id]
        )
        return super().change_view(request, object_id, form_url, extra_context)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ("product", "role", "active")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return rules.can(request.user, "operator.console")


@admin.register(User, site=operator_site)
class UserAdmin(OperatorAdmin):
    list_display = ("username", "naam", "organisation", "status", "is_administrator", "last_login")
    list_filter = ("status", "is_administrator", "organisation__type")
    search_fields = ("username", "voornaam", "achternaam", "email")
    list_select_related = ("organisation",)
    readonly_fields = (
        "username",
        "organisation",
        "status",
        "last_login",
        "created_at",
        "password_changed_at",
        "deleted_at",
        "deletion_reason",
        "locked",
    )
    actions = ["unlock"]
    fields = (
        readonly_fields[:3]
        + ("is_administrator", "voorletters", "voornaam", "tussenvoegsel", "achternaam")
        + ("email", "telefoonnummer", "edit_link")
        + readonly_fields[3:]
    )
    inlines = [RoleGrantInline]

    def has_add_permission(self, request):
        return False  # users are created by their administrator, or appointed per organisation

    def has_change_permission(self, request, obj=None):
        # View only: changes go through the user-management screens, whose services keep the
        # e-mail rules, optimistic locking and the last-administrator guard.
        return False

    @admin.display(description=_("wijzigen"))
    def edit_link(self, obj):
        url = reverse("usermanagement:user_edit", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Wijzigen in het gebruikersbeheer"))

    @admin.display(description=_("geblokkeerd na mislukte inlogpogingen"), boolean=True)
    def locked(self, obj):
        return obj.username.lower() in lockout.locked_usernames([obj.username])

    @admin.action(description=_("Ontgrendelen (mislukte inlogpogingen vergeten)"))
    def unlock(self, request, queryset):
        for user in queryset:
            unlock_user(request.user, user, request=request)
        self.message_user(
            request,
            _("%(n)d gebruiker(s) ontgrendeld.") % {"n": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(AgreementKind, site=operator_site)
class AgreementKindAdmin(OperatorAdmin):
    """Reference data (access.catalogue, loaded by migrations): read only in the console."""

    list_display = ("naam", "organisation_type", "volgorde")
    list_filter = ("organisation_type",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Product, site=operator_site)
class ProductAdmin(OperatorAdmin):
    list_display = ("naam", "code", "has_productbeheerder")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent, site=operator_site)
class AuditEventAdmin(OperatorAdmin):
    list_display = (
        "id",
        "timestamp",
        "actor_username",
        "organisation_id",
        "action",
        "object_repr",
        "ip_address",
        "outcome",
    )
    list_filter = ("outcome", "action")
    search_fields = ("actor_username", "action", "object_repr", "object_id")
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in AuditEvent._meta.fields]
