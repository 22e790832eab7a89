from django.urls import path

from knooppunt.usermanagement import urls as _usermanagement_urls  # noqa: F401  (userid)

from . import screens

app_name = "koppelingen"
urlpatterns = [
    path("", screens.token_list, name="token_list"),
    path("nieuw/", screens.token_issue, name="token_issue"),
    path("<userid:token>/intrekken/", screens.token_revoke, name="token_revoke"),
]
