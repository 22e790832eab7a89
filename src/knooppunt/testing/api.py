"""Helpers for tests of the webservice, and the access contract that covers every endpoint.

`ApiAccessContract` proves, for EVERY named URL pattern in the `api` namespace (found by walking
the URL resolver, so an endpoint a product app registers is covered the moment it exists), and
every HTTP method its view has:

- without a key: 401 problem details with WWW-Authenticate (public endpoints excepted);
- with a wrong key (a real prefix, a wrong secret): 401;
- with a key of ANOTHER ORGANISATION for the same product: 403 or 404 on every URL that carries
  an id of this organisation's objects, and no trace of this organisation's data in the answer
  of a URL without ids;
- with a key of this organisation for ANOTHER PRODUCT: 403 on an endpoint of other products,
  403 or 404 on every URL with an id of this product's objects, and no trace of them otherwise;
- every error is `application/problem+json`, never HTML, never a 500.

Use it by subclassing in a product app's tests and giving the world its objects:

    class TestBerichtenEndpoints(ApiAccessContract):
        product = "iwmo"

        @pytest.fixture
        def api_world(self, db):
            api_world = ApiAccessContract.api_world.__wrapped__(self, db)
            bericht = BerichtFactory(organisation=api_world.organisation, product__code="iwmo")
            api_world.ids["pk"] = bericht.pk
            api_world.markers.append(bericht.identificatie)
            return api_world

A URL parameter the world has no id for fails the contract with a message that says so; an
endpoint of ANOTHER product (which that product's own contract covers with its ids) gets a
placeholder id instead, so every product's contract still walks every endpoint.
So does an endpoint of another app that serves this product too (the api's own contract, an
iWmo key, meets berichtenverkeer's iWmo endpoints): that app's contract covers it with its ids.

(The base fixture is called through `__wrapped__`: a fixture method of the same name in a
subclass replaces the base's, so asking for `api_world` in it would ask for itself.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from knooppunt.access.models import Product
from knooppunt.access.principals import COMMAND_LINE
from knooppunt.testing.factories import OrganisationFactory

PROBLEM = "application/problem+json"
PLACEHOLDER_ID = 987654321  # for the ids of another product's endpoints: no such object
METHODS = ("get", "post", "put", "patch", "delete")


def make_credential(organisation, product_code: str = "iwmo", **kwargs):
    """A credential made through the service, as the tab makes it: (credential, key)."""
    from knooppunt.products import services
    from knooppunt.products.scope import ProductScope

    scope = ProductScope(organisation, Product.objects.get(code=product_code))
    kwargs.setdefault("name", f"Koppeling {product_code}")
    return services.create_credential(COMMAND_LINE, scope, **kwargs)


def auth(key: str) -> dict:
    """Test-client keyword arguments for the key's header."""
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def problem(response) -> dict:
    """The problem details of an error response; fails on anything else."""
    assert response["Content-Type"].startswith(PROBLEM), (
        response.status_code,
        response["Content-Type"],
        response.content[:300],
    )
    body = json.loads(response.content)
    assert {"type", "title", "status", "detail", "errors"} <= set(body), body
    assert body["status"] == response.status_code
    assert body["type"].startswith("urn:knooppunt:probleem:"), body
    return body


@dataclass
class Endpoint:
    name: str
    params: list[str]
    methods: list[str]
    view: type
    public: bool
    products: tuple[str, ...] | None

    @property
    def viewname(self) -> str:
        return f"api:{self.name}"

    @property
    def app(self) -> str:
        """The app whose module defines the view: `knooppunt.exchange`."""
        return ".".join(getattr(self.view, "__module__", "").split(".")[:2])

    def url(self, ids: dict, *, placeholder: bool = False) -> str:
        missing = [p for p in self.params if p not in ids]
        if missing and placeholder:
            ids = {**dict.fromkeys(missing, PLACEHOLDER_ID), **ids}
        elif missing:
            raise AssertionError(
                f"The access contract has no id for {missing} of {self.viewname}: add this "
                "organisation's object to the api_world fixture (ids[...])."
            )
        return reverse(self.viewname, kwargs={p: ids[p] for p in self.params})


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet through a router
        return [m for m in METHODS if m in actions]
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return [m for m in METHODS if view is not None and hasattr(view, m)]


def endpoints() -> list[Endpoint]:
    """Every named URL pattern of the `api` namespace, with its parameters and methods."""
    found: list[Endpoint] = []

    def walk(patterns, inside: bool, prefix_params: list[str]):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                params = prefix_params + list(entry.pattern.converters)
                walk(entry.url_patterns, inside or entry.namespace == "api", params)
            elif isinstance(entry, URLPattern) and inside and entry.name:
                params = prefix_params + list(entry.pattern.converters)
                if not params:
                    params = re.findall(r"\(\?P<(\w+)>", str(entry.pattern))
                view = getattr(entry.callback, "cls", None)
                public = view is not None and not getattr(view, "authentication_classes", True)
                found.append(
                    Endpoint(
                        entry.name,
                        params,
                        _methods(entry.callback),
                        view,
                        public,
                        getattr(view, "products", None),
                    )
                )

    walk(get_resolver().url_patterns, False, [])
    if not found:
        raise AssertionError("No URL patterns found in the api namespace")
    return found


@dataclass
class ApiWorld:
    """This organisation (A) with a credential for the product under test, and the ids and
    marker texts of A's objects of that product."""

    organisation: object
    key: str
    credential: object
    ids: dict = field(default_factory=dict)
    # Texts that only this organisation's data contains (names, identifications).
    markers: list[str] = field(default_factory=list)
    # Texts that only A's objects of THIS product contain (not A's name: a key of another
    # product of A legitimately sees that).
    product_markers: list[str] = field(default_factory=list)


def _send(client: Client, method: str, url: str, headers: dict):
    if method in ("get", "delete"):
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, data="{}", content_type="application/json", **headers)


def _refused(response, allowed: tuple[int, ...], what: str) -> None:
    assert response.status_code in allowed, (what, response.status_code, response.content[:300])
    problem(response)


class ApiAccessContract:
    # The product whose endpoints the world's objects belong to.
    product: str = "iwmo"

    @pytest.fixture
    def api_world(self, db) -> ApiWorld:
        organisation = OrganisationFactory(
            naam="Gemeente Eigen Webservice",
            products=["iwmo", "ijw", "wlz-registertoets", "wlz-aanvragen"],
        )
        credential, key = make_credential(organisation, self.product)
        return ApiWorld(
            organisation=organisation,
            key=key,
            credential=credential,
            markers=[organisation.naam],
        )

    @pytest.fixture
    def foreign_keys(self, api_world) -> dict[str, str]:
        other = OrganisationFactory(
            naam="Gemeente Anders Webservice",
            products=["iwmo", "ijw", "wlz-registertoets", "wlz-aanvragen"],
        )
        other_product = next(
            code for code in ("ijw", "iwmo", "wlz-registertoets") if code != self.product
        )
        _c, other_org_key = make_credential(other, self.product)
        _c, other_product_key = make_credential(api_world.organisation, other_product)
        return {"organisation": other_org_key, "product": other_product_key, "code": other_product}

    def _url(self, endpoint: Endpoint, ids: dict) -> str:
        """This product's endpoints need the world's ids; another product's get placeholders."""
        foreign = endpoint.products is not None and self.product not in endpoint.products
        return endpoint.url(ids, placeholder=foreign or endpoint.app != self._own_app())

    def _own_app(self) -> str:
        """The app of the test module (`knooppunt.exchange.tests...`): its endpoints need ids."""
        return ".".join(type(self).__module__.split(".")[:2])

    def _guarded(self) -> list[Endpoint]:
        return [e for e in endpoints() if not e.public and e.methods]

    def test_endpoints_are_found(self, api_world):
        names = {e.name for e in endpoints()}
        assert {"ping", "health", "schema"} <= names, names

    def test_without_a_key_every_endpoint_answers_401(self, api_world):
        client = Client()
        for endpoint in self._guarded():
            url = self._url(endpoint, api_world.ids)
            for method in endpoint.methods:
                response = _send(client, method, url, {})
                _refused(response, (401,), (endpoint.viewname, method))
                assert response["WWW-Authenticate"].startswith("Bearer"), endpoint.viewname

    def test_a_wrong_secret_is_refused_everywhere(self, api_world):
        client = Client()
        wrong = api_world.key.split(".")[0] + "." + "x" * 40
        for endpoint in self._guarded():
            url = self._url(endpoint, api_world.ids)
            for method in endpoint.methods:
                response = _send(client, method, url, {"HTTP_AUTHORIZATION": f"Bearer {wrong}"})
                _refused(response, (401,), (endpoint.viewname, method))

    def test_another_organisation_reaches_nothing_of_this_one(self, api_world, foreign_keys):
        self._check_foreign(api_world, foreign_keys["organisation"], api_world.markers, True)

    def test_another_product_reaches_nothing_of_this_one(self, api_world, foreign_keys):
        code = foreign_keys["code"]
        client = Client()
        for endpoint in self._guarded():
            if endpoint.products is not None and code not in endpoint.products:
                url = self._url(endpoint, api_world.ids)
                for method in endpoint.methods:
                    response = _send(client, method, url, auth(foreign_keys["product"]))
                    _refused(response, (403,), (endpoint.viewname, method, "another product"))
        self._check_foreign(api_world, foreign_keys["product"], api_world.product_markers, False)

    def _check_foreign(self, world: ApiWorld, key: str, markers: list[str], org: bool) -> None:
        client = Client()
        what = "another organisation" if org else "another product"
        for endpoint in self._guarded():
            url = self._url(endpoint, world.ids)
            for method in endpoint.methods:
                response = _send(client, method, url, auth(key))
                assert response.status_code < 500, (endpoint.viewname, method, what)
                if response.status_code >= 400:
                    problem(response)
                if endpoint.params:
                    _refused(response, (403, 404), (endpoint.viewname, method, what))
                else:
                    text = response.content.decode(errors="replace")
                    for marker in markers:
                        assert marker not in text, (endpoint.viewname, method, what, marker)
