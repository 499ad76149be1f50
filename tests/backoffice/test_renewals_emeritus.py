"""Renewals list, reinstatement after lapse (admins only, fee recorded), emeritus applications."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActionLog
from certifications.backoffice.selectors import emeritus_eligibility
from certifications.models import Cycle, EmeritusApplication, Renewal
from certifications.services import cycle_create
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(trainer, acsm_cpt):
    return CertificationFactory(user=trainer, credential=acsm_cpt, certified_on=dt.date(2020, 1, 1))


@pytest.fixture
def veteran(trainer, acsm_cpt):
    """Certified since 2010 without a gap; born 1950."""
    trainer.date_of_birth = dt.date(1950, 5, 1)
    trainer.save()
    certification = CertificationFactory(user=trainer, credential=acsm_cpt, certified_on=dt.date(2010, 1, 1))
    for year in (2013, 2016, 2019, 2022, 2025):
        cycle_create(certification=certification, start=dt.date(year, 1, 1))
    return certification


def test_the_renewals_list_shows_fees_and_audits(client, reviewer_b, trainer, acsm_cpt, org_b):
    from audits.models import Audit

    certification = CertificationFactory(user=trainer, credential=acsm_cpt, certified_on=dt.date(2023, 3, 15))
    cycle = certification.cycles.get()
    renewal = Renewal.objects.create(cycle=cycle, earned=Decimal("45"), fee=Decimal("60"))
    Audit.objects.create(organization=org_b, renewal=renewal, cycle=cycle, user=trainer, due_on=dt.date(2026, 1, 1))
    client.force_login(reviewer_b)
    response = client.get(reverse("org_renewals", args=["acsm"]))
    assert list(response.context["page"]) == [renewal]
    assert b"Renewal fee: 60.00" in response.content and b"Waiting for documents" in response.content
    assert client.get(reverse("org_renewals", args=["ace"])).status_code == 404


def test_an_admin_reinstates_a_lapsed_certification_with_the_fee(client, admin_b, lapsed):
    client.force_login(admin_b)
    url = reverse("org_certification", args=["acsm", lapsed.pk])
    page = client.get(url)
    assert page.context["progress"].result.status == "lapsed" and b"Reinstate" in page.content
    assert b">Lapsed</span>" in page.content  # the status in words, not its code
    today = timezone.localdate()
    assert client.post(url, {"on": today.isoformat()}).status_code == 302
    renewal = Renewal.objects.get(cycle__certification=lapsed)
    assert (renewal.fee_kind, renewal.fee) == ("reinstatement", Decimal("225.00"))  # RULES §5
    assert renewal.next_cycle.start == today and lapsed.cycles.count() == 2
    log = ActionLog.objects.get(action="certification.reinstated")
    assert log.actor == admin_b and log.data["before"]["status"] == "lapsed"
    assert log.data["after"]["fee"] == "225.00" and log.data["after"]["fee_kind"] == "reinstatement"
    # Twice is refused: the certification is no longer lapsed.
    assert client.post(url, {"on": today.isoformat()}).status_code == 400
    assert Renewal.objects.count() == 1


def test_a_reviewer_cannot_reinstate(client, reviewer_b, lapsed):
    client.force_login(reviewer_b)
    assert client.post(reverse("org_certification", args=["acsm", lapsed.pk]), {"on": "2026-01-01"}).status_code == 403
    assert not Renewal.objects.exists()


def test_a_certification_in_progress_cannot_be_reinstated(client, admin_b, trainer, acsm_cpt):
    current = CertificationFactory(user=trainer, credential=acsm_cpt, certified_on=timezone.localdate())
    client.force_login(admin_b)
    on = timezone.localdate().isoformat()
    response = client.post(reverse("org_certification", args=["acsm", current.pk]), {"on": on})
    assert response.status_code == 400 and b"Only a lapsed" in response.content


def test_a_current_certification_is_not_reinstated_from_a_future_date(client, admin_b, trainer, acsm_cpt):
    # As of a date 4 years ahead the cycle would be lapsed: the status that counts is today's.
    current = CertificationFactory(user=trainer, credential=acsm_cpt, certified_on=timezone.localdate())
    client.force_login(admin_b)
    later = timezone.localdate() + dt.timedelta(days=4 * 366)
    response = client.post(reverse("org_certification", args=["acsm", current.pk]), {"on": later.isoformat()})
    assert response.status_code == 400 and b"in the future" in response.content
    assert not Renewal.objects.exists() and current.cycles.count() == 1


def test_emeritus_eligibility_checks_age_years_and_continuity(veteran, trainer, other_trainer, acsm_cpt):
    lapsed = CertificationFactory(user=other_trainer, credential=acsm_cpt, certified_on=dt.date(2020, 1, 1))
    today = timezone.localdate()
    assert emeritus_eligibility(certification=veteran, on=today).eligible
    trainer.date_of_birth = today.replace(year=today.year - 60)
    trainer.save()
    assert "65 or older" in " ".join(emeritus_eligibility(certification=veteran, on=today).problems)
    other_trainer.date_of_birth = dt.date(1950, 1, 1)
    other_trainer.save()
    problems = " ".join(emeritus_eligibility(certification=lapsed, on=today).problems)
    assert "not been held continuously" in problems and "10 years" in problems


def test_emeritus_counts_the_years_since_the_last_break_not_since_the_first_certification(
    trainer, other_trainer, acsm_cpt
):
    for person in (trainer, other_trainer):
        person.date_of_birth = dt.date(1950, 5, 1)
        person.save()
    today = timezone.localdate()
    certification = CertificationFactory(user=trainer, credential=acsm_cpt, certified_on=dt.date(2000, 1, 1))
    # Lapsed in 2003, reinstated in 2004, then renewed on time ever since.
    for start in (2004, 2007, 2010, 2013, 2016, 2019, 2022, 2025):
        cycle_create(certification=certification, start=dt.date(start, 6, 1))
    assert emeritus_eligibility(certification=certification, on=today).eligible  # 22 unbroken years
    # A break 8 years ago leaves 8 unbroken years: not yet (not the 26 since 2000).
    recent = CertificationFactory(user=other_trainer, credential=acsm_cpt, certified_on=dt.date(2000, 1, 1))
    for start in (2003, 2018, 2021, 2024):
        cycle_create(certification=recent, start=dt.date(start, 1, 1))
    eligibility = emeritus_eligibility(certification=recent, on=today)
    assert not eligibility.eligible and eligibility.years_certified == _years_since(dt.date(2018, 1, 1), today)
    assert "since Jan 1, 2018" in " ".join(eligibility.problems)


def test_a_holder_in_the_grace_period_is_not_continuously_certified(trainer, acsm_cpt):
    # ACSM's grace period is "expired and inactive" (RULES §3): renew first, then apply.
    trainer.date_of_birth = dt.date(1950, 5, 1)
    trainer.save()
    certification = CertificationFactory(user=trainer, credential=acsm_cpt, certified_on=dt.date(2010, 1, 1))
    for year in (2013, 2016, 2019, 2022):  # the last cycle ends 2024-12-31, grace until 2025-06-30
        cycle_create(certification=certification, start=dt.date(year, 1, 1))
    assert emeritus_eligibility(certification=certification, on=dt.date(2024, 12, 31)).eligible
    in_grace = emeritus_eligibility(certification=certification, on=dt.date(2025, 2, 1))
    assert not in_grace.continuous and not in_grace.eligible


def _years_since(start, on):
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def test_ace_does_not_offer_emeritus(trainer, ace_cpt):
    certification = CertificationFactory(user=trainer, credential=ace_cpt)
    assert not emeritus_eligibility(certification=certification, on=timezone.localdate()).offered


def test_apply_then_approve_makes_it_emeritus_and_displays_the_suffix(client, veteran, trainer, reviewer_b):
    client.force_login(trainer)
    url = reverse("emeritus_application", args=[veteran.pk])
    assert client.post(url, {}).status_code == 400  # the retired attestation is required
    assert client.post(url, {"retired_attested": "on"}).status_code == 302
    application = EmeritusApplication.objects.get()
    assert application.eligibility["age"] >= 65
    client.force_login(reviewer_b)
    decide = reverse("org_emeritus_application", args=["acsm", application.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    veteran.refresh_from_db()
    assert veteran.display_code == "ACSM-CPT-E"
    assert veteran.display_name == "ACSM Certified Personal Trainer – Emeritus"
    current = veteran.cycles.order_by("-start").first()
    assert current.recorded_status == Cycle.EMERITUS
    log = ActionLog.objects.get(action="emeritus.approved")
    assert log.actor == reviewer_b and log.data["after"]["credential"] == "ACSM-CPT-E"
    assert ActionLog.objects.filter(action="emeritus.applied", actor=trainer).exists()
    # Shown everywhere through the same property: the staff list too.
    assert b"ACSM-CPT-E" in client.get(reverse("org_certifications", args=["acsm"])).content


def test_reinstating_from_emeritus_uses_the_emeritus_fee(client, veteran, trainer, reviewer_b, admin_b, org_b):
    from certifications.backoffice.services import emeritus_apply, emeritus_decide

    application = emeritus_apply(user=trainer, certification=veteran, retired_attested=True)
    emeritus_decide(actor=reviewer_b, organization=org_b, application_id=application.pk, approve=True)
    client.force_login(admin_b)
    client.post(reverse("org_certification", args=["acsm", veteran.pk]), {"on": timezone.localdate().isoformat()})
    renewal = Renewal.objects.get()
    assert (renewal.fee_kind, renewal.fee) == ("emeritus_reinstatement", Decimal("165.00"))
    veteran.refresh_from_db()
    assert veteran.display_code == "ACSM-CPT"


def test_denial_needs_a_reason_and_other_people_get_404(client, veteran, trainer, other_trainer, reviewer_a):
    client.force_login(other_trainer)
    assert client.get(reverse("emeritus_application", args=[veteran.pk])).status_code == 404
    client.force_login(trainer)
    client.post(reverse("emeritus_application", args=[veteran.pk]), {"retired_attested": "on"})
    application = EmeritusApplication.objects.get()
    client.force_login(reviewer_a)
    assert client.get(reverse("org_emeritus_application", args=["ace", application.pk])).status_code == 404


def test_the_certification_search_refuses_a_nul_instead_of_a_500(client, reviewer_b, trainer, acsm_cpt):
    certification = CertificationFactory(user=trainer, credential=acsm_cpt, number="ACSM-77")
    client.force_login(reviewer_b)
    response = client.get(reverse("org_certifications", args=["acsm"]), {"q": "ACSM-77\x00"})
    assert response.status_code == 400  # the NUL middleware answers before the view
    response = client.get(reverse("org_certifications", args=["acsm"]), {"q": "ACSM-77"})
    assert list(response.context["page"]) == [certification]
