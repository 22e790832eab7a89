from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("wachtwoord/aanvragen/", views.password_request, name="password_request"),
    path("wachtwoord/instellen/<str:token>/", views.set_password, name="set_password"),
]
