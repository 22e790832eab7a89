"""The portal's URLs plus a stand-in for the user-management page the dashboard links to."""

from django.http import HttpResponse
from django.urls import include, path

from knooppunt.urls import urlpatterns as portal_urlpatterns

usermanagement = (
    [path("gebruikers/<int:pk>/", lambda request, pk: HttpResponse(), name="user_edit")],
    "usermanagement",
)
urlpatterns = [*portal_urlpatterns, path("", include(usermanagement))]
