from django.urls import path

from . import views

app_name = "registertoets"

urlpatterns = [
    path("", views.raadplegen, name="raadplegen"),
    path("bestand/", views.bulk, name="bulk"),
    path("bestand/<int:pk>/", views.bulk_detail, name="bulk_detail"),
    path("bestand/<int:pk>/download/", views.bulk_download, name="bulk_download"),
    path("overzicht/", views.overzicht, name="overzicht"),
]
