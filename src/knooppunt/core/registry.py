"""What product apps add to the portal's frame, without editing `core/`: menu entries, tiles on
the dashboard ("Welkom") and inlines on the console's organisation page.

An app registers in its `portal.py` (imported when the core app is ready):

    from knooppunt.core.registry import MenuItem, Tile, menu, dashboard

    menu.register(MenuItem("berichten", _("Berichten"), "exchange:inbox", rule="exchange.inbox",
                           order=30))
    dashboard.register(Tile("berichten", "exchange/tile.html", context=berichten_tile, order=30))

Each entry is shown only when its rule lets the user (rules.can), or its context function
returns something; the order decides the place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from knooppunt.access import rules

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        key = item.key  # type: ignore[attr-defined]
        if key in self._items and self._items[key] != item:
            raise ValueError(f"{self.kind} {key!r} is registered twice")
        self._items[key] = item
        return item

    def items(self) -> list[T]:
        return sorted(self._items.values(), key=lambda i: (i.order, i.key))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: Promise | str
    url_name: str
    rule: str
    order: int = 50
    # The URL namespaces (app names) whose pages mark this entry as the current one.
    namespaces: tuple[str, ...] = ()
    # The object the rule is asked about, from the user (e.g. the user's organisation).
    rule_object: Callable[[Any], Any] | None = field(default=None, compare=False)

    @property
    def url(self) -> str:
        return _reverse(self.url_name)


@cache
def _reverse(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Tile:
    """A dashboard tile: `context(request)` returns the template's context, or None to hide."""

    key: str
    template: str
    context: Callable[[Any], dict | None] = field(compare=False)
    order: int = 50


@dataclass(frozen=True)
class ConsoleInline:
    """An inline for a console model admin, e.g. ("organisations", "organisation"). The console
    never saves an inline's objects itself: `save(request, formset)` calls the app's services
    for the formset's new, changed and deleted objects."""

    key: str
    model: tuple[str, str]
    inline: type = field(compare=False)
    save: Callable[[Any, Any], None] = field(compare=False)
    order: int = 50


menu: Registry[MenuItem] = Registry("Menu item")
dashboard: Registry[Tile] = Registry("Dashboard tile")
console_inlines: Registry[ConsoleInline] = Registry("Console inline")


def menu_for(request) -> list[dict]:
    """The menu entries this request's user may follow, with whether each is the current page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = match.app_name if match else ""
    entries = []
    for item in menu.items():
        obj = item.rule_object(user) if item.rule_object else None
        if item.url and rules.can(user, item.rule, obj):
            entries.append(
                {"item": item, "url": item.url, "current": bool(current in item.namespaces)}
            )
    return entries


def tiles_for(request) -> list[dict]:
    shown = []
    for tile in dashboard.items():
        context = tile.context(request)
        if context is not None:
            shown.append({"tile": tile, "template": tile.template, "context": context})
    return shown


def inlines_for(app_label: str, model_name: str) -> list[ConsoleInline]:
    return [c for c in console_inlines.items() if c.model == (app_label, model_name)]
