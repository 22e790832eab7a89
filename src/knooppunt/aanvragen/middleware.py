"""A body larger than all of an application's attachments together is refused before anything
reads it (the CSRF check reads the whole form; Django has no limit for file uploads)."""

from django.conf import settings
from django.shortcuts import render


class UploadLimitMiddleware:
    prefix = "/aanvragen/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path.startswith(self.prefix):
            per_file = settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB * 1024 * 1024
            limit = settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN * per_file + 1024 * 1024
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                response = render(
                    request,
                    "aanvragen/te_groot.html",
                    {
                        "mb": settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB,
                        "max": settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN,
                    },
                    status=413,
                )
                response["Connection"] = "close"
                return response
        return self.get_response(request)
