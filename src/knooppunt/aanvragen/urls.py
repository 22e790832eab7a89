from django.urls import path

from . import views

app_name = "aanvragen"
urlpatterns = [
    path("", views.aanvraag_list, name="list"),
    path("nieuw/", views.aanvraag_new, name="new"),
    path("<int:pk>/", views.aanvraag_detail, name="detail"),
    path("<int:pk>/bewerken/", views.aanvraag_edit, name="edit"),
    path("<int:pk>/indienen/", views.aanvraag_submit, name="submit"),
    path("<int:pk>/verwijderen/", views.aanvraag_delete, name="delete"),
    path("<int:pk>/intrekken/", views.aanvraag_withdraw, name="withdraw"),
    path("<int:pk>/aanvullen/", views.aanvraag_supplement, name="supplement"),
    path("<int:pk>/bijlagen/<int:bijlage>/", views.bijlage_download, name="download"),
    path(
        "<int:pk>/bijlagen/<int:bijlage>/verwijderen/",
        views.bijlage_remove,
        name="remove_attachment",
    ),
]
