"""/scim/v2/: the SCIM 2.0 service (RFC 7644). Paths are case-sensitive as in the RFC, with or
without a trailing slash; anything else under the prefix is a SCIM 404."""

from django.urls import path, re_path

from . import views

app_name = "scim"

_ID = r"(?P<{}>[^/]{{1,255}})"
urlpatterns = [
    path("", views.not_found, name="root"),
    re_path(r"^ServiceProviderConfig/?$", views.service_provider_config, name="config"),
    re_path(r"^ResourceTypes/?$", views.resource_types, name="resource_types"),
    re_path(rf"^ResourceTypes/{_ID.format('name')}/?$", views.resource_type, name="resource_type"),
    re_path(r"^Schemas/?$", views.schemas, name="schemas"),
    re_path(rf"^Schemas/{_ID.format('urn')}/?$", views.schema, name="schema"),
    re_path(r"^Users/?$", views.users, name="users"),
    re_path(r"^Users/\.search/?$", views.users_search, name="users_search"),
    re_path(rf"^Users/{_ID.format('user_id')}/?$", views.user, name="user"),
    re_path(r"^Groups/?$", views.groups_view, name="groups"),
    re_path(r"^Groups/\.search/?$", views.groups_search, name="groups_search"),
    re_path(rf"^Groups/{_ID.format('group_id')}/?$", views.group, name="group"),
    re_path(r"^\.search/?$", views.root_search, name="search"),
    re_path(r"^(?:Me|Bulk)(?:/.*)?$", views.not_implemented, name="not_implemented"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
