"""The public form "Aanmelden gebruikersbeheerder" (BIDN 2), linked from the login page."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import documents, services
from .forms import ApplicationForm

# Two PDFs and the form's own fields; a larger request is refused before it is read.
FORM_OVERHEAD = 64 * 1024


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > 2 * documents.max_bytes() + FORM_OVERHEAD


@csrf_exempt  # only until the size is known: _apply below checks the CSRF token
@never_cache
def apply(request):
    """A request larger than two PDFs of the limit is refused before its body is read (the CSRF
    check would otherwise read all of it first)."""
    if request.method == "POST" and _too_large(request):
        return render(
            request,
            "aanmelding/too_large.html",
            {"mb": settings.KNOOPPUNT_APPLICATION_MAX_MB},
            status=413,
        )
    return _apply(request)


@csrf_protect
def _apply(request):
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = services.submit(form.cleaned_data, form.cleaned_data["documents"], request=request)
        if result.aanmelding is None:
            return render(request, "aanmelding/limited.html", status=429)
        return redirect("aanmelding:done")
    return render(
        request,
        "aanmelding/apply.html",
        {"form": form, "max_mb": settings.KNOOPPUNT_APPLICATION_MAX_MB},
    )


def done(request):
    return render(request, "aanmelding/done.html")
