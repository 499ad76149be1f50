from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class EvaluateThrottle(SimpleRateThrottle):
    """Per client address, signed in or not (RULES §8); the rate is REST_FRAMEWORK's "evaluate" rate.

    A fixed-window counter in the cache rather than DRF's list of timestamps: one Redis round trip per
    request on the public hot path (at most twice the rate can pass across a window boundary)."""

    scope = "evaluate"

    def get_rate(self):
        # Read at each request, not at import, so that a settings change (and a test override) applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.wait_seconds = max(1, int((window + 1) * self.duration - now))
        count = _count(f"{self.get_cache_key(request, view)}:{window}", timeout=self.duration + 1)
        return count <= self.num_requests

    def wait(self):
        return self.wait_seconds


def _count(key: str, *, timeout: int) -> int:
    """Add one to a counter that expires; returns the new count."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # INCR and EXPIRE in one round trip (Django's cache.incr takes two and cannot set an expiry).
        full_key = backend.make_and_validate_key(key)
        client = getattr(backend, "_evaluate_throttle_client", None)
        if client is None:  # Django builds a new client object per call: costly on the hot path, so keep one
            client = backend._cache.get_client(full_key, write=True)
            backend._evaluate_throttle_client = client
        pipe = client.pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, timeout, nx=True)
        return int(pipe.execute()[0])
    backend.add(key, 0, timeout)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.add(key, 1, timeout)
        return 1
