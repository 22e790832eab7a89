from django.urls import path, register_converter

from . import views


class IdConverter:
    """A database id: at most 18 digits, so an absurd number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "userid")

app_name = "usermanagement"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("export/", views.user_export, name="user_export"),
    path("nieuw/", views.user_create, name="user_create"),
    path("importeren/", views.user_import, name="user_import"),
    path("<userid:pk>/", views.user_edit, name="user_edit"),
    path("<userid:pk>/opgeslagen/", views.user_saved, name="user_saved"),
    path("<userid:pk>/deactiveren/", views.user_deactivate, name="user_deactivate"),
    path("<userid:pk>/activeren/", views.user_reactivate, name="user_reactivate"),
    path("<userid:pk>/rollen-herstellen/", views.user_restore_roles, name="user_restore_roles"),
    path(
        "<userid:pk>/uitnodiging/",
        views.user_resend_invitation,
        name="user_resend_invitation",
    ),
    path("<userid:pk>/verwijderen/", views.user_delete, name="user_delete"),
    path("<userid:pk>/verwijderd/", views.user_deleted, name="user_deleted"),
]
