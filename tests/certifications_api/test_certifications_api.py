"""The trainer's certifications API: list, create, retrieve, cycles with progress; bad input is a 400 naming
the field."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import ActionLog
from certifications.models import Certification
from certifications.selectors import cycle_progress
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/certifications/"


def test_list_shows_each_certification_with_the_current_cycle_figures(holder, api):
    body = {c["credential"]: c for c in api.get(URL).json()}
    acsm = body["ACSM-CPT"]
    assert acsm["number"] == "ACSM-4455" and acsm["organization"] == "ACSM"
    cycle = acsm["current_cycle"]
    assert (cycle["start"], cycle["end"], cycle["grace_until"]) == ("2024-06-01", "2027-05-31", "2027-11-30")
    # ACE course 0.3 converts to 3; teaching 4 (under the 5/year cap); the workout never counts.
    assert (cycle["required"], cycle["earned"], cycle["remaining"]) == ("45.00", "7.00", "38.00")
    assert cycle["unit"] == "CEC" and cycle["status"] in ("in_progress", "grace", "lapsed")
    assert body["ACE-CPT"]["current_cycle"]["earned"] == "0.30"


def test_the_cycle_shows_each_activity_applied_with_its_reason(holder, api):
    cycle = holder["acsm"].cycles.get()
    body = api.get(f"/api/v1/cycles/{cycle.pk}/").json()
    lines = {line["title"]: line for line in body["activities"]}
    assert lines["Kettlebell Foundations"]["applied"] == "3.00" and lines["Kettlebell Foundations"]["reason"] is None
    assert lines["Leg day"]["applied"] == "0.00" and lines["Leg day"]["reason"] == "ineligible_activity"
    assert "never credits" in lines["Leg day"]["detail"]
    # One evaluation path: the API's figures are the selector's.
    result = cycle_progress(cycle=cycle).result
    assert Decimal(body["earned"]) == result.earned and body["status"] == result.status


def test_cycles_of_a_certification_newest_first(holder, api):
    ace = holder["ace"]
    from certifications.services import cycle_create

    cycle_create(certification=ace, start=dt.date(2027, 1, 1))
    body = api.get(f"{URL}{ace.pk}/cycles/").json()
    assert [c["start"] for c in body] == ["2027-01-01", "2025-01-01"]
    assert [a["title"] for a in body[1]["activities"]] == [
        "Kettlebell Foundations",
        "Taught a mobility workshop",
        "Leg day",
    ]
    assert body[0]["activities"] == []  # activities outside a cycle belong to another one


def test_a_cap_reason_comes_back(holder, api):
    ActivityFactory(
        user=holder["user"],
        kind="teaching",
        title="Second class",
        amount=Decimal("3"),
        completed_on=dt.date(2025, 8, 1),
    )
    body = api.get(f"/api/v1/cycles/{holder['acsm'].cycles.get().pk}/").json()
    second = next(a for a in body["activities"] if a["title"] == "Second class")
    assert (second["applied"], second["reason"]) == ("1.00", "cap_reached")


def test_create_goes_through_the_service_and_returns_the_cycle(shipped, api, trainer):
    response = api.post(
        URL,
        {
            "credential": " acsm-ep ",
            "number": "EP-1",
            "certified_on": "2020-02-01",
            "cycle_start": "2023-02-01",
            "cpr_aed_valid_until": "2026-12-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["credential"] == "ACSM-EP" and body["current_cycle"]["end"] == "2026-01-31"
    assert body["current_cycle"]["required"] == "60.00"
    certification = Certification.objects.get(pk=body["id"], user=trainer)
    assert certification.cycles.get().start == dt.date(2023, 2, 1)
    assert ActionLog.objects.filter(action="certification.added", subject_user=trainer).exists()


def test_retrieve(holder, api):
    body = api.get(f"{URL}{holder['ace'].pk}/").json()
    assert body["credential"] == "ACE-CPT" and body["current_cycle"]["end"] == "2026-12-31"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"certified_on": "2024-01-01"}, "credential"),
        ({"credential": "ACE-NOPE", "certified_on": "2024-01-01"}, "credential"),
        ({"credential": None, "certified_on": "2024-01-01"}, "credential"),
        ({"credential": "ACE-CPT"}, "certified_on"),
        ({"credential": "ACE-CPT", "certified_on": "01/15/2024"}, "certified_on"),
        ({"credential": "ACE-CPT", "certified_on": "2024-02-30"}, "certified_on"),
        ({"credential": "ACE-CPT", "certified_on": "0001-01-01"}, "certified_on"),
        ({"credential": "ACE-CPT", "certified_on": "2999-01-01"}, "certified_on"),
        ({"credential": "ACE-CPT", "certified_on": "2024-01-01", "cycle_start": "2023-01-01"}, "cycle_start"),
        ({"credential": "ACE-CPT", "certified_on": "2024-01-01", "cycle_start": "2999-01-01"}, "cycle_start"),
        (
            {"credential": "ACE-CPT", "certified_on": "2024-01-01", "cpr_aed_valid_until": "9999-12-31"},
            "cpr_aed_valid_until",
        ),
        ({"credential": "ACE-CPT", "certified_on": "2024-01-01", "cpr_aed_valid_until": "soon"}, "cpr_aed_valid_until"),
        ({"credential": "ACE-CPT", "certified_on": "2024-01-01", "number": "x" * 51}, "number"),
        ({"credential": "ACE-CPT", "certified_on": "2024-01-01", "number": ["a"]}, "number"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(shipped, api, payload, field):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Certification.objects.exists()


def test_adding_a_credential_already_held_is_a_400(holder, api):
    response = api.post(URL, {"credential": "ACE-CPT", "certified_on": "2024-01-01"}, format="json")
    assert response.status_code == 400 and "already hold" in response.json()["credential"][0]


def test_a_body_that_is_not_an_object_is_a_400(shipped, api):
    assert api.post(URL, [1, 2], format="json").status_code == 400
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/api/v1/certifications/{cert}/", "/api/v1/certifications/{cert}/cycles/", "/api/v1/cycles/{cycle}/"],
)
def test_another_persons_objects_are_404(holder, other_trainer, path):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_trainer).key}")
    url = path.format(cert=holder["ace"].pk, cycle=holder["ace"].cycles.get().pk)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/certifications/{n}/", "/api/v1/certifications/{n}/cycles/", "/api/v1/cycles/{n}/"]
)
def test_ids_beyond_any_row_are_404_not_500(api, path):
    assert api.get(path.format(n=10**30)).status_code == 404


def test_only_get_and_post_are_allowed(holder, api):
    assert api.delete(f"{URL}{holder['ace'].pk}/").status_code == 405
    assert api.put(URL, {}, format="json").status_code == 405
