from django.urls import path, register_converter

from . import views


class IdConverter:
    """A database id: at most 18 digits, so an absurd number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class ProductCodeConverter:
    regex = "[a-z][a-z-]{1,29}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "productsid")
register_converter(ProductCodeConverter, "productcode")

app_name = "products"
_tab = "<productsid:organisation>/<productcode:product>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(_tab, views.settings_tab, name="tab"),
    path(_tab + "meldingen/", views.address_add, name="address_add"),
    path(
        _tab + "meldingen/<productsid:address>/verwijderen/",
        views.address_remove,
        name="address_remove",
    ),
    path(
        _tab + "meldingen/<productsid:address>/testmail/", views.address_test, name="address_test"
    ),
    path(_tab + "koppelingen/nieuw/", views.credential_create, name="credential_create"),
    path(
        _tab + "koppelingen/<productsid:credential>/intrekken/",
        views.credential_revoke,
        name="credential_revoke",
    ),
    path(
        _tab + "koppelingen/<productsid:credential>/vernieuwen/",
        views.credential_rotate,
        name="credential_rotate",
    ),
    path(
        _tab + "koppelingen/<productsid:credential>/limiet/",
        views.credential_rate_limit,
        name="credential_rate_limit",
    ),
]
