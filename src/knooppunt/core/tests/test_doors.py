"""The one door (issue 11): every service asks the authorisation module and writes a registered
audit event; every POST of every screen and every console page reaches a service; no request
writes outside one."""

import ast
import importlib
import inspect
import pkgutil
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver

from knooppunt.access import rules
from knooppunt.audit import registry
from knooppunt.audit.services import record
from knooppunt.core import doors
from knooppunt.operators.admin import operator_site
from knooppunt.testing.factories import (
    AdministratorFactory,
    OperatorUserFactory,
    OrganisationFactory,
    UserFactory,
)

# --- every service --------------------------------------------------------------------------


def test_every_service_declares_registered_rules_and_audit_actions():
    found = doors.services()
    assert len(found) >= 40, [s.name for s in found]
    for service in found:
        assert service.rules, service.name
        for rule in service.rules:
            assert rule in rules.registered_actions(), (service.name, rule)
        assert service.audit, service.name
        for action in service.audit:
            assert registry.is_registered(action), (service.name, action)


WRITES = re.compile(
    r"\.(save|delete|create|update|bulk_create|get_or_create|update_or_create|set)\(|"
    r"\brecord\(|sql\.update\(|cursor\.execute\("
)


def _service_modules():
    """Every `services` module or package module of the project's apps."""
    for config in apps.get_app_configs():
        # The audit trail's own module is what services call to record; it is no door.
        if not config.name.startswith("knooppunt.") or config.name == "knooppunt.audit":
            continue
        for name in ("services",):
            try:
                module = importlib.import_module(f"{config.name}.{name}")
            except ModuleNotFoundError:
                continue
            yield module
            if hasattr(module, "__path__"):
                for info in pkgutil.iter_modules(module.__path__):
                    yield importlib.import_module(f"{module.__name__}.{info.name}")


def test_every_public_function_of_a_services_module_that_writes_is_a_door():
    """A public function whose body writes is a @service (it asks a rule and records) or an
    @inside_service helper (it refuses to run outside one). Read-only questions may be plain."""
    undeclared = []
    for module in _service_modules():
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or func.__module__ != module.__name__:
                continue
            if getattr(func, "service", None) or getattr(func, "inside_service", False):
                continue
            source = inspect.getsource(inspect.unwrap(func))
            body = ast.get_docstring(ast.parse(source).body[0]) or ""
            if WRITES.search(source.replace(body, "")):
                undeclared.append(f"{module.__name__}.{name}")
    allowed = {
        # Write helpers of the password links: called by the mail job that renders the link
        # (a worker, no request) and by services; the request guard covers the rest.
        "knooppunt.accounts.passwords.create_link",
        "knooppunt.accounts.passwords.set_password",
        # A receiver of user_logged_in (Django's login(), inside the login services).
        "knooppunt.accounts.services.record_login_time",
        # Housekeeping loops that call one service per object.
        "knooppunt.accounts.services.expire_inactive_users",
        "knooppunt.usermanagement.services.reactivate_due",
        "knooppunt.usermanagement.services.purge_deleted",
        # The broker test in the console: fetches (outside a transaction), then a service.
        "knooppunt.eherkenning.services.brokers.refresh_broker",
        # The eHerkenning callback: the broker's token first, then the `admit` service.
        "knooppunt.eherkenning.services.login.complete_login",
        "knooppunt.eherkenning.services.login.start_login",
        # A health check's SELECT 1.
        "knooppunt.api.services.database_reachable",
    }
    assert sorted(set(undeclared) - allowed) == []


# --- the contract is enforced -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_service_that_asks_no_rule_fails(settings):
    @doors.service(rule="user.view", audit=("test.event0",))
    def careless(actor):
        record("test.event0", actor=actor)

    with pytest.raises(doors.DoorError, match="asked the authorisation module nothing"):
        careless(OperatorUserFactory())


@pytest.mark.django_db
def test_a_service_that_records_nothing_fails_unless_it_says_so():
    operator = OperatorUserFactory()

    @doors.service(rule="user.view", audit=("test.event1",))
    def silent(actor):
        rules.require(actor, "user.view", actor)

    @doors.service(rule="user.view", audit=("test.event2",))
    def honest(actor):
        rules.require(actor, "user.view", actor)
        doors.nothing_changed()

    with pytest.raises(doors.DoorError, match="wrote no audit event"):
        silent(operator)
    honest(operator)


@pytest.mark.django_db
def test_a_service_runs_in_one_transaction():
    from knooppunt.audit.models import AuditEvent

    operator = OperatorUserFactory()

    @doors.service(rule="user.view", audit=("test.event3",))
    def half(actor):
        rules.require(actor, "user.view", actor)
        record("test.event3", actor=actor)
        raise RuntimeError("halfway")

    with pytest.raises(RuntimeError):
        half(operator)
    assert not AuditEvent.objects.filter(action="test.event3").exists()


@pytest.mark.django_db
def test_a_write_helper_refuses_to_run_outside_a_service():
    from knooppunt.access.services import apply_grants

    with pytest.raises(doors.DoorError, match="outside a service"):
        apply_grants(None, UserFactory(), set(), None)


@pytest.mark.django_db
def test_the_guard_refuses_a_write_outside_a_service():
    from knooppunt.accounts.models import User

    user = UserFactory()

    def careless_view(request):
        User.objects.filter(pk=user.pk).update(memo="geschreven zonder dienst")

    middleware = doors.GuardWritesMiddleware(careless_view)
    with pytest.raises(doors.DoorError, match="outside a service"), transaction.atomic():
        middleware(RequestFactory().post("/"))
    user.refresh_from_db()
    assert user.memo == ""


# --- every URL pattern, every console model admin ---------------------------------------------


def _fill(pattern: str, value: str) -> str:
    """A path for a route or regex pattern, every parameter set to `value`."""
    path = re.sub(r"<(?:\w+:)?\w+>", value, pattern)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", value, path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


def _all_paths():
    paths = set()
    resolver = get_resolver()

    def walk(res, prefix):
        for entry in res.url_patterns:
            part = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, prefix + part)
            else:
                paths.add(prefix + part)

    walk(resolver, "")
    return sorted(paths)


@pytest.fixture
def actors(db):
    organisation = OrganisationFactory()
    return {
        "anonymous": None,
        "user": UserFactory(organisation=organisation),
        "administrator": AdministratorFactory(organisation=organisation),
        "operator": OperatorUserFactory(),
    }


@pytest.mark.django_db
def test_every_post_to_every_url_pattern_writes_only_through_services(actors):
    """POST (empty, and with the ids of real objects) to every URL pattern as every kind of
    actor: with the write guard on, a write outside a service raises instead of answering."""
    subject = actors["user"]
    paths = _all_paths()
    assert len(paths) > 40
    assert any(p.startswith("operator/") for p in paths)  # the console is walked too
    for kind, actor in actors.items():
        client = Client()
        if actor is not None:
            client.force_login(actor)
        for pattern in paths:
            for value in (str(subject.pk), "1"):
                path = _fill(pattern, value)
                response = client.post(path, {"reason": "proef", "text": "proef"})
                assert response.status_code < 500, (kind, path, response.status_code)


class _Form(HTMLParser):
    """The fields of the console's change form (id "<model>_form") and their current values."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.inside = False
        self.done = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and (attrs.get("id") or "").endswith("_form"):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
            elif kind not in ("submit", "button", "file", "image"):
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.setdefault(self.select, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def _resubmit(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    form = _Form()
    form.feed(page.content.decode())
    data = {k: v if len(v) > 1 else v[0] for k, v in form.data.items()}
    data["_save"] = "Opslaan"
    return client.post(url, data)


@pytest.mark.django_db
def test_every_console_page_that_saves_reaches_a_service(actors):
    """Every model admin of the console whose objects can be changed: its change page,
    submitted as it is, saves through a service (and never writes itself)."""
    from knooppunt.access.principals import COMMAND_LINE
    from knooppunt.eherkenning.models import Broker
    from knooppunt.eherkenning.services import create_broker
    from knooppunt.organisations.models import ChangeRequest, Organisation
    from knooppunt.organisations.services import request_change
    from knooppunt.testing.factories import grant

    operator = actors["operator"]
    create_broker(
        COMMAND_LINE, naam="M", issuer="https://m.example", client_id="a", client_secret="b"
    )
    request_change(actors["administrator"], actors["administrator"].organisation, "Nieuw adres")
    client = Client()
    client.force_login(operator)
    organisation = actors["user"].organisation
    grant(actors["user"], "iwmo", "gebruiker")
    objects = {model: model.objects.first() for model in operator_site._registry}
    changeable = []
    for model, model_admin in operator_site._registry.items():
        request = RequestFactory().get("/")
        request.user = operator
        obj = objects[model]
        if obj is None or not model_admin.has_change_permission(request, obj):
            continue
        changeable.append(model)
        url = f"/operator/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
        with doors.watch() as calls:
            response = _resubmit(client, url)
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
        assert response.status_code == 302, (model, errors)
        assert calls, f"{model.__name__}: saved without a service"
    assert organisation
    assert {Organisation, Broker, ChangeRequest} <= set(changeable), changeable
