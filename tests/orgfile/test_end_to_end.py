"""A made-up body (four-year cycles in CEUs, its own caps, fees and audit rate) imported as a file and
driven through the whole product with no code change: calculator, dashboard, petition, renewal with fees,
reminder, audit (issue 16)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organization
from accounts.notifications.models import Notification
from audits.models import Audit
from audits.services import audit_consider, audit_packet_render, audit_packet_request, audit_sweep
from certifications.defaults import load_defaults
from certifications.models import Credential, Cycle, Renewal
from certifications.reminders import reminders_sweep
from certifications.rules import add_years
from certifications.selectors import renewal_quote, user_progress
from certifications.services import certification_add, certification_renew
from credits.demo_catalog import demo_catalog_courses
from credits.petitions.selectors import petition_suggested_amount
from credits.petitions.services import petition_decide
from credits.selectors import course_lookup
from credits.services import activity_create, evidence_attach, petition_submit
from tests.credits.conftest import make_pdf
from tests.factories import MembershipFactory, UserFactory

from .conftest import NFB_FILE

pytestmark = pytest.mark.django_db


class _ZeroDraw:
    def random(self) -> float:
        return 0.0


@pytest.fixture
def nfb_org(db):
    load_defaults()  # ACE and ACSM are there too: NFB converts ACE's awards
    call_command("import_organization", str(NFB_FILE), stdout=io.StringIO())
    return Organization.objects.get(slug="nfb")


def test_the_calculator_applies_the_imported_rules(nfb_org):
    activities = [
        {"id": "catalog", "kind": "approved_course", "course_number": "nfb-1001", "completed_on": "2024-02-01"},
        {"id": "bad-number", "kind": "approved_course", "course_number": "CA23456", "amount": "1",
         "completed_on": "2024-02-02"},
        {"id": "ace", "kind": "other_org_course", "awarding_org": "ACE", "amount": "0.6", "completed_on": "2024-03-01"},
        {"id": "teach-1", "kind": "teaching", "amount": "3", "completed_on": "2024-03-01"},
        {"id": "teach-2", "kind": "teaching", "amount": "3", "completed_on": "2024-06-01"},
        {"id": "teach-3", "kind": "teaching", "amount": "3", "completed_on": "2025-02-01"},
        {"id": "college", "kind": "college_course", "credit_hours": "3", "grade": "B-", "completed_on": "2024-05-01"},
        {"id": "first-aid", "kind": "first_aid", "completed_on": "2024-07-01"},
        {"id": "cpr", "kind": "cpr", "hours": "4", "completed_on": "2024-07-01"},
        {"id": "aed", "kind": "aed", "completed_on": "2024-07-02"},
        {"id": "cpr-again", "kind": "cpr", "completed_on": "2025-07-01"},
    ]  # fmt: skip
    response = APIClient().post(
        "/api/v1/evaluate",
        {"credential": "nfb-cpt", "certified_on": "2024-01-10", "as_of": "2026-01-01", "activities": activities},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["organization"], body["required"], body["status"]) == ("NFB", "40.00", "in_progress")
    # Four years, ending the day before the 4th anniversary, then three months of grace.
    assert body["cycle"] == {"start": "2024-01-10", "end": "2028-01-09", "grace_until": "2028-04-09"}
    applied = {a["id"]: (a["applied"], a["reason"]) for a in body["activities"]}
    assert applied == {
        "catalog": ("4.00", None),  # the amount from NFB's catalog
        "bad-number": ("0.00", "invalid_course_number"),
        "ace": ("3.00", None),  # ACE's 0.6 (0.1 an hour) = 6 hours at NFB's 0.5 CEU an hour
        "teach-1": ("3.00", None),
        "teach-2": ("1.00", "cap_reached"),  # 4 a cycle year
        "teach-3": ("3.00", None),  # the cycle's second year
        "college": ("0.00", "grade_too_low"),  # NFB wants B or better
        "first-aid": ("0.00", "not_approved"),
        "cpr": ("1.00", None),  # a fixed 1 CEU, whatever the hours
        "aed": ("1.00", None),
        "cpr-again": ("0.00", "cap_reached"),  # CPR and AED: 2 a cycle
    }
    assert body["earned"] == "16.00"


def test_a_trainer_is_served_end_to_end(nfb_org, client, settings):
    today = timezone.localdate()
    trainer = UserFactory(email="nora@example.com", name="Nora North")
    credential = Credential.objects.get(code="NFB-CPT")
    start = add_years(today, -4) - dt.timedelta(days=30)  # the cycle ended a month ago: in NFB's grace period
    certification = certification_add(
        actor=trainer,
        user=trainer,
        credential=credential,
        certified_on=start,
        number="NFB-7781",
        cpr_aed_valid_until=today + dt.timedelta(days=400),
    )
    cycle = certification.cycles.get()
    assert cycle.end == add_years(start, 4) - dt.timedelta(days=1)
    assert cycle.grace_until is not None and cycle.end < today <= cycle.grace_until

    def log(**values):
        return activity_create(actor=trainer, user=trainer, completed_on=cycle.start + dt.timedelta(days=60), **values)

    log(kind="approved_course", awarding_org="NFB", course_number="NFB-1001", amount=Decimal("4"), title="Strength")
    log(kind="other_org_course", awarding_org="ACE", amount=Decimal("0.6"), title="An ACE course")
    log(kind="college_course", credit_hours=Decimal("6"), term="semester", grade="B", title="Kinesiology")
    log(kind="teaching", amount=Decimal("6"), title="Taught a workshop")
    log(kind="cpr", title="CPR class")
    log(kind="workout", hours=Decimal("1"), title="A spin class")
    lookup = course_lookup(number="CA23456", organization=nfb_org)
    assert lookup.message == "CA23456 is not an NFB course number (expected a pattern like NFB-1234)."
    assert course_lookup(number="nfb-1002", organization=nfb_org).message == "Mobility for Masters Athletes: 3.50 CEUs."

    # A petition to NFB for an attendance-only workshop, approved at NFB's guide of 0.5 CEU an hour.
    workshop = log(kind="attendance_only", hours=Decimal("4"), title="Kettlebell workshop")
    upload = SimpleUploadedFile("certificate.pdf", make_pdf(), content_type="application/pdf")
    evidence_attach(actor=trainer, activity=workshop, upload=upload)
    petition = petition_submit(actor=trainer, activity=workshop, organization=nfb_org, hours=Decimal("4"),
                               description="Four hours of kettlebell technique.")  # fmt: skip
    assert petition_suggested_amount(petition=petition) == Decimal("2.00")
    reviewer = MembershipFactory(organization=nfb_org, role="reviewer").user
    petition_decide(actor=reviewer, organization=nfb_org, petition_id=petition.pk, decision="approve",
                    amount=Decimal("2"))  # fmt: skip

    (progress,) = user_progress(user=trainer, as_of=today)
    result = progress.result
    # 4 + 3 (ACE converted) + 30 (6 credit hours at 5) + 4 (teaching capped) + 1 (CPR) + 2 (petition).
    assert (result.earned, result.required, result.unit, result.status) == (Decimal("44.00"), Decimal("40.00"),
                                                                            "CEU", "grace")  # fmt: skip

    client.force_login(trainer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "NFB-CPT: 44.0 of 40.0 CEUs earned over the cycle" in page

    # Renewal in grace: NFB's renewal fee plus its late fee; the next cycle keeps the schedule.
    quote = renewal_quote(certification=certification, cycle=cycle, on=today)
    assert (quote.fee_kind, quote.fee, dict(quote.lines)) == (
        Renewal.LATE,
        Decimal("140"),
        {"Renewal fee": Decimal("95.00"), "Late fee (grace period)": Decimal("45")},
    )
    renew_page = client.get(reverse("certification_renew", args=[certification.pk])).content.decode()
    assert "Late fee (grace period)" in renew_page and '<th class="num">$140</th>' in renew_page
    renewal = certification_renew(actor=trainer, certification=certification, on=today)
    assert (renewal.fee_kind, renewal.fee) == (Renewal.LATE, Decimal("140.00"))
    assert renewal.next_cycle.start == cycle.end + dt.timedelta(days=1)
    assert renewal.next_cycle.end == add_years(renewal.next_cycle.start, 4) - dt.timedelta(days=1)

    # Audit at NFB's rate (a quarter of renewals; this draw selects), 21 days to send the documents.
    audit = audit_consider(renewal=renewal, rng=_ZeroDraw())
    assert audit is not None and audit.due_on == today + dt.timedelta(days=21)
    assert Notification.objects.filter(user=trainer, kind="audit_selected").exists()
    # The auditor's packet and the trainer's export follow NFB's rules and unit.
    packet = audit_packet_render(packet_id=audit_packet_request(actor=reviewer, audit=audit).pk)
    assert (packet.state, packet.error) == ("done", "") and packet.pages >= 2
    exported = b"".join(client.get(reverse("activities_csv")).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(exported)))
    applied = {row[2]: row[rows[0].index("NFB-CPT applied") :] for row in rows[1:]}
    assert applied["Taught a workshop"] == [
        "4.00",
        "NFB caps teaching and lecturing at 4 CEUs a cycle year (year 1): 4.00 of 6.00 applied.",
    ]
    assert audit_sweep(today=today + dt.timedelta(days=22)) == {"due": 0, "failed": 1}
    assert Audit.objects.get(pk=audit.pk).status == Audit.FAILED
    assert Cycle.objects.get(pk=renewal.next_cycle.pk).recorded_status == Cycle.INACTIVE


def test_reminders_follow_the_imported_cycle(nfb_org, client):
    today = timezone.localdate()
    trainer = UserFactory(email="mo@example.com")
    start = add_years(today, -4) + dt.timedelta(days=29)  # the four-year cycle ends in 29 days
    client.force_login(trainer)
    credential = Credential.objects.get(code="NFB-MT")
    form = client.get(reverse("certification_add")).content.decode()
    assert "NFB (National Fitness Board)" in form  # the trainer's own page offers the imported body
    response = client.post(
        reverse("certification_add"),
        {
            "organization": nfb_org.pk,
            "credential": credential.pk,
            "certified_on": start.isoformat(),
            "cpr_aed_valid_until": (today + dt.timedelta(days=400)).isoformat(),
        },
    )
    assert response.status_code == 302
    activity_create(actor=trainer, user=trainer, kind="approved_course", awarding_org="NFB", course_number="NFB-1002",
                    amount=Decimal("3.5"), completed_on=today - dt.timedelta(days=10))  # fmt: skip
    reminders_sweep(as_of=today)
    notice = Notification.objects.get(user=trainer, kind="cycle_ending")
    assert notice.context["threshold"] == 30 and notice.context["unit"] == "CEU"
    assert (notice.context["required"], notice.context["remaining"]) == ("60.00", "56.50")


def test_the_demo_catalog_follows_an_imported_format(nfb_org):
    courses = demo_catalog_courses(organization=nfb_org, count=20)
    assert len(courses) == 20
    assert all(c["course_number"].startswith("NFB-") and len(c["course_number"]) == 8 for c in courses)
    assert all(c["amount"] == c["amount"].quantize(Decimal("0.01")) for c in courses)
