"""The integrators' guide (docs/webservice.md) as a page of the portal, linked from the
"Productinstellingen" tab. The same file is the one in the repository; its curl examples are
run against a live server by the test suite (api/tests/test_guide.py)."""

from functools import cache
from pathlib import Path

import markdown
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe


@cache
def _render(source: Path, mtime: float) -> tuple[str, str]:
    md = markdown.Markdown(extensions=["fenced_code", "tables", "toc"], output_format="html")
    html = md.convert(source.read_text(encoding="utf-8"))
    return html, md.toc


def guide(request):
    source = Path(settings.KNOOPPUNT_API_GUIDE)
    if not source.is_file():
        raise Http404
    html, _toc = _render(source, source.stat().st_mtime)
    return render(
        request,
        "api/guide.html",
        {"content": mark_safe(html), "api_base": settings.KNOOPPUNT_BASE_URL + "/api/v1/"},  # noqa: S308
    )


app_name = "webservice_docs"
urlpatterns = [path("handleiding/", guide, name="guide")]
