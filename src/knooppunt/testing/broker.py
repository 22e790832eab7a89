"""The eHerkenning test broker as pytest fixtures: a real OpenID Connect provider
(`testpeers/broker`, panva's oidc-provider) started with node for one test and stopped after it.

Each test gets its own provider process (about half a second to start), so no queued login or
key of one test leaks into another. Its clients redirect to the portal's callback at
`settings.KNOOPPUNT_BASE_URL` (for the Django test client) or at the live server (browser tests).
By default the broker delivers the eHerkenning claims in the ID token (and in userinfo);
`run_broker(..., claims_in="userinfo")` makes it a broker that delivers them only from its
userinfo endpoint, and `claim_names` gives them other names.
"""

import json
import os
import selectors
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

BROKER_DIR = Path(__file__).resolve().parents[3] / "testpeers" / "broker"
CALLBACK_PATH = "/eherkenning/callback/"
LOA = "urn:etoegang:core:assurance-class:loa{}".format
# Two clients: the portal's, and another relying party's whose tokens must never be accepted.
CLIENT_ID, CLIENT_SECRET = "knooppunt", "knooppunt-secret"
OTHER_CLIENT_ID, OTHER_CLIENT_SECRET = "ander", "ander-secret"
START_TIMEOUT = 45  # usually about 1 s; once over 15 s on a busy machine during the suite


class RunningBroker:
    def __init__(self, process: subprocess.Popen, issuer: str, redirect_uri: str):
        self.process = process
        self.issuer = issuer
        self.redirect_uri = redirect_uri

    def queue_login(
        self,
        *,
        kvk: str,
        pseudo_id: str,
        acr: str = LOA(3),
        sub: str | None = None,
        vestigingsnummer: str | None = None,
        userinfo_sub: str | None = None,
    ) -> None:
        """Who logs in at the next authorization request (first in, first out).

        userinfo_sub: the broker's userinfo answer names this subject instead (a faulty broker).
        """
        body = {"sub": sub or f"sub-{pseudo_id}", "acr": acr, "kvk": kvk, "pseudo_id": pseudo_id}
        if vestigingsnummer:
            body["vestigingsnummer"] = vestigingsnummer
        if userinfo_sub:
            body["userinfo_sub"] = userinfo_sub
        response = requests.post(f"{self.issuer}/test/next-login", json=body, timeout=5)
        assert response.status_code == 204, response.text

    def follow(self, authorization_url: str, session: requests.Session | None = None) -> str:
        """Follow the broker's redirects (a queued login) until it sends the browser back to
        the portal; return that callback URL (with code, state and iss)."""
        session = session or requests.Session()
        url = authorization_url
        for _hop in range(10):
            response = session.get(url, allow_redirects=False, timeout=10)
            location = response.headers.get("Location")
            assert response.is_redirect and location, (
                f"{url} answered {response.status_code}: {response.text[:500]}"
            )
            url = requests.compat.urljoin(url, location)
            if url.startswith(self.redirect_uri):
                return url
        raise AssertionError(f"the broker never redirected to {self.redirect_uri}")

    def jwks(self) -> dict:
        return requests.get(f"{self.issuer}/jwks", timeout=5).json()


@contextmanager
def run_broker(
    redirect_uri: str,
    clients: list[dict] | None = None,
    *,
    claims_in: str = "id_token",
    claim_names: dict[str, str] | None = None,
):
    """Start the test broker. claims_in: "id_token" (and userinfo) or "userinfo" (only there);
    claim_names: the names it gives `kvk`, `vestigingsnummer` and `pseudo_id`, where not those."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the eHerkenning test broker needs Node.js (see README)")
    if not (BROKER_DIR / "node_modules" / "oidc-provider").exists():
        pytest.fail("the test broker is not installed: run `make browser-deps`")
    clients = clients or [
        {"client_id": cid, "client_secret": secret, "redirect_uris": [redirect_uri]}
        for cid, secret in ((CLIENT_ID, CLIENT_SECRET), (OTHER_CLIENT_ID, OTHER_CLIENT_SECRET))
    ]
    env = {
        **os.environ,
        "BROKER_CLIENTS": json.dumps(clients),
        "BROKER_PORT": "0",
        "BROKER_CLAIMS_IN": claims_in,
        "BROKER_CLAIM_NAMES": json.dumps(claim_names or {}),
    }
    with tempfile.TemporaryFile(mode="w+") as stderr:
        process = subprocess.Popen(  # noqa: S603 (a fixed command: node and our broker script)
            [node, "broker.mjs"],
            cwd=BROKER_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            issuer = _read_issuer(process, stderr)
            yield RunningBroker(process, issuer, redirect_uri)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


def _read_issuer(process: subprocess.Popen, stderr) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=START_TIMEOUT):
            stderr.seek(0)
            pytest.fail(f"the test broker did not start: {stderr.read()[-2000:]}")
    line = process.stdout.readline()
    try:
        return json.loads(line)["issuer"]
    except (ValueError, KeyError):
        stderr.seek(0)
        pytest.fail(f"the test broker said {line!r}: {stderr.read()[-2000:]}")


@pytest.fixture
def eherkenning_broker(settings):
    """A broker whose clients redirect to settings.KNOOPPUNT_BASE_URL (Django test client)."""
    with run_broker(settings.KNOOPPUNT_BASE_URL + CALLBACK_PATH) as broker:
        yield broker


@pytest.fixture
def live_eherkenning_broker(live_server, settings):
    """A broker for browser tests: the portal's address is the live server's."""
    settings.KNOOPPUNT_BASE_URL = live_server.url
    with run_broker(live_server.url + CALLBACK_PATH) as broker:
        yield broker


@pytest.fixture
def userinfo_eherkenning_broker(settings):
    """A broker that follows OpenID Connect strictly: the ID token carries `sub` and `acr`, and
    `kvk`, `vestigingsnummer` and `pseudo_id` come only from its userinfo endpoint."""
    with run_broker(settings.KNOOPPUNT_BASE_URL + CALLBACK_PATH, claims_in="userinfo") as broker:
        yield broker


@pytest.fixture
def second_eherkenning_broker(settings):
    """Another broker instance, with keys of its own."""
    with run_broker(settings.KNOOPPUNT_BASE_URL + CALLBACK_PATH) as broker:
        yield broker


def path_of(url: str) -> str:
    """'http://host/eherkenning/callback/?code=..' -> '/eherkenning/callback/?code=..'."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
