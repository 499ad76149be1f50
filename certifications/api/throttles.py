from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class EvaluateThrottle(SimpleRateThrottle):
    """Per client address, signed in or not (RULES §8); the rate is REST_FRAMEWORK's "evaluate" rate."""

    scope = "evaluate"

    def get_rate(self):
        # Read at each request, not at import, so that a settings change (and a test override) applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
