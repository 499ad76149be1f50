"""Shared fixtures: two organizations with an admin and a reviewer each, two trainers, a provider."""

import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from django_scopes import scopes_disabled

from accounts.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, ProviderFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright with live_server


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason, tests that need a service this run does not have."""
    from django.conf import settings as s

    no_pg = pytest.mark.skip(reason="needs PostgreSQL (not reachable: running on SQLite)")
    no_redis = pytest.mark.skip(reason="needs Redis (not reachable)")
    for item in items:
        if "postgres" in item.keywords and not s.USING_POSTGRES:
            item.add_marker(no_pg)
        if "redis" in item.keywords and not s.REDIS_URL:
            item.add_marker(no_redis)


@pytest.fixture(autouse=True)
def _test_code_unscoped():
    """Test code itself may query anything; each request re-enters an empty scope (middleware)."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def activate_totp(user):
    """Give a user a TOTP authenticator, as organization admins must have."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    return TOTP.activate(user, generate_totp_secret())


@pytest.fixture
def org_a(db):
    return OrganizationFactory(slug="ace", name="American Council on Exercise", short_name="ACE")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(slug="acsm", name="American College of Sports Medicine", short_name="ACSM")


@pytest.fixture
def admin_a(org_a):
    m = MembershipFactory(organization=org_a, role=Membership.ADMIN, user__email="admin@ace.test")
    activate_totp(m.user)
    return m.user


@pytest.fixture
def reviewer_a(org_a):
    return MembershipFactory(organization=org_a, role=Membership.REVIEWER, user__email="reviewer@ace.test").user


@pytest.fixture
def admin_b(org_b):
    m = MembershipFactory(organization=org_b, role=Membership.ADMIN, user__email="admin@acsm.test")
    activate_totp(m.user)
    return m.user


@pytest.fixture
def reviewer_b(org_b):
    return MembershipFactory(organization=org_b, role=Membership.REVIEWER, user__email="reviewer@acsm.test").user


@pytest.fixture
def trainer(db):
    return UserFactory(email="trainer@example.com", name="Tess Trainer")


@pytest.fixture
def other_trainer(db):
    return UserFactory(email="other@example.com", name="Otto Other")


@pytest.fixture
def provider_a(org_a):
    return ProviderFactory(organization=org_a, name="Move Well Academy")


@pytest.fixture
def provider_b(org_b):
    return ProviderFactory(organization=org_b, name="Strong Science Online")


@pytest.fixture
def no_mfa_requirement(settings):
    settings.CECT_REQUIRE_MFA_FOR_ADMINS = False
    return settings


class WorkerProcess:
    """A real Celery worker in a subprocess, consuming from this run's Redis, on the test database."""

    def __init__(self, env):
        self.env = env
        self.proc = None

    def start(self):
        self.log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cectracker",
                "worker",
                "--pool=solo",
                "-l",
                "info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b"ready." in open(self.log.name, "rb").read():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("worker did not start:\n" + open(self.log.name).read())

    def kill(self):
        """SIGKILL, as an out-of-memory killer or a lost host would."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self):
        return open(self.log.name).read()


@pytest.fixture
def celery_worker_env(transactional_db, settings, tmp_path):
    """Environment for worker subprocesses: same Redis broker (emptied first), same test database."""
    import redis
    from django.db import connection

    if not settings.REDIS_URL or not settings.USING_POSTGRES:
        pytest.skip("a real worker needs Redis and PostgreSQL")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cectracker.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "EMAIL_BACKEND": "tests.notifications.backends.FileBackend",  # a file per email, whatever the timing
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "false",
    }
    return env


@pytest.fixture
def celery_worker_process(celery_worker_env):
    workers = []

    def start():
        workers.append(WorkerProcess(celery_worker_env).start())
        return workers[-1]

    yield start
    for w in workers:
        w.stop()
