"""The console's "Standaarden" page: the schema sets loaded per product and release, the message
types each has, and which are not supported (the iWmo retour schemas in the 3.2 set)."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from knooppunt.access import rules
from knooppunt.operators.admin import OperatorAdmin, operator_site

from .models import StandardsPage
from .standards import registry, schemas


@admin.register(StandardsPage, site=operator_site)
class StandardsAdmin(OperatorAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        rules.require(request.user, "exchange.standards")
        sets = []
        for schema_set in schemas.schema_sets():
            loaded = {f.message_type.kind.number: f for f in schema_set.files}
            rows = []
            for message_type in registry.message_types(schema_set.product, schema_set.release):
                entry = loaded.get(message_type.kind.number)
                answered = message_type.answered_by()
                rows.append(
                    {
                        "type": message_type,
                        "meaning": message_type.kind.meaning,
                        "direction": message_type.direction,
                        "answered_by": answered.name if answered else "",
                        "due": message_type.kind.due_werkdagen,
                        "file": entry.path.name if entry else "",
                    }
                )
            sets.append({"set": schema_set, "rows": rows, "missing": schema_set.missing()})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Standaarden"),
            "sets": sets,
            "directories": schemas.directories(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/exchange/standards.html", context)
