"""URLs for the user-search benchmark: the portal plus a plain Django admin changelist of the
user model, the baseline the "Gebruikers" list is compared to. Used only by bench processes."""

from django.contrib import admin
from django.urls import path

from knooppunt.accounts.models import User
from knooppunt.urls import urlpatterns as portal_urlpatterns


class BaselineSite(admin.AdminSite):
    enable_nav_sidebar = False


class BaselineUserAdmin(admin.ModelAdmin):
    # The user model answers no to every Django permission (the portal asks its own
    # authorisation module), so the baseline opens its changelist to the bench's staff user.
    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_staff

    # The same columns the "Gebruikers" list searches; the organisation comes in as the query
    # parameter organisation__id__exact, and there is no filter sidebar.
    search_fields = ("username", "voorletters", "voornaam", "tussenvoegsel", "achternaam", "email")
    list_display = ("username", "naam", "last_login", "status", "deletion_reason", "organisation")
    list_select_related = ("organisation",)
    ordering = ("achternaam", "voorletters", "id")
    list_per_page = 50
    # Without the second count over the whole table: the stronger (faster) baseline.
    show_full_result_count = False


baseline_site = BaselineSite(name="bench_admin")
baseline_site.register(User, BaselineUserAdmin)

urlpatterns = [path("bench-admin/", baseline_site.urls), *portal_urlpatterns]
