"""Replays: the same 1,000-record report sent 5 times, in a row and at once from several threads."""

import threading

import pytest
from allauth.account.models import EmailAddress
from django.db import connection

from accounts.models import User
from credits.models import Activity, ProviderCompletion
from tests.provider.conftest import client_for

URL = "/api/v1/provider/completions"


@pytest.fixture
def thousand(course_a):
    users = User.objects.bulk_create([User(email=f"attendee{i}@example.com") for i in range(1000)])
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
    return {
        "completions": [
            {"attendee_email": u.email, "course_number": "CEP123456", "completed_on": "2025-06-01"} for u in users
        ]
    }


@pytest.mark.django_db
def test_the_same_request_five_times_with_one_key_creates_1000_activities(api_a, thousand):
    answers = [api_a.post(URL, thousand, format="json", HTTP_IDEMPOTENCY_KEY="batch-1") for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert answers[0].json()["matched"] == 1000
    assert all(a.json() == answers[0].json() for a in answers[1:])
    assert Activity.objects.count() == 1000


def _send_concurrently(key_raw, body, keys):
    barrier = threading.Barrier(len(keys))
    statuses, errors = [], []

    def send(idempotency_key):
        try:
            client = client_for(key_raw)
            barrier.wait()
            headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
            statuses.append(client.post(URL, body, format="json", **headers).status_code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_with_one_key_create_1000_activities(shipped, key_a, thousand):
    statuses = _send_concurrently(key_a[1], thousand, ["same"] * 5)
    assert set(statuses) <= {200, 409} and 200 in statuses
    assert Activity.objects.count() == 1000
    assert ProviderCompletion.objects.count() == 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_without_a_shared_key_still_create_1000_activities(shipped, key_a, thousand):
    statuses = _send_concurrently(key_a[1], thousand, ["a", "b", None, None, "c"])
    assert statuses == [200] * 5
    assert Activity.objects.count() == 1000
