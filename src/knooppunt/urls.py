from django.urls import include, path
from django.views.i18n import set_language

from knooppunt.operators.admin import operator_site

urlpatterns = [
    path("", include("knooppunt.core.urls")),
    path("", include("knooppunt.accounts.urls")),
    path("eherkenning/", include("knooppunt.eherkenning.urls")),
    path("gebruikers/logboek/", include("knooppunt.audit.urls")),
    path("gebruikers/koppelingen/", include("knooppunt.scim.pages")),
    path("gebruikers/", include("knooppunt.usermanagement.urls")),
    path("scim/v2/", include("knooppunt.scim.urls")),
    path("organisatie/", include("knooppunt.organisations.urls")),
    path("aanvragen/", include("knooppunt.aanvragen.urls")),
    path("wlz-registertoets/", include("knooppunt.registertoets.urls")),
    path("productinstellingen/", include("knooppunt.products.urls")),
    path("api/v1/", include("knooppunt.api.urls")),
    path("webservice/", include("knooppunt.api.guide")),
    path("aanmelden/", include("knooppunt.aanmelding.urls")),
    path("berichten/", include("knooppunt.exchange.urls")),
    path("taal/", set_language, name="set_language"),
    path("operator/", operator_site.urls),
]

handler404 = "knooppunt.core.errors.not_found"
handler500 = "knooppunt.core.errors.server_error"
