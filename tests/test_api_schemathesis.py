"""schemathesis over every operation of the OpenAPI schema, positive and negative data, every default check but
one: nothing outside the schema is accepted, every answer (errors included) is JSON the schema describes."""

import datetime as dt
import os
from collections import Counter
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Membership
from accounts.services import provider_api_key_create
from certifications.defaults import load_defaults
from certifications.models import Credential
from credits.models import Evidence
from credits.providers.services import completions_report
from employers.services import employer_api_key_create, employer_create
from tests.factories import ActivityFactory, ApprovedCourseFactory, CertificationFactory, MembershipFactory
from tests.schemathesis_support import run_schemathesis, served_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, org_b, admin_a, provider_a, trainer):
    """A trainer with a certification, an activity with evidence, a token; a provider with a key, a course
    and a completion: each path parameter of the schema has a real object to find."""
    import uuid

    from django.core.files.base import ContentFile

    load_defaults()
    certification = CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    activity, doomed = (
        ActivityFactory(user=trainer, kind="teaching", amount=Decimal("1"), completed_on=dt.date(2025, 3, 1))
        for _ in range(2)
    )
    evidence = Evidence(activity=activity, original_name="a.pdf", content_type="application/pdf", size=3, sha256="0")
    evidence.file.save("a.pdf", ContentFile(b"%PDF"), save=True)
    course = ApprovedCourseFactory(organization=org_a, provider=provider_a, course_number="CEP123456", amount="0.8")
    receipt = completions_report(
        provider=provider_a,
        records=[{"attendee_email": trainer.email, "course_number": "CEP123456", "completed_on": "2025-06-01"}],
        request_id=uuid.uuid4(),
    )["receipts"][0]
    from certifications.proof.services import share_link_create

    _, share_token = share_link_create(actor=trainer, certification=certification)
    doomed_link, _ = share_link_create(actor=trainer, certification=certification)
    from credits.intake.models import IntakeJob

    job = IntakeJob.objects.create(user=trainer)
    gym = employer_create(name="Northside Fitness", slug="northside", short_name="Northside")
    gym_admin = MembershipFactory(organization=gym, role=Membership.ADMIN, user__email="admin@northside.test").user
    return {
        "token": Token.objects.create(user=trainer).key,
        "key": provider_api_key_create(actor=admin_a, provider=provider_a, name="LMS")[1],
        "employer_key": employer_api_key_create(actor=gym_admin, organization=gym, name="HR")[1],
        "paths": {
            "/api/v1/certifications/{id}/": {"id": certification.pk},
            "/api/v1/certifications/{id}/cycles/": {"id": certification.pk},
            "/api/v1/certifications/{id}/share-links/": {"id": certification.pk},
            "/api/v1/certifications/{id}/credential": {"id": certification.pk},
            "/api/v1/share-links/{id}/": {"id": doomed_link.pk},
            "/api/v1/verify/{token}": {"token": share_token},
            "/api/v1/intake/{id}/": {"id": job.pk},
            "/api/v1/cycles/{id}/": {"id": certification.cycles.first().pk},
            "/api/v1/activities/{id}/": {"id": activity.pk},
            "/api/v1/activities/{id}/evidence/": {"id": activity.pk},
            "/api/v1/activities/{id}/petitions/": {"id": activity.pk},
            # DELETE finds objects of its own: the other operations keep theirs whatever the order.
            "DELETE /api/v1/activities/{id}/": {"id": doomed.pk},
            "/api/v1/evidence/{id}/": {"id": evidence.pk},
            "/api/v1/provider/courses/{course_number}": {"course_number": course.course_number},
            "/api/v1/provider/courses/{course_number}/retire": {"course_number": course.course_number},
            "/api/v1/provider/completions/{id}": {"id": receipt["completion_id"]},
            "/api/v1/provider/completions/{id}/void": {"id": receipt["completion_id"]},
        },
    }


def test_every_operation_keeps_its_schema(world):
    def headers_for(operation):
        schemes = {name for requirement in operation.definition.raw.get("security", []) for name in requirement}
        if "ProviderKey" in schemes:
            return {"Authorization": f"Bearer {world['key']}"}
        if "EmployerKey" in schemes:
            return {"Authorization": f"Bearer {world['employer_key']}"}
        if "tokenAuth" in schemes:
            return {"Authorization": f"Token {world['token']}"}
        return {}

    every = sum(len([m for m in ops if m != "parameters"]) for ops in served_schema()["paths"].values())
    # A few examples per operation and mode, the same every run, keep the suite quick and steady;
    # SCHEMATHESIS_EXAMPLES=200 digs deeper, at random.
    examples = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
    statuses = Counter()
    exercised = run_schemathesis(
        path_regex="^/api/",
        max_examples=examples,
        headers_for=headers_for,
        path_values=world["paths"],
        statuses=statuses,
        derandomize="SCHEMATHESIS_EXAMPLES" not in os.environ,
    )
    assert exercised == every >= 25
    # The calls got past authentication (negative cases may spoil the key: a 401 there is right), and every
    # read found its real object at least once.
    operations = {op for op, status in statuses}
    assert len(operations) == every and operations == {op for op, status in statuses if status != 401}, statuses
    reads = {op for op, status in statuses if op.startswith("GET ")}
    assert reads == {op for op, status in statuses if op.startswith("GET ") and 200 <= status < 300}, statuses
