from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.welcome, name="welcome"),
    path("privacyverklaring/", views.privacy, name="privacy"),
    path("toegankelijkheidsverklaring/", views.accessibility, name="accessibility"),
]
