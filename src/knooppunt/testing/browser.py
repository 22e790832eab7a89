"""Browser fixtures: one Debian chromium per test session, driven by playwright, plus axe-core.

Never `playwright install`: its download does not work here; the system chromium is used.
"""

import os
from functools import cache
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KNOOPPUNT_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, live_db):
    # The Content-Security-Policy stays on: tests see what a browser would block.
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; return the WCAG 2.1 A/AA and 2.2 AA violations."""
    # Evaluated through the DevTools protocol, so the page's CSP does not block axe itself;
    # once per document.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert violations == [], f"axe-core found problems on {page.url}: {violations}"

    return check


# In the page: what a person would be hindered by, apart from what axe-core finds.
_PAGE_CHECKS = """() => {
  const problems = [];
  const text = document.body.innerText;
  for (const token of ["{#", "#}", "{%", "%}", "{{", "}}"]) {
    if (text.includes(token)) problems.push("template syntax on the page: " + token);
  }
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    for (const id of el.getAttribute("aria-describedby").split(/\\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) {
        problems.push("aria-describedby points to a missing element: " + id);
      }
    }
  }
  for (const el of document.querySelectorAll("[aria-labelledby]")) {
    for (const id of el.getAttribute("aria-labelledby").split(/\\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) {
        problems.push("aria-labelledby points to a missing element: " + id);
      }
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push("scrolls sideways: " + root.scrollWidth + " px wide in " + root.clientWidth);
  }
  const header = document.querySelector(".site-header");
  if (header && window.innerWidth <= 400 && header.offsetHeight > window.innerHeight / 5) {
    problems.push("the header is " + header.offsetHeight + " px of " + window.innerHeight);
  }
  return problems;
}"""


def page_problems(page) -> list:
    """Everything wrong with the current page: axe-core's violations, template syntax that
    shows, aria-describedby/-labelledby that point nowhere, sideways scrolling and a header
    taller than a fifth of a phone's screen."""
    # A page reached by a form's submit may still be loading: its body does not exist yet.
    page.wait_for_load_state("load")
    return [*page.evaluate(_PAGE_CHECKS), *axe_violations(page)]


def check_at_both_widths(page) -> dict[str, list]:
    """`page_problems` at 1280 and at 390 pixels wide; the page is left at 1280."""
    found = {}
    for name, size in (("390", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        problems = page_problems(page)
        if problems:
            found[name] = problems
    return found


def log_in_context(context, user, base_url: str) -> None:
    """Give a browser context a logged-in session for `user` (tests not about logging in)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


@pytest.fixture
def login_as(page, live_server):
    return lambda user: log_in_context(page.context, user, live_server.url)


@pytest.fixture
def second_page(browser, live_server, live_db):
    """A page in a browser context of its own: a second person at another computer."""
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
