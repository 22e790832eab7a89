"""The rate-limit counters in Redis (KNOOPPUNT_REDIS_URL), against the Redis server these
machines run on 127.0.0.1:6379: the same sliding window as the database store."""

import uuid

import pytest
from django.test import Client, override_settings

from knooppunt.api import ratelimit
from knooppunt.testing.api import auth, make_credential
from knooppunt.testing.factories import OrganisationFactory

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_store():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return ratelimit.RedisStore(REDIS_URL)


def test_redis_counts_like_the_database(redis_store):
    key = f"proef-{uuid.uuid4().hex}"
    for _n in range(10):
        redis_store.hit(key, 60, 120.0)
    hit = redis_store.hit(key, 60, 195.0)
    assert (hit.hits, hit.previous_hits, hit.window_start) == (1, 10, 180)
    assert hit.estimate(195.0) == pytest.approx(8.5)


@pytest.mark.django_db
def test_with_redis_configured_the_api_counts_there(redis_store, monkeypatch):
    import redis

    monkeypatch.setattr(ratelimit, "store", lambda: redis_store)
    credential, key = make_credential(OrganisationFactory(), "iwmo")
    # Credential ids repeat between test databases; an earlier run's counter must not count.
    server = redis.Redis.from_url(REDIS_URL)
    for stale in server.scan_iter(f"knooppunt:api:credential:{credential.pk}:*"):
        server.delete(stale)
    with override_settings(KNOOPPUNT_API_RATE_LIMIT=2):
        client = Client()
        assert client.get("/api/v1/ping", **auth(key)).status_code == 200
        assert client.get("/api/v1/ping", **auth(key)).status_code == 200
        assert client.get("/api/v1/ping", **auth(key)).status_code == 429
    from knooppunt.api.models import RateCounter

    assert not RateCounter.objects.filter(key__startswith="credential:").exists()


def test_the_store_follows_the_setting(settings):
    ratelimit.store.cache_clear()
    try:
        settings.KNOOPPUNT_REDIS_URL = REDIS_URL
        assert isinstance(ratelimit.store(), ratelimit.RedisStore)
        ratelimit.store.cache_clear()
        settings.KNOOPPUNT_REDIS_URL = ""
        assert isinstance(ratelimit.store(), ratelimit.DatabaseStore)
    finally:
        ratelimit.store.cache_clear()
