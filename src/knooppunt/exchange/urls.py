from django.urls import path, register_converter

from . import views


class IdConverter:
    """A database id: at most 18 digits, so an absurd number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "berichtid")

app_name = "exchange"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("verzonden/", views.outbox, name="outbox"),
    path("aanbieden/", views.upload, name="upload"),
    path("downloaden/", views.download_many, name="download_many"),
    path("afgekeurd/", views.refusals, name="refusals"),
    path("afgekeurd/<berichtid:refusal>/", views.refusal, name="refusal"),
    path("afgekeurd/<berichtid:refusal>/rapport/", views.refusal_report, name="refusal_report"),
    path("<berichtid:pk>/", views.detail, name="detail"),
    path("<berichtid:pk>/downloaden/", views.download, name="download"),
]
