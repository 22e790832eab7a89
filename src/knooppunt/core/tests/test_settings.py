import os
import subprocess
import sys

import pytest
from django.urls import reverse


def test_check_deploy_reports_nothing_with_debug_off(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "knooppunt.conf.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "knooppunt.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        # Secrets at rest under a key of its own (check core.W002).
        "KNOOPPUNT_FIELD_KEYS": "Kq3bX6yqkqLZ1jg6Jb3eC1Y5TQ9dPTp0X0hCw4k7wUQ=",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env = {
        **env,
    }
    for name in ("KNOOPPUNT_SECURE", "KNOOPPUNT_SSL_REDIRECT", "KNOOPPUNT_HSTS_SECONDS"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "knooppunt.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_with_debug_off(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "knooppunt.conf.settings", "DEBUG": "0"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "knooppunt.manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_english_is_selectable(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/inloggen/"})
    assert response.status_code == 302
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en" ' in body
    assert "Username" in body
    assert "Request password" in body


@pytest.mark.django_db
def test_dutch_is_the_default(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="nl" ' in body
    assert "Gebruikersnaam" in body and "Wachtwoord aanvragen" in body


@pytest.mark.django_db
def test_unknown_url_is_a_dutch_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


@pytest.mark.django_db
def test_browser_language_does_not_override_dutch(client):
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert b'<html lang="nl" ' in body


def test_static_files_are_served(client):
    response = client.get("/static/css/knooppunt.css")
    assert response.status_code == 200


@pytest.mark.django_db
def test_content_security_policy_uses_nonces(client):
    header = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in header
    assert "'nonce'" not in header  # a literal 'nonce' would be a broken policy
    assert "frame-ancestors 'none'" in header
