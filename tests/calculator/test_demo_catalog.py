"""load_demo's invented catalog: a few hundred valid courses for ACE and ACSM, the same every time, never twice."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from certifications.orgfile import shipped as defaults
from certifications.rules.params import RuleParams
from credits.demo_catalog import COURSES_PER_ORGANIZATION, demo_catalog_courses, demo_catalog_load
from credits.models import ApprovedCourse

pytestmark = pytest.mark.django_db


def test_courses_are_valid_for_their_organization(shipped):
    ace_format = RuleParams.from_dict(defaults.ACE_PARAMS).course_number_regex
    ace = demo_catalog_courses(organization=shipped["ACE"])
    acsm = demo_catalog_courses(organization=shipped["ACSM"])
    assert len(ace) == len(acsm) == COURSES_PER_ORGANIZATION
    assert all(ace_format.fullmatch(c["course_number"]) for c in ace)
    assert {c["course_number"][:2] for c in ace} >= {"CE", "CP", "CA", "CS", "CL"}
    assert all(c["course_number"].startswith("ACSM") and c["course_number"][4:].isdigit() for c in acsm)
    # Amounts in each organization's unit: ACE 0.1 CEC an hour (0.1 .. 2.0), ACSM 1 CEC an hour (1 .. 20).
    assert {c["amount"] for c in ace} <= {Decimal(h) / 10 for h in range(1, 21)}
    assert {c["amount"] for c in acsm} <= {Decimal(h) for h in range(1, 21)}
    assert all(c["amount"].as_tuple().exponent == -2 for c in ace + acsm)
    assert len({c["title"] for c in ace}) > 100  # invented, varied titles


def test_the_catalog_is_deterministic(shipped):
    assert demo_catalog_courses(organization=shipped["ACE"]) == demo_catalog_courses(organization=shipped["ACE"])


def test_load_demo_loads_the_catalogs_once(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = {org: ApprovedCourse.objects.filter(organization__short_name=org).count() for org in ("ACE", "ACSM")}
    assert counts == {"ACE": COURSES_PER_ORGANIZATION, "ACSM": COURSES_PER_ORGANIZATION}
    before = set(ApprovedCourse.objects.values_list("organization__short_name", "course_number", "title", "amount"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    after = set(ApprovedCourse.objects.values_list("organization__short_name", "course_number", "title", "amount"))
    assert after == before
    ace_provider_courses = ApprovedCourse.objects.filter(organization__short_name="ACE", provider__isnull=False)
    assert ace_provider_courses.count() == COURSES_PER_ORGANIZATION


def test_an_edited_course_is_left_alone(shipped):
    assert demo_catalog_load(organization=shipped["ACE"]) == COURSES_PER_ORGANIZATION
    course = ApprovedCourse.objects.filter(organization=shipped["ACE"]).first()
    course.title, course.is_retired = "Renamed by the admin", True
    course.save()
    assert demo_catalog_load(organization=shipped["ACE"]) == 0
    course.refresh_from_db()
    assert (course.title, course.is_retired) == ("Renamed by the admin", True)


def test_the_calculator_fills_amounts_from_the_demo_catalog(shipped, evaluate):
    demo_catalog_load(organization=shipped["ACE"])
    course = ApprovedCourse.objects.filter(organization=shipped["ACE"]).order_by("course_number").first()
    body = {
        "credential": "ACE-CPT",
        "certified_on": "2024-01-01",
        "activities": [
            {
                "id": "c",
                "kind": "approved_course",
                "course_number": course.course_number.lower(),
                "completed_on": "2024-05-05",
            }
        ],
    }
    assert evaluate(body).json()["activities"] == [{"id": "c", "applied": str(course.amount), "reason": None}]
