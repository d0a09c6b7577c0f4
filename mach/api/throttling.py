"""Request rates per token and per source address, counted in Redis, failing open.

Counting lives in the `throttle` cache (Redis, short socket timeouts), as DRF's sliding window:
a request is let through when fewer than the rate's number were let through in the last
`duration` seconds. DRF keeps that window as a pickled list, read and written back whole on
every request (two round trips, and a race between them); here it is a Redis sorted set of the
requests' times, trimmed, counted and added to by one Lua script: one round trip, atomic.
A request with an API token is counted against its source address and its user by one script
(`rate_refusal`, in `ApiRequestMiddleware`); DRF's own throttle then counts only the requests
the middleware could not put a user to (a session's). When Redis cannot be
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.http import HttpRequest, HttpResponse, JsonResponse
from redis import ConnectionPool, Redis
from redis.commands.core import Script
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from ..models import Role, User
from .authentication import token_authentication

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


# KEYS: the windows, in order; ARGV: now, this request's member, then each window's duration
# (whole seconds) and rate. The request is recorded in each window in turn while the window has
# room; the first that has none stops it, and the answer is {its number, the oldest time it let
# through} (DRF's wait() counts from that); {0} when every window let it through.
_SLIDING_WINDOWS = """
for i, key in ipairs(KEYS) do
  local duration, rate = ARGV[2 * i + 1], tonumber(ARGV[2 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1] - duration)
  if redis.call('ZCARD', key) >= rate then
    return {i, redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]}
  end
  redis.call('ZADD', key, ARGV[1], ARGV[2])
  redis.call('EXPIRE', key, duration)
end
return {0}
"""


@dataclass(frozen=True)
class Window:
    """Requests under `key`: at most `rate` in any `duration` seconds."""

    key: str
    duration: int
    rate: int


class ThrottleCache(RedisCache):
    """The `throttle` cache: Django's Redis cache, with one Redis client per server, and the
    sliding window of requests."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerServer
        self._scripts: dict[Redis, Script] = {}

    def admit(self, windows: Sequence[Window], now: float) -> tuple[int, float] | None:
        """Records a request at `now` in each of `windows` in turn, while it has room; returns
        None when all had, otherwise the position of the first that had not and the time of
        the oldest request in it (that window and those after it record nothing)."""
        client = self._cache.get_client(write=True)
        script = self._scripts.get(client)
        if script is None:
            script = self._scripts[client] = client.register_script(_SLIDING_WINDOWS)
        member = f"{now!r}:{secrets.token_hex(4)}"
        args: list[Any] = [now, member]
        for window in windows:
            args += [window.duration, window.rate]
        keys = [self.make_and_validate_key(window.key) for window in windows]
        answer = script(keys=keys, args=args)
        return None if not answer[0] else (int(answer[0]) - 1, float(answer[1]))


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
    # The window last asked for, when, and its oldest request if it was full.
    seconds: int
    now: float
    oldest: float | None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Any, view: Any) -> bool:
        return admit(request, [self]) is None

    def window(self, request: Any, now: float) -> Window | None:
        """This throttle's window for `request` (its rate read now), or None when it has no
        rate or does not count the request."""
        self.rate = self.get_rate()
        rate, duration = self.parse_rate(self.rate)
        key = None if rate is None or duration is None else self.get_cache_key(request, None)
        if key is None:
            return None
        self.now, self.seconds, self.oldest = now, cast(int, duration), None
        return Window(key, self.seconds, cast(int, rate))

    def wait(self) -> float:
        """Seconds until the oldest request in the window leaves it (DRF's wait() when the
        rate is just reached, which is when this is asked)."""
        return self.seconds - (self.now - (self.oldest or self.now))


def admit(request: Any, throttles: Sequence[_FailOpenThrottle]) -> _FailOpenThrottle | None:
    """Counts `request` against each throttle's window in turn, in one round trip to Redis;
    the first throttle whose window was full (the ones after it did not count the request), or
    None. Fails open: with Redis unreachable every request is let through."""
    global _redis_down_until
    if not throttles or time.monotonic() < _redis_down_until:
        return None
    now = throttles[0].timer()
    counting = [(t, w) for t in throttles if (w := t.window(request, now)) is not None]
    if not counting:
        return None
    try:
        refused = throttles[0].cache.admit([window for _, window in counting], now)
    except RedisError:
        logger.exception("Throttle counts unavailable: letting API requests through")
        _redis_down_until = time.monotonic() + settings.THROTTLE_RETRY_AFTER_FAILURE
        return None
    if refused is None:
        return None
    position, oldest = refused
    throttle = counting[position][0]
    throttle.oldest = oldest
    return throttle


class AddressRateThrottle(_FailOpenThrottle):
    """Every API request, signed in or not, counted per source address. DRF checks its
    throttles after authentication and permissions, so a flood of anonymous or refused
    requests would never count: this one runs in `ApiRequestMiddleware` instead."""

    scope = "address"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# Set on a request whose user `rate_refusal` counted (to that user's id).
_COUNTED_USER = "_mach_throttle_counted_user"


def rate_refusal(request: HttpRequest) -> HttpResponse | None:
    """The 429 for a request over its source address's rate or, when it carries a valid API
    token, over its user's, as DRF would answer it; None otherwise. Both are counted by one
    script. A token's user counts every request it makes, refused or not (DRF would count
    only those its permissions let through), so a system asking for what it may not see is
    slowed like any other."""
    throttles: list[_FailOpenThrottle] = [AddressRateThrottle()]
    try:
        authenticated = token_authentication(request)
    except exceptions.AuthenticationFailed:
        authenticated = None  # DRF answers 401 with the same error
    if authenticated is not None:
        user = authenticated[0]
        throttles.append(TokenRateThrottle().counting(user))
        setattr(request, _COUNTED_USER, user.pk)
    throttle = admit(request, throttles)
    if throttle is None:
        return None
    wait = throttle.wait()
    refusal = exceptions.Throttled(wait)
    headers = {"Retry-After": str(math.ceil(wait))}
    return JsonResponse({"detail": refusal.detail}, status=refusal.status_code, headers=headers)


class TokenRateThrottle(_FailOpenThrottle):
    """A signed-in user's requests (token or session), counted per user; partner agencies'
    systems have their own rate. A request with a token was counted in `rate_refusal`."""

    scope = "user"
    user: User

    def allow_request(self, request: Any, view: Any) -> bool:
        user: Any = request.user
        if not (user and user.is_authenticated):
            return True
        if getattr(request._request, _COUNTED_USER, None) == user.pk:
            return True
        self.counting(user)
        return super().allow_request(request, view)

    def counting(self, user: User) -> TokenRateThrottle:
        """This throttle, counting `user`'s requests at the rate for their role."""
        self.user = user
        self.scope = "partner_agency" if user.role == Role.PARTNER_AGENCY else "user"
        return self

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.user.pk}
