"""API keys (Bearer, revocable, coexisting with DRF tokens), per-key throttling, Idempotency-Key."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.apikeys.models import api_key_hash
from accounts.models import ProviderApiKey
from accounts.services import provider_api_key_revoke
from credits.models import Activity, ApprovedCourse, IdempotencyKey
from credits.providers.services import idempotency_keys_purge, idempotency_keys_purge_task
from tests.provider.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/provider/courses"
COMPLETIONS = "/api/v1/provider/completions"


def test_a_key_is_stored_hashed_and_records_its_use(key_a):
    api_key, raw = key_a
    assert raw.startswith("cect_") and raw not in api_key.key_hash and api_key.key_hash == api_key_hash(raw)
    assert api_key.last_used_at is None
    assert client_for(raw).get(URL).status_code == 200
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nope", "Bearer cect_000000000000_wrong", "Basic dXNlcjpwYXNz", "Bearer a b"],
)
def test_a_missing_or_wrong_key_is_a_401(shipped, key_a, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    r = client.get(URL)
    assert r.status_code == 401
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_a_trainer_token_or_session_never_reaches_the_provider_api(shipped, trainer):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=trainer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(URL).status_code == 401
    client = APIClient()
    client.force_login(trainer)
    assert client.get(URL).status_code == 401


def test_the_bearer_class_leaves_token_headers_to_others(rf):
    from accounts.apikeys.auth import ProviderKeyAuthentication

    request = rf.get("/", HTTP_AUTHORIZATION="Token abc")
    assert ProviderKeyAuthentication().authenticate(request) is None


def test_a_revoked_key_is_refused_at_once(admin_a, key_a):
    api_key, raw = key_a
    provider_api_key_revoke(actor=admin_a, api_key=api_key)
    assert client_for(raw).get(URL).status_code == 401


def test_a_key_of_an_inactive_provider_is_refused(provider_a, key_a):
    provider_a.is_active = False
    provider_a.save()
    assert client_for(key_a[1]).get(URL).status_code == 401


@pytest.mark.redis
def test_too_many_requests_per_key_is_a_429_with_retry_after(settings, api_a, api_a2):
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    settings.CECT_PROVIDER_API_RATE = "3/min"
    assert [api_a.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    r = api_a.get(URL)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert api_a2.get(URL).status_code == 200  # another key has its own budget


def test_the_same_key_and_body_returns_the_first_answer_and_does_nothing(api_a):
    body = {"course_number": "CA12345", "title": "T", "amount": "0.5"}
    first = api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    ApprovedCourse.objects.filter(course_number="CA12345").update(title="changed since")
    again = api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ApprovedCourse.objects.count() == 1


def test_an_error_answer_is_replayed_too(api_a):
    body = {"course_number": "XX1", "title": "T", "amount": "0.5"}
    first = api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-err")
    assert first.status_code == 400
    again = api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-err")
    assert again.status_code == 400 and again.json() == first.json()


def test_the_same_key_with_another_body_is_a_422(api_a):
    api_a.post(
        URL, {"course_number": "CA12345", "title": "T", "amount": "0.5"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    r = api_a.post(
        URL, {"course_number": "CA12346", "title": "T", "amount": "0.5"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert r.status_code == 422
    assert not ApprovedCourse.objects.filter(course_number="CA12346").exists()


def test_a_key_still_running_is_a_409(api_a, provider_a):
    import json

    from credits.providers.services import request_fingerprint

    body = {"course_number": "CA12345", "title": "T", "amount": "0.5"}
    fp = request_fingerprint(method="POST", path=URL, body=json.dumps(body).encode())
    IdempotencyKey.objects.create(provider=provider_a, key="busy", fingerprint=fp)
    r = api_a.generic("POST", URL, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy")
    assert r.status_code == 409
    assert not ApprovedCourse.objects.exists()


def test_a_key_left_running_by_a_dead_process_can_be_retried(api_a, provider_a):
    # The process died between claiming the key and storing the answer: not a 409 for the next 24 hours.
    import json

    from credits.providers.services import request_fingerprint

    body = {"course_number": "CA12345", "title": "T", "amount": "0.5"}
    fp = request_fingerprint(method="POST", path=URL, body=json.dumps(body).encode())
    row = IdempotencyKey.objects.create(provider=provider_a, key="orphan", fingerprint=fp)
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))

    def post():
        data = json.dumps(body)
        return api_a.generic("POST", URL, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="orphan")

    r = post()
    assert r.status_code == 201 and ApprovedCourse.objects.filter(course_number="CA12345").exists()
    replay = post()
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"


def test_keys_are_per_provider(api_a, api_a2):
    body = {"course_number": "CA12345", "title": "T", "amount": "0.5"}
    assert api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    r = api_a2.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert r.status_code == 400  # ran for provider 2 (and found the number taken), no replay of provider 1's answer
    assert "Idempotent-Replayed" not in r


def test_keys_older_than_24_hours_are_purged_and_reusable(api_a, provider_a):
    body = {"course_number": "CA12345", "title": "T", "amount": "0.5"}
    api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    IdempotencyKey.objects.create(provider=provider_a, key="fresh", fingerprint="x")
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert idempotency_keys_purge_task.delay().get() == 0


def test_an_expired_key_runs_again(api_a):
    body = {"course_number": "CA12345", "title": "T", "amount": "0.5"}
    api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    r = api_a.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert r.status_code == 400 and "Idempotent-Replayed" not in r  # ran again: the number now exists


def test_the_purge_is_scheduled_on_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert any(e["task"] == "credits.tasks.idempotency_keys_purge_task" for e in schedule.values())


def test_completions_replayed_with_one_key_create_nothing_twice(api_a, course_a, trainer):
    body = {
        "completions": [
            {"attendee_email": "trainer@example.com", "course_number": "CEP123456", "completed_on": "2025-06-01"}
        ]
    }
    first = api_a.post(COMPLETIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1").json()
    again = api_a.post(COMPLETIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1").json()
    assert again == first and Activity.objects.count() == 1


def test_the_key_table_carries_its_provider_scope(key_a):
    assert ProviderApiKey.objects.get().provider.organization.slug == "ace"
