"""Per-credential rate limits (DRF throttle): KNOOPPUNT_API_RATE_LIMIT calls per
KNOOPPUNT_API_RATE_WINDOW_SECONDS, or the credential's own limit set by the operator. Over the
limit a call gets 429 with Retry-After. The counters are shared by all app processes (the
database, or Redis when configured: api.ratelimit). In the database a call within its limit is
counted after the handler, in the transaction of its audit event; a call over it at once."""

from __future__ import annotations

import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from knooppunt.access.principals import ActorKind

from . import ratelimit


class CredentialRateThrottle(BaseThrottle):
    """An endpoint may count in a scope of its own (`throttle_scope = "upload"`) with its own
    limit in KNOOPPUNT_API_RATE_LIMITS; every other call counts in the credential's default."""

    def allow_request(self, request, view) -> bool:
        principal = request.user
        if getattr(principal, "kind", None) != ActorKind.API_CLIENT:
            return True  # public endpoints (health, schema) are not counted here
        credential = principal.subject
        scope = getattr(view, "throttle_scope", None) or "default"
        window = settings.KNOOPPUNT_API_RATE_WINDOW_SECONDS
        limit = settings.KNOOPPUNT_API_RATE_LIMITS.get(scope) if scope != "default" else None
        if limit is None:
            limit = credential.rate_limit or settings.KNOOPPUNT_API_RATE_LIMIT
        now, key = time.time(), ratelimit.credential_key(credential.pk, scope)
        django_request = request._request
        if (
            scope == "default"
            and "api_counter" in django_request.__dict__  # read with the key
            and isinstance(ratelimit.store(), ratelimit.DatabaseStore)
            and ratelimit.peek(django_request.api_counter, window, now).estimate(now) <= limit
        ):
            # Within the limit by the counter the authentication read: the call is counted
            # with its audit event, one write (ApiView.dispatch). Calls that arrive at the
            # same moment may each see the count before the others were added: the limit
            # can be passed by as many calls as run at once, never more.
            django_request.api_count = (key, window, now)
            return True
        hit = ratelimit.hit(key, window, now)
        if hit.estimate(now) <= limit:
            return True
        self._wait = hit.retry_after(now, limit)
        # The first refused call of a window is audited; the rest only get their 429.
        if ratelimit.hit(f"throttled:{credential.pk}:{scope}", window, now).hits == 1:
            from . import services

            services.record_throttled(principal, request, limit=limit, window=window)
        return False

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)
