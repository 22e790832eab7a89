from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("inloggen/verificatie/", views.verify, name="verify"),
    path("inloggen/verificatie/opnieuw/", views.verify_resend, name="verify_resend"),
    path("inloggen/verificatie/annuleren/", views.verify_cancel, name="verify_cancel"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("sessie/verlengen/", views.keepalive, name="keepalive"),
    path("wachtwoord/aanvragen/", views.password_request, name="password_request"),
    path("wachtwoord/instellen/<str:token>/", views.set_password, name="set_password"),
    path("wachtwoord/verloopt/", views.password_warning, name="password_warning"),
    path("wachtwoord/wijzigen/", views.password_change, name="password_change"),
    path("mijn-gegevens/", views.profile, name="profile"),
    path("mijn-gegevens/app/", views.authenticator_setup, name="authenticator_setup"),
    path("mijn-gegevens/app/verwijderen/", views.authenticator_remove, name="authenticator_remove"),
    path("mijn-gegevens/herstelcodes/", views.recovery_codes, name="recovery_codes"),
]
