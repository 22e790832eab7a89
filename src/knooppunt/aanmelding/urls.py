from django.urls import path

from . import views

app_name = "aanmelding"
urlpatterns = [
    path("", views.apply, name="apply"),
    path("ontvangen/", views.done, name="done"),
]
