"""Completion reports: receipts per record, matching, pending claims, voids, notifications, the log."""

import datetime as dt
import json
from decimal import Decimal
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.test import Client

from accounts.models import ActionLog
from certifications.models import Credential
from certifications.selectors import user_progress
from credits.models import Activity, ProviderCompletion
from tests.factories import CertificationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/provider/completions"


def report(client, *records, **headers):
    return client.post(URL, {"completions": list(records)}, format="json", **headers)


def rec(**kw):
    return {"course_number": "CEP123456", "completed_on": "2025-06-01", **kw}


def test_a_completion_matched_by_verified_email_becomes_a_counted_activity(api_a, course_a, trainer, provider_a):
    cert = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    r = report(api_a, rec(attendee_email="Trainer@Example.com", record_id="r1"))
    assert r.status_code == 200, r.json()
    receipt = r.json()["receipts"][0]
    assert receipt["status"] == "accepted" and receipt["match"] == "matched" and receipt["record_id"] == "r1"
    activity = Activity.objects.get(pk=receipt["activity_id"])
    assert activity.user == trainer and activity.source == Activity.PROVIDER and activity.provider == provider_a
    assert (activity.course_number, activity.amount, activity.awarding_org) == ("CEP123456", Decimal("0.80"), "ACE")
    [progress] = user_progress(user=trainer, as_of=dt.date(2025, 7, 1))
    assert progress.certification == cert and progress.result.earned == Decimal("0.80")
    assert set(receipt) >= {"completion_id", "activity_id"} and "user" not in receipt and "email" not in receipt


def test_it_matches_by_certification_number_within_the_organization_only(api_a, course_a, trainer, other_trainer):
    CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACE-CPT"), number="ace-777")
    CertificationFactory(user=other_trainer, credential=Credential.objects.get(code="ACSM-CPT"), number="ACSM-1")
    r = report(api_a, rec(certification_number="ACE-777"), rec(certification_number="ACSM-1"))
    first, second = r.json()["receipts"]
    assert first["match"] == "matched" and Activity.objects.get(pk=first["activity_id"]).user == trainer
    assert second["match"] == "pending" and second["activity_id"] is None  # another org's number
    assert not Activity.objects.filter(user=other_trainer).exists()


def test_an_unverified_email_is_not_proof(api_a, course_a):
    user = UserFactory(email="unverified@example.com", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    receipt = report(api_a, rec(attendee_email="unverified@example.com")).json()["receipts"][0]
    assert receipt["match"] == "pending"
    assert not Activity.objects.filter(user=user).exists()


def test_rejected_records_never_block_accepted_ones(api_a, course_a, course_a2, trainer):
    records = [
        rec(attendee_email="trainer@example.com"),
        rec(),  # nobody named
        rec(attendee_email="not-an-email"),
        rec(attendee_email="a@example.com", course_number="XX1"),
        rec(attendee_email="a@example.com", course_number="CA54321"),  # another provider's course
        rec(attendee_email="a@example.com", completed_on="06/01/2025"),
        rec(attendee_email="a@example.com", completed_on="2999-01-01"),
        rec(attendee_email="a@example.com", amount="-1"),
        rec(attendee_email="a@example.com", amount="0.123"),
        rec(attendee_email="a@example.com", amount="0.9"),  # above the course, not multi-session
        rec(attendee_email=5),
        rec(attendee_email="b@example.com"),
    ]
    body = report(api_a, *records).json()
    fields = [(r["status"], r.get("field")) for r in body["receipts"]]
    assert fields == [
        ("accepted", None),
        ("rejected", "attendee_email"),
        ("rejected", "attendee_email"),
        ("rejected", "course_number"),
        ("rejected", "course_number"),
        ("rejected", "completed_on"),
        ("rejected", "completed_on"),
        ("rejected", "amount"),
        ("rejected", "amount"),
        ("rejected", "amount"),
        ("rejected", "attendee_email"),
        ("accepted", None),
    ]
    assert all(r["reason"] for r in body["receipts"] if r["status"] == "rejected")
    assert (body["accepted"], body["matched"], body["pending"], body["rejected"]) == (2, 1, 1, 10)
    assert ProviderCompletion.objects.count() == 2


def test_multi_session_events_take_cumulative_amounts(api_a, course_a, trainer):
    course_a.multi_session = True
    course_a.save()
    receipt = report(api_a, rec(attendee_email="trainer@example.com", amount="2.4")).json()["receipts"][0]
    assert receipt["status"] == "accepted"
    assert Activity.objects.get(pk=receipt["activity_id"]).amount == Decimal("2.40")


def test_a_retired_course_takes_no_new_completions(api_a, course_a):
    course_a.is_retired = True
    course_a.save()
    receipt = report(api_a, rec(attendee_email="x@example.com")).json()["receipts"][0]
    assert receipt["field"] == "course_number" and "retired" in receipt["reason"]


def test_a_report_again_creates_nothing(api_a, course_a, trainer):
    first = report(api_a, rec(attendee_email="trainer@example.com", record_id="r1")).json()["receipts"][0]
    again = report(api_a, rec(attendee_email="trainer@example.com"), rec(attendee_email="trainer@example.com"))
    receipts = again.json()["receipts"]
    assert [r["duplicate"] for r in receipts] == [True, True]
    assert {r["completion_id"] for r in receipts} == {first["completion_id"]}
    assert Activity.objects.count() == 1
    # a record id reused for a different completion is refused
    other = report(api_a, rec(attendee_email="else@example.com", record_id="r1")).json()["receipts"][0]
    assert other["status"] == "rejected" and other["field"] == "record_id"


def test_the_trainer_is_notified_once_per_request(api_a, course_a, trainer, django_capture_on_commit_callbacks):
    CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACE-CPT"), number="N1")
    with mock.patch("credits.providers.services.notify") as notify:
        with django_capture_on_commit_callbacks(execute=True):
            body = report(
                api_a,
                rec(attendee_email="trainer@example.com"),
                rec(attendee_email="trainer@example.com", completed_on="2025-06-02"),
                rec(certification_number="n1", completed_on="2025-06-03"),
            ).json()
    assert body["matched"] == 3
    notify.assert_called_once()
    kwargs = notify.call_args.kwargs
    assert kwargs["user"] == trainer and kwargs["kind"] == "completion_added"
    assert kwargs["key"] == f"completions:{body['request_id']}:{trainer.pk}" and kwargs["context"]["count"] == 3
    log = ActionLog.objects.get(action="provider.completion_reported", subject_user=trainer)
    assert sorted(log.data["after"]["activities"]) == sorted(r["activity_id"] for r in body["receipts"])


def test_a_pending_completion_attaches_when_the_person_verifies_that_email(api_a, course_a):
    receipt = report(api_a, rec(attendee_email="newcomer@example.com")).json()["receipts"][0]
    assert receipt["match"] == "pending"
    user = UserFactory(email="newcomer@example.com", verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with mock.patch("credits.providers.services.notify") as notify:
        email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    completion = ProviderCompletion.objects.get(pk=receipt["completion_id"])
    assert completion.user == user and completion.activity.user == user
    assert completion.activity.source == Activity.PROVIDER
    notify.assert_called_once()
    assert ActionLog.objects.filter(action="provider.completion_claimed", subject_user=user).exists()


def test_a_pending_completion_attaches_when_the_person_adds_that_certification_number(api_a, course_a, trainer):
    receipt = report(api_a, rec(certification_number="ACE-4242")).json()["receipts"][0]
    assert receipt["match"] == "pending"
    CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), number="ACE-4242")
    assert ProviderCompletion.objects.get(pk=receipt["completion_id"]).user is None  # another org's number
    CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACE-CPT"), number="ace-4242")
    completion = ProviderCompletion.objects.get(pk=receipt["completion_id"])
    assert completion.user == trainer and completion.activity.amount == Decimal("0.80")


def test_a_pending_completion_attaches_when_the_number_is_filled_in_later(api_a, course_a, trainer):
    # Trainers often add a certification first and type its number later.
    from certifications.services import certification_update

    receipt = report(api_a, rec(certification_number="ACE-4242")).json()["receipts"][0]
    certification = CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACE-CPT"), number="")
    assert ProviderCompletion.objects.get(pk=receipt["completion_id"]).user is None
    certification_update(actor=trainer, certification=certification, number=" ace-4242 ", cpr_aed_valid_until=None)
    completion = ProviderCompletion.objects.get(pk=receipt["completion_id"])
    assert completion.user == trainer and completion.activity.user == trainer


def test_void_stops_the_engine_counting_and_keeps_both_in_the_log(api_a, course_a, trainer):
    CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    receipt = report(api_a, rec(attendee_email="trainer@example.com")).json()["receipts"][0]
    r = api_a.post(f"{URL}/{receipt['completion_id']}/void", {"reason": "wrong person"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["voided_at"] is not None
    activity = Activity.objects.get(pk=receipt["activity_id"])
    assert activity.voided_at is not None
    # The trainer's pages say so.
    page = Client()
    page.force_login(trainer)
    assert "no longer counts toward any certification" in page.get(f"/activities/{activity.pk}/").content.decode()
    assert "Voided by the provider" in page.get("/activities/").content.decode()
    [progress] = user_progress(user=trainer, as_of=dt.date(2025, 7, 1))
    assert progress.result.earned == Decimal("0.00")
    actions = set(ActionLog.objects.filter(subject_user=trainer).values_list("action", flat=True))
    assert {"provider.completion_reported", "provider.completion_voided"} <= actions
    # the corrected report of the same attendee, course and date is new again
    corrected = report(api_a, rec(attendee_email="trainer@example.com", amount="0.5")).json()["receipts"][0]
    assert not corrected["duplicate"] and corrected["completion_id"] != receipt["completion_id"]
    [progress] = user_progress(user=trainer, as_of=dt.date(2025, 7, 1))
    assert progress.result.earned == Decimal("0.50")


def test_it_checks_ownership_of_completions(api_a, api_a2, api_b, course_a, trainer):
    receipt = report(api_a, rec(attendee_email="trainer@example.com")).json()["receipts"][0]
    for client in (api_a2, api_b):
        assert client.get(f"{URL}/{receipt['completion_id']}").status_code == 404
        assert client.post(f"{URL}/{receipt['completion_id']}/void").status_code == 404
        assert client.get(URL).json()["count"] == 0
    assert Activity.objects.get(pk=receipt["activity_id"]).voided_at is None
    mine = api_a.get(URL, {"status": "matched"}).json()
    assert mine["count"] == 1 and mine["results"][0]["completion_id"] == receipt["completion_id"]
    assert "attendee_email" not in mine["results"][0] and "user" not in mine["results"][0]


@pytest.mark.parametrize(
    "body",
    [{}, {"completions": []}, {"completions": "x"}, {"completions": [1]}, [], {"completions": [{}] * 10_001}],
)
def test_a_malformed_batch_is_a_400_naming_completions(api_a, body):
    r = api_a.post(URL, body, format="json")
    assert r.status_code == 400
    assert "completions" in r.json()


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"record_id": "r-1\x00", "attendee_email": "x@example.com"}, "record_id"),
        ({"certification_number": "ACE-1\x00"}, "certification_number"),
        ({"attendee_email": "x\x00@example.com"}, "attendee_email"),
        ({"attendee_email": "x@example.com", "course_number": "CEP123456\x00"}, "course_number"),
        ({"attendee_email": "x@example.com", "record_id": "\ud800x"}, "record_id"),
    ],
)
def test_a_nul_or_lone_surrogate_is_a_400_naming_the_record_field_on_every_retry(api_a, course_a, record, field):
    # PostgreSQL refuses NUL in any string parameter, even in a WHERE clause, and a lone surrogate cannot
    # be encoded: once a 500 on every retry, because the stored idempotent answer could not hold it either.
    good = {"course_number": "CEP123456", "completed_on": "2026-01-01", "attendee_email": "ok@example.com"}
    bad = {"course_number": "CEP123456", "completed_on": "2026-01-01", **record}
    raw = json.dumps({"completions": [good, bad]})  # ASCII with escapes: a client can send a lone surrogate
    for attempt in range(2):
        r = api_a.post(URL, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="nul-batch")
        assert r.status_code == 400, r.content[:300]
        assert list(r.json()["completions"]["1"]) == [field]
        assert r.json()["completions"]["1"][field][0].startswith(("Null characters", "Surrogate characters"))
        assert (r.headers.get("Idempotent-Replayed") == "true") == (attempt == 1)
    assert not ProviderCompletion.objects.exists()
    # Fixed, under a new key, the whole batch goes through.
    bad.update({k: v.replace("\x00", "").replace("\ud800", "") for k, v in record.items()})
    r = api_a.post(URL, {"completions": [good, bad]}, format="json", HTTP_IDEMPOTENCY_KEY="fixed-batch")
    assert r.status_code == 200 and ProviderCompletion.objects.count() == 2


def test_a_nul_in_a_key_is_a_400_naming_the_escaped_key(api_a, course_a):
    raw = json.dumps({"completions": [{"course_number": "CEP123456", "a\x00b": "x"}]})
    r = api_a.post(URL, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="nul-key")
    assert r.status_code == 400
    assert r.json() == {"completions": {"0": {"a\\x00b": ["Null characters are not allowed."]}}}


@pytest.mark.parametrize(
    "raw", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, '{"completions": ' + "[" * 40 + "]" * 40 + "}"]
)
def test_deeply_nested_json_is_a_400_not_a_recursion_error(api_a, course_a, raw):
    for key in ("deep", "deep"):  # the second is the stored answer replayed
        r = api_a.post(URL, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        assert r.status_code == 400, r.content[:300]
        assert "levels deep" in json.dumps(r.json())
    assert not ProviderCompletion.objects.exists()


def test_huge_paging_values_are_capped_not_a_500(api_a, course_a, trainer):
    report(api_a, rec(attendee_email="trainer@example.com"))
    for query in ({"limit": "100000000000000000000"}, {"offset": "100000000000000000000"}):
        for url in (URL, "/api/v1/provider/courses"):
            response = api_a.get(url, query)
            assert response.status_code == 200, (url, query, response.content[:200])
    assert len(api_a.get(URL, {"limit": "100000000000000000000"}).json()["results"]) == 1


# Once matched, the natural key is the person, whichever identifier the provider used (README: reporting
# the same attendee, course and date again never creates a second activity).


@pytest.fixture
def ace_holder(trainer):
    CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACE-CPT"), number="ACE-5150")
    return trainer


@pytest.mark.parametrize(
    "first, second",
    [
        ({"attendee_email": "trainer@example.com"}, {"certification_number": "ace-5150"}),
        ({"certification_number": "ACE-5150"}, {"attendee_email": "Trainer@example.com"}),
    ],
    ids=["email-then-number", "number-then-email"],
)
def test_one_person_reported_by_email_and_by_number_gets_one_activity(api_a, course_a, ace_holder, first, second):
    one = report(api_a, rec(**first)).json()["receipts"][0]
    assert one["match"] == "matched" and one["duplicate"] is False
    again = report(api_a, rec(**second)).json()["receipts"][0]
    assert again["status"] == "accepted" and again["duplicate"] is True
    assert (again["completion_id"], again["activity_id"]) == (one["completion_id"], one["activity_id"])
    assert Activity.objects.filter(user=ace_holder).count() == 1 and ProviderCompletion.objects.count() == 1
    # another day or course is still a completion of its own
    assert report(api_a, rec(**second, completed_on="2025-06-02")).json()["receipts"][0]["duplicate"] is False


def test_both_identifiers_in_one_report_are_one_completion(api_a, course_a, ace_holder):
    body = report(api_a, rec(attendee_email="trainer@example.com"), rec(certification_number="ACE-5150")).json()
    first, second = body["receipts"]
    assert second["completion_id"] == first["completion_id"] and [first["duplicate"], second["duplicate"]] == [
        False,
        True,
    ]
    assert body["matched"] == 1 and Activity.objects.filter(user=ace_holder).count() == 1


def test_a_pending_claim_later_matched_to_someone_who_has_it_already_adds_nothing(api_a, course_a):
    user = UserFactory(email="late@example.com", verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    CertificationFactory(user=user, credential=Credential.objects.get(code="ACE-CPT"), number="ACE-9090")
    pending = report(api_a, rec(attendee_email="late@example.com")).json()["receipts"][0]
    matched = report(api_a, rec(certification_number="ACE-9090")).json()["receipts"][0]
    assert (pending["match"], matched["match"]) == ("pending", "matched")  # unverified: not proof yet
    address.verified = True
    address.save()
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert list(Activity.objects.filter(user=user).values_list("pk", flat=True)) == [matched["activity_id"]]
    claim = ProviderCompletion.objects.get(pk=pending["completion_id"])
    assert claim.voided_at is not None and claim.activity is None  # merged into the matched one
    log = ActionLog.objects.get(action="provider.completion_claimed", subject_user=user)
    assert log.data["merged_into"] == {str(claim.pk): matched["completion_id"]}
    # and the provider's report of it again is a duplicate of the kept completion
    again = report(api_a, rec(attendee_email="late@example.com")).json()["receipts"][0]
    assert again["duplicate"] is True and again["completion_id"] == matched["completion_id"]


def test_a_pending_number_claim_matched_after_an_email_report_adds_nothing(api_a, course_a, trainer):
    from certifications.services import certification_update

    pending = report(api_a, rec(certification_number="ACE-4242")).json()["receipts"][0]
    matched = report(api_a, rec(attendee_email="trainer@example.com")).json()["receipts"][0]
    certification = CertificationFactory(user=trainer, credential=Credential.objects.get(code="ACE-CPT"), number="")
    certification_update(actor=trainer, certification=certification, number="ACE-4242", cpr_aed_valid_until=None)
    assert list(Activity.objects.filter(user=trainer).values_list("pk", flat=True)) == [matched["activity_id"]]
    assert ProviderCompletion.objects.get(pk=pending["completion_id"]).voided_at is not None


def test_the_database_refuses_a_second_live_completion_of_one_person(course_a, trainer, provider_a):
    import uuid

    from django.db import IntegrityError, transaction

    common = {"provider": provider_a, "course": course_a, "completed_on": dt.date(2025, 6, 1), "amount": 1}
    ProviderCompletion.objects.create(**common, attendee_key="a@x.test", user=trainer, request_id=uuid.uuid4())
    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderCompletion.objects.create(**common, attendee_key="#N1", user=trainer, request_id=uuid.uuid4())
