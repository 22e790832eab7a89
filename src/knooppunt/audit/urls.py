from django.urls import path

from . import views

# Mounted at gebruikers/logboek/, the paths the "Logboek" has always had.
app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("export/", views.export, name="export"),
]
