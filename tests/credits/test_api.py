"""The trainer's credits API: same services as the pages, 400 naming the field, another user's objects 404."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ActionLog
from credits.models import Activity, Evidence, Petition
from credits.services import evidence_attach
from tests.credits.conftest import make_jpeg, make_pdf, make_png, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(trainer):
    client = APIClient()
    client.force_authenticate(trainer)
    return client


def test_anonymous_is_refused(activity):
    assert APIClient().get("/api/v1/activities/").status_code in (401, 403)


def test_create_an_approved_course_from_the_catalog_and_see_every_certification(
    api, trainer, course, ace_cert, acsm_cert
):
    response = api.post(
        "/api/v1/activities/",
        {"kind": "approved_course", "awarding_org": "ACE", "course_number": "ca23456", "completed_on": "2025-05-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["title"], body["amount"], body["course_number"]) == ("Kettlebells", "0.70", "CA23456")
    applied = {a["credential"]: (a["applied"], a["reason"]) for a in body["applications"]}
    assert applied == {"ACE-CPT": ("0.70", None), "ACSM-CPT": ("7.00", None)}  # ACE 0.1 -> ACSM 1.0
    assert ActionLog.objects.filter(action="activity.created", subject_user=trainer).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "yoga", "completed_on": "2025-01-01"}, "kind"),
        ({"kind": "cpr", "completed_on": "01/05/2025"}, "completed_on"),
        ({"kind": "cpr"}, "completed_on"),
        ({"kind": "cpr", "completed_on": "2025-01-01", "hours": "-1"}, "hours"),
        ({"kind": "cpr", "completed_on": "2025-01-01", "hours": "1.555"}, "hours"),
        ({"kind": "cpr", "completed_on": "2025-01-01", "hours": "lots"}, "hours"),
        ({"kind": "teaching", "completed_on": "2025-01-01"}, "amount"),
        ({"kind": "new_certification", "completed_on": "2025-01-01", "new_credential": "NOPE-1"}, "new_credential"),
        (
            {
                "kind": "approved_course",
                "completed_on": "2025-01-01",
                "awarding_org": "ACE",
                "course_number": "X1",
                "amount": "1",
            },
            "course_number",
        ),
        (
            {
                "kind": "approved_course",
                "completed_on": "2025-01-01",
                "awarding_org": "ACE",
                "course_number": "CA99999",
            },
            "amount",
        ),
        (
            {
                "kind": "college_course",
                "completed_on": "2025-01-01",
                "title": "Anatomy",
                "credit_hours": "3",
                "term": "trimester",
                "grade": "B",
            },
            "term",
        ),
        ({"kind": "cpr", "completed_on": "2999-01-01"}, "completed_on"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, shipped, payload, field):
    response = api.post("/api/v1/activities/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"kind": "\ud800x", "completed_on": "2025-01-01"},
            {"kind": ["Surrogate characters are not allowed: U+D800."]},
        ),
        (
            {"kind": "cpr", "completed_on": "2025-01-01", "title": "a\x00"},
            {"title": ["Null characters are not allowed."]},
        ),
        (
            {"kind": "cpr", "completed_on": "2025-01-01", "notes": {"x": ["\ud800"]}},
            {"notes": {"x": {"0": ["Surrogate characters are not allowed: U+D800."]}}},
        ),
    ],
)
def test_a_nul_or_lone_surrogate_anywhere_is_a_400_naming_the_field(api, shipped, payload, errors):
    raw = json.dumps(payload)  # escaped as \\ud800: what a client can send
    response = api.post("/api/v1/activities/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Activity.objects.exists()


@pytest.mark.parametrize("raw", ["[" * 1000 + "]" * 1000, '{"title":' * 1000 + "1" + "}" * 1000])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(api, activity, raw):
    for method, url in (("post", "/api/v1/activities/"), ("patch", f"/api/v1/activities/{activity.pk}/")):
        response = getattr(api, method)(url, raw, content_type="application/json")
        assert response.status_code == 400, (method, response.content[:300])
        assert "levels deep" in json.dumps(response.json())


def test_list_filters_and_paginates_only_my_activities(api, trainer, activity, other_activity):
    Activity.objects.create(user=trainer, kind="cpr", completed_on=dt.date(2024, 1, 1))
    body = api.get("/api/v1/activities/").json()
    assert body["count"] == 2 and {a["id"] for a in body["results"]} >= {activity.pk}
    assert other_activity.pk not in {a["id"] for a in body["results"]}
    body = api.get("/api/v1/activities/", {"kind": "cpr"}).json()
    assert [a["kind"] for a in body["results"]] == ["cpr"]
    body = api.get("/api/v1/activities/", {"completed_from": "2025-01-01"}).json()
    assert [a["id"] for a in body["results"]] == [activity.pk]
    assert "completed_from" in api.get("/api/v1/activities/", {"completed_from": "soon"}).json()


def test_list_query_count_is_bounded(api, trainer, ace_cert, acsm_cert, django_assert_max_num_queries):
    for _ in range(40):
        a = Activity.objects.create(
            user=trainer, kind="teaching", amount=Decimal("1"), completed_on=dt.date(2025, 2, 1)
        )
        Evidence.objects.create(
            activity=a, file="x", original_name="x.pdf", content_type="application/pdf", size=1, sha256="0" * 64
        )
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/activities/").status_code == 200


def test_retrieve_update_delete_and_cross_user_404(api, trainer, activity, other_activity):
    assert api.get(f"/api/v1/activities/{activity.pk}/").json()["title"] == "Swing school"
    response = api.patch(f"/api/v1/activities/{activity.pk}/", {"hours": "5"}, format="json")
    assert response.status_code == 200 and response.json()["hours"] == "5.00"
    log = ActionLog.objects.get(action="activity.updated")
    assert log.data["before"]["hours"] == "4.00" and log.data["after"]["hours"] == "5.00"
    assert api.patch(f"/api/v1/activities/{activity.pk}/", {"hours": "-5"}, format="json").json()["hours"]
    for method in ("get", "patch", "delete"):
        assert getattr(api, method)(f"/api/v1/activities/{other_activity.pk}/", {}, format="json").status_code == 404
    assert api.get(f"/api/v1/activities/{other_activity.pk}/evidence/").status_code == 404
    assert Activity.objects.filter(pk=other_activity.pk).exists()
    assert api.delete(f"/api/v1/activities/{activity.pk}/").status_code == 204
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_delete_refused_by_retention_is_a_400(api, trainer, ace_cert):
    activity = Activity.objects.create(user=trainer, kind="cpr", completed_on=dt.date(2025, 3, 1))
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.png", make_png()))
    response = api.delete(f"/api/v1/activities/{activity.pk}/")
    assert response.status_code == 400 and "Mar 1, 2029" in response.json()["activity"][0]


def test_evidence_upload_and_list(api, trainer, activity, other_activity):
    response = api.post(
        f"/api/v1/activities/{activity.pk}/evidence/",
        {"file": upload("c.jpg", make_jpeg(), "image/jpeg")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "image/jpeg" and body["url"] == f"/evidence/{body['id']}/"
    assert [e["id"] for e in api.get(f"/api/v1/activities/{activity.pk}/evidence/").json()] == [body["id"]]
    bad = api.post(
        f"/api/v1/activities/{activity.pk}/evidence/",
        {"file": upload("c.pdf", make_png(), "application/pdf")},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()
    assert api.post(f"/api/v1/activities/{activity.pk}/evidence/", {}, format="multipart").json()["file"]
    cross = api.post(
        f"/api/v1/activities/{other_activity.pk}/evidence/", {"file": upload("c.pdf", make_pdf())}, format="multipart"
    )
    assert cross.status_code == 404 and Evidence.objects.count() == 1


def test_petitions_create_and_list(api, trainer, activity, other_activity, ace, ace_cert):
    url = f"/api/v1/activities/{activity.pk}/petitions/"
    response = api.post(url, {"organization": "ACE", "hours": "4", "description": "Workshop"}, format="json")
    assert response.status_code == 400 and "evidence" in response.json()
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    assert "organization" in api.post(url, {"organization": "XYZ", "hours": "4", "description": "x"}).json()
    assert "hours" in api.post(url, {"organization": "ACE", "hours": "-4", "description": "x"}).json()
    response = api.post(
        url,
        {"organization": "ace", "hours": "4", "description": "Workshop", "status": "approved", "amount": "9"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["amount"]) == ("pending", None)  # not writable by the client
    assert "organization" in api.post(url, {"organization": "ACE", "hours": "4", "description": "x"}).json()
    assert [p["organization"] for p in api.get("/api/v1/petitions/").json()["results"]] == ["ACE"]
    petition = api.get(f"/api/v1/activities/{activity.pk}/").json()["petitions"][0]
    assert petition["status"] == "pending"
    cross = api.post(
        f"/api/v1/activities/{other_activity.pk}/petitions/", {"organization": "ACE", "hours": "1", "description": "x"}
    )
    assert cross.status_code == 404 and Petition.objects.count() == 1


def test_the_schema_documents_the_credits_endpoints(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/activities/{id}/evidence/",
        "/api/v1/activities/{id}/petitions/",
        "/api/v1/petitions/",
    ):
        assert path in schema["paths"], path
    assert (
        "multipart/form-data" in schema["paths"]["/api/v1/activities/{id}/evidence/"]["post"]["requestBody"]["content"]
    )


def test_evidence_delete_respects_retention_and_ownership(api, trainer, ace_cert, other_trainer):
    held = Activity.objects.create(user=trainer, kind="cpr", completed_on=dt.date(2025, 3, 1))
    kept = evidence_attach(actor=trainer, activity=held, upload=upload("c.png", make_png()))
    response = api.delete(f"/api/v1/evidence/{kept.pk}/")
    assert response.status_code == 400 and "until Mar 1, 2029" in response.json()["file"][0]
    free = Activity.objects.create(user=trainer, kind="cpr", completed_on=dt.date(2020, 3, 1))
    loose = evidence_attach(actor=trainer, activity=free, upload=upload("c.png", make_png()))
    other = APIClient()
    other.force_authenticate(other_trainer)
    assert other.delete(f"/api/v1/evidence/{loose.pk}/").status_code == 404
    assert api.delete(f"/api/v1/evidence/{loose.pk}/").status_code == 204
    assert list(Evidence.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.parametrize("url", ["/api/v1/activities/", "/api/v1/petitions/"])
def test_a_huge_page_limit_is_capped_not_a_500(api, activity, url):
    for query in ("?limit=100000000000000000000", "?limit=100000000000000000000&offset=100000000000000000000"):
        response = api.get(url + query)
        assert response.status_code == 200, query
    assert len(api.get(url + "?limit=100000000000000000000").json()["results"]) <= 200


@pytest.mark.parametrize("value", ["ZZZ", {"code": "ACSM-EP"}, 5])
def test_an_unknown_new_credential_is_explained_in_words(api, shipped, value):
    payload = {"kind": "new_certification", "completed_on": "2025-05-01", "new_credential": value}
    response = api.post("/api/v1/activities/", payload, format="json")
    assert response.status_code == 400
    message = response.json()["new_credential"][0]
    assert "credential code" in message and "Object with" not in message
    assert not Activity.objects.exists()


def test_no_petition_to_an_organization_that_already_credits_the_activity(api, trainer, course, ace_cert, acsm_cert):
    # ACSM honors an ACE-approved course (0.7 -> 7.0): a pending petition to ACSM would hold that credit back.
    response = api.post(
        "/api/v1/activities/",
        {"kind": "approved_course", "awarding_org": "ACE", "course_number": "CA23456", "completed_on": "2025-05-01"},
        format="json",
    )
    activity = Activity.objects.get(pk=response.json()["id"])
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    url = f"/api/v1/activities/{activity.pk}/petitions/"
    response = api.post(url, {"organization": "ACSM", "hours": "7", "description": "Kettlebells"}, format="json")
    assert response.status_code == 400 and "does not take petitions" in response.json()["organization"][0]
    assert not Petition.objects.exists()
    applied = {
        a["credential"]: a["applied"] for a in api.get(f"/api/v1/activities/{activity.pk}/").json()["applications"]
    }
    assert applied["ACSM-CPT"] == "7.00"


def test_the_api_uses_the_persons_time_zone_for_today(api, trainer, monkeypatch):
    # Noon UTC on March 10 is already March 11 in Kiritimati (UTC+14): an activity done "today" there is not future.
    trainer.time_zone = "Pacific/Kiritimati"
    trainer.save(update_fields=["time_zone"])
    noon_utc = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: noon_utc)
    response = api.post("/api/v1/activities/", {"kind": "cpr", "completed_on": "2026-03-11"}, format="json")
    assert response.status_code == 201, response.json()
    assert timezone.get_current_timezone_name() == "UTC"  # nothing left behind in the thread


def test_the_list_writes_each_application_as_the_documented_serializer_does(api, trainer, course, ace_cert, acsm_cert):
    """The list builds its per-certification answers by hand (a nested serializer per row cost more than the
    rest of the page); they must be exactly what the schema's ApplicationSerializer says."""
    from credits.api.serializers import ApplicationSerializer
    from credits.selectors import activity_applications

    for day in ("2025-05-01", "2025-05-02"):
        body = {"kind": "approved_course", "awarding_org": "ACE", "course_number": "ca23456", "completed_on": day}
        assert api.post("/api/v1/activities/", body, format="json").status_code == 201
    fresh = activity_applications(user=trainer)
    rows = api.get("/api/v1/activities/").json()["results"]
    assert len(rows) == 2 and all(row["applications"] for row in rows)
    for row in rows:
        assert row["applications"] == ApplicationSerializer(fresh[row["id"]], many=True).data


def _by_fields(serializer_class, instance, **context):
    """What DRF's fields write for `instance`, one by one (ModelSerializer's own to_representation)."""
    from rest_framework import serializers

    return serializers.ModelSerializer.to_representation(serializer_class(context=context), instance)


def test_the_rows_written_directly_equal_what_drf_writes_field_by_field(
    api, trainer, activity, ace, ace_cert, acsm_cert
):
    """Activities, their files and petitions are written by hand (DRF's fields cost more than the page's
    queries): the output must be what the fields the schema documents write, nulls and time zones included."""
    from credits.api.serializers import ActivityOutputSerializer, EvidenceOutputSerializer, PetitionOutputSerializer
    from credits.api.views import _with_evidence
    from credits.selectors import activity_applications_stored, activity_list

    college = {
        "kind": "college_course",
        "title": "Physiology",
        "completed_on": "2025-05-03",
        "credit_hours": "3",
        "term": "semester",
    }
    made = api.post("/api/v1/activities/", {**college, "grade": "B", "notes": "Évening"}, format="json")
    assert made.status_code == 201, made.json()
    cpr = {"kind": "cpr", "completed_on": "2025-06-01", "new_credential": "ACSM-EP", "amount": "0.5"}
    assert api.post("/api/v1/activities/", cpr, format="json").status_code == 201
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.jpg", make_jpeg(), "image/jpeg"))
    body = {"organization": "ACE", "hours": "4.5", "description": "Workshop"}
    assert api.post(f"/api/v1/activities/{activity.pk}/petitions/", body, format="json").status_code == 201
    Petition.objects.update(
        status="approved", amount=Decimal("0.40"), decision_reason="Fits", decided_at=timezone.now()
    )
    Petition.objects.create(
        activity=activity, organization=acsm_cert.credential.organization, hours=Decimal("2"), description="Pending one"
    )

    timezone.activate("America/Los_Angeles")  # the person's zone, as the middleware sets it
    try:
        activities = list(_with_evidence(activity_list(user=trainer)))
        shown = [a.pk for a in activities]
        applications = activity_applications_stored(user=trainer, activity_ids=shown)
        assert len(activities) == 3 and all(applications.get(pk) for pk in shown)
        for item in activities:
            direct = ActivityOutputSerializer(item, context={"applications": applications}).data
            assert json.dumps(direct) == json.dumps(
                _by_fields(ActivityOutputSerializer, item, applications=applications)
            )
        rich = next(a for a in activities if a.pk == activity.pk)
        files, petitions = rich.evidence.all(), rich.petitions.all()
        assert len(files) == 2 and {p.status for p in petitions} == {"approved", "pending"}
        for evidence in files:
            written = EvidenceOutputSerializer(evidence).data
            assert written == _by_fields(EvidenceOutputSerializer, evidence)
            assert written["uploaded_at"][-6:] in ("-07:00", "-08:00")
        for petition in petitions:
            assert PetitionOutputSerializer(petition).data == _by_fields(PetitionOutputSerializer, petition)
    finally:
        timezone.deactivate()
