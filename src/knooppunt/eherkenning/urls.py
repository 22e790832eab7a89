from django.urls import path

from . import views

app_name = "eherkenning"
urlpatterns = [
    path("", views.choose_broker, name="choose_broker"),
    path("callback/", views.callback, name="callback"),
    path("persoonlijke-instellingen/", views.register, name="register"),
    path("verificatiecode/", views.verify, name="verify"),
]
