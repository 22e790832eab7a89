"""The templates themselves: no comment that would show (a `{# #}` comment cannot span lines),
and the committed NL Design System stylesheet is what `make css` builds from the packages."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

SRC = Path(settings.SRC_DIR)


def templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.html") if "/templates/" in p.as_posix())


def test_no_template_comment_spans_lines():
    bad = []
    for path in templates():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            # Every {# must close on its own line; longer comments use {% comment %}.
            for match in re.finditer(r"\{#", line):
                if "#}" not in line[match.end() :]:
                    bad.append(f"{path.relative_to(SRC)}:{n}")
    assert bad == []


@pytest.mark.django_db
def test_no_template_syntax_reaches_the_login_page():
    html = Client().get(reverse("accounts:login")).content.decode()
    text = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    for token in ("{#", "#}", "{%", "%}", "{{", "}}"):
        assert token not in text, token


def test_the_committed_stylesheet_is_what_make_css_builds():
    node = shutil.which("node")
    root = Path(settings.BASE_DIR)
    if node is None or not (root / "node_modules" / "@utrecht").exists():
        pytest.fail("node and the npm packages are needed: run `make browser-deps`")
    result = subprocess.run(  # noqa: S603
        [node, "frontend/build-css.mjs", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
