from django.urls import path

from . import views

app_name = "usermanagement"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("export/", views.user_export, name="user_export"),
    path("nieuw/", views.user_create, name="user_create"),
    path("importeren/", views.user_import, name="user_import"),
    path("logboek/", views.audit_log, name="audit_log"),
    path("logboek/export/", views.audit_export, name="audit_export"),
    path("<int:pk>/", views.user_edit, name="user_edit"),
    path("<int:pk>/opgeslagen/", views.user_saved, name="user_saved"),
    path("<int:pk>/deactiveren/", views.user_deactivate, name="user_deactivate"),
    path("<int:pk>/activeren/", views.user_reactivate, name="user_reactivate"),
    path("<int:pk>/rollen-herstellen/", views.user_restore_roles, name="user_restore_roles"),
    path("<int:pk>/verwijderen/", views.user_delete, name="user_delete"),
    path("<int:pk>/verwijderd/", views.user_deleted, name="user_deleted"),
]
