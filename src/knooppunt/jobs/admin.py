"""The console's view of the background jobs: every mail and how it went, the jobs that failed,
and the schedules. Read only: jobs are made by services and run by the workers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_q.models import Failure, Schedule

from knooppunt.operators.admin import OperatorAdmin, operator_site

from .models import OutgoingMail


class ReadOnlyAdmin(OperatorAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail, site=operator_site)
class OutgoingMailAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "to", "status", "attempts", "created_at", "sent_at", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("to", "kind")
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]


class FailureProxy(Failure):
    class Meta:
        proxy = True
        app_label = "jobs"
        verbose_name = _("mislukte taak")
        verbose_name_plural = _("mislukte taken")


class ScheduleProxy(Schedule):
    class Meta:
        proxy = True
        app_label = "jobs"
        verbose_name = _("geplande taak")
        verbose_name_plural = _("geplande taken")


@admin.register(FailureProxy, site=operator_site)
class FailureAdmin(ReadOnlyAdmin):
    list_display = ("name", "func", "started", "stopped", "attempt_count")
    search_fields = ("name", "func")
    readonly_fields = ("name", "func", "args", "kwargs", "started", "stopped", "result")
    exclude = ("id", "hook", "group", "cluster", "success")


@admin.register(ScheduleProxy, site=operator_site)
class ScheduleAdmin(ReadOnlyAdmin):
    list_display = ("name", "func", "schedule_type", "minutes", "next_run")
    readonly_fields = ("name", "func", "schedule_type", "minutes", "next_run", "repeats")
    fields = readonly_fields
