"""The audit tests use the back office's fixtures (shipped rule sets, a notification recorder)."""

from tests.backoffice.conftest import ace_cpt, acsm_cpt, notified, shipped  # noqa: F401
