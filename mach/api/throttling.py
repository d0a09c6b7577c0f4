"""Request rates per token and per source address, counted in Redis, failing open.

Counting lives in the `throttle` cache (Redis, short socket timeouts), as DRF's sliding window:
a request is let through when fewer than the rate's number were let through in the last
`duration` seconds. DRF keeps that window as a pickled list, read and written back whole on
every request (two round trips, and a race between them); here it is a Redis sorted set of the
requests' times, trimmed, counted and added to by one Lua script: one round trip, atomic.
When Redis cannot be
reached the API keeps accepting contacts unthrottled, because a child's contact lost to a
rate limiter is worse than a burst let through: the error is logged and Redis is not asked
again for `THROTTLE_RETRY_AFTER_FAILURE` seconds, so an outage costs one short timeout, not one
per request.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.http import HttpRequest, HttpResponse, JsonResponse
from redis import ConnectionPool, Redis
from redis.commands.core import Script
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from ..models import Role

if TYPE_CHECKING:
    # DRF imports the throttles while defining APIView.
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)
CACHE_ALIAS = "throttle"
_redis_down_until = 0.0


class _OneClientPerServer(RedisCacheClient):
    """Django's Redis cache client builds a new `redis.Redis`, with its table of response
    callbacks, for every command: four per API request here. One client per connection pool
    does the same work; a client is safe to share, as the pool hands out the connections."""

    # Django's own, which its type stubs leave out.
    _client: type[Redis]
    _get_connection_pool: Callable[[bool], ConnectionPool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[ConnectionPool, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


# KEYS[1]: the window; ARGV: now, duration (whole seconds), rate, this request's member.
# Returns {1} when the request is let through (and recorded), else {0, the oldest time let
# through}: DRF's wait() counts from that.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return {1}
end
return {0, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
"""


class ThrottleCache(RedisCache):
    """The `throttle` cache: Django's Redis cache, with one Redis client per server, and the
    sliding window of requests."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerServer
        self._scripts: dict[Redis, Script] = {}

    def admit(self, key: str, now: float, duration: int, rate: int) -> float | None:
        """Records a request at `now` and returns None when fewer than `rate` were recorded
        under `key` in the `duration` seconds before; otherwise records nothing and returns
        the time of the oldest of them."""
        client = self._cache.get_client(write=True)
        script = self._scripts.get(client)
        if script is None:
            script = self._scripts[client] = client.register_script(_SLIDING_WINDOW)
        member = f"{now!r}:{secrets.token_hex(4)}"
        answer = script(keys=[self.make_and_validate_key(key)], args=[now, duration, rate, member])
        return None if answer[0] else float(answer[1])


class _FailOpenThrottle(SimpleRateThrottle):
    """Rates come from `settings.API_THROTTLE_RATES` (read per request, so a deployment's
    environment and the tests' settings apply), counts from the `throttle` cache."""

    def __init__(self) -> None:
        # DRF reads the rate here from its own class-level copy of the settings; the rate is
        # chosen per request in `allow_request` instead.
        pass

    @property
    def cache(self) -> ThrottleCache:  # type: ignore[override]
        return cast(ThrottleCache, caches[CACHE_ALIAS])

    def get_rate(self) -> str | None:
        rate: str | None = settings.API_THROTTLE_RATES.get(str(self.scope))
        return rate

    # Not DRF's keys: those hold its pickled lists, which a rolling upgrade may still find.
    cache_format = "window_%(scope)s_%(ident)s"

    def allow_request(self, request: Any, view: Any) -> bool:
        global _redis_down_until
        self.rate = self.get_rate()
        rate, window = self.parse_rate(self.rate)
        if rate is None or window is None or time.monotonic() < _redis_down_until:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        self.window = window
        try:
            self.oldest = self.cache.admit(key, self.now, window, rate)
        except RedisError:
            logger.exception("Throttle counts unavailable: letting API requests through")
            _redis_down_until = time.monotonic() + settings.THROTTLE_RETRY_AFTER_FAILURE
            return True
        return self.oldest is None

    def wait(self) -> float:
        """Seconds until the oldest request in the window leaves it (DRF's wait() when the
        rate is just reached, which is when this is asked)."""
        return self.window - (self.now - (self.oldest or self.now))


class AddressRateThrottle(_FailOpenThrottle):
    """Every API request, signed in or not, counted per source address. DRF checks its
    throttles after authentication and permissions, so a flood of anonymous or refused
    requests would never count: this one runs in `ApiRequestMiddleware` instead."""

    scope = "address"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def address_refusal(request: HttpRequest) -> HttpResponse | None:
    """The 429 for a source address over its rate, as DRF would answer it; None otherwise."""
    throttle = AddressRateThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    refusal = exceptions.Throttled(wait)
    headers = {"Retry-After": str(math.ceil(wait))} if wait is not None else None
    return JsonResponse({"detail": refusal.detail}, status=refusal.status_code, headers=headers)


class TokenRateThrottle(_FailOpenThrottle):
    """A signed-in user's requests (token or session), counted per user; partner agencies'
    systems have their own rate."""

    scope = "user"

    def allow_request(self, request: Any, view: Any) -> bool:
        user: Any = request.user
        if not (user and user.is_authenticated):
            return True
        self.scope = "partner_agency" if user.role == Role.PARTNER_AGENCY else "user"
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
