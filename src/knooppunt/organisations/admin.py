"""Change requests in the operator console: the operator's queue of requested changes."""

from django import forms
from django.contrib import admin

from knooppunt.operators.admin import OperatorAdmin, operator_site

from . import services
from .models import ChangeRequest


class ChangeRequestForm(forms.ModelForm):
    class Meta:
        model = ChangeRequest
        fields = ("answer",)


@admin.register(ChangeRequest, site=operator_site)
class ChangeRequestAdmin(OperatorAdmin):
    form = ChangeRequestForm
    list_display = ("id", "organisation", "created_at", "requested_by_username", "status")
    list_filter = ("status",)
    search_fields = ("organisation__naam", "requested_by_username", "text")
    list_select_related = ("organisation",)
    fields = (
        "organisation",
        "requested_by_username",
        "created_at",
        "text",
        "status",
        "answer",
        "handled_by",
        "handled_at",
    )
    readonly_fields = (
        "organisation",
        "requested_by_username",
        "created_at",
        "text",
        "status",
        "handled_by",
        "handled_at",
    )

    def has_add_permission(self, request):
        return False  # requests come from the administrators' "Organisatie" page

    def save_model(self, request, obj, form, change):
        # Saving is handling: the request is marked handled with the operator's answer.
        services.handle_change_request(request.user, obj, obj.answer, request=request)
