"""Trainer pages: add, list, detail, edit, remove, renew; another person's certification is a 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from accounts.models import ActionLog
from certifications.models import Certification, Renewal
from certifications.rules import add_months
from tests.certifications.conftest import certify, credential, earn, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_t(client, trainer):
    client.force_login(trainer)
    return client


def add_data(shipped, code="ACSM-CPT", **over):
    data = {
        "organization": shipped[code.split("-")[0]].pk,
        "credential": credential(code).pk,
        "number": " 123456 ",
        "certified_on": "03/15/2024",
        "cycle_start": "",
        "cpr_aed_valid_until": "2027-01-31",
    }
    return {**data, **over}


def test_adding_a_certification_accepts_us_dates_and_opens_its_cycle(client_t, shipped, trainer):
    response = client_t.post(reverse("certification_add"), add_data(shipped))
    certification = Certification.objects.get(user=trainer)
    assert response.status_code == 302 and response.url == reverse("certification_detail", args=[certification.pk])
    assert certification.number == "123456" and certification.cpr_aed_valid_until == dt.date(2027, 1, 31)
    cycle = certification.cycles.get()
    assert (cycle.start, cycle.end, cycle.grace_until) == (
        dt.date(2024, 3, 15),
        dt.date(2027, 3, 14),
        dt.date(2027, 9, 14),
    )
    assert ActionLog.objects.filter(action="certification.added", subject_user=trainer).exists()


@pytest.mark.parametrize(
    "over, field, words",
    [
        ({"cycle_start": "2999-01-01"}, "cycle_start", "can't start after today"),
        ({"certified_on": "2024-03-15", "cycle_start": "2023-01-01"}, "cycle_start", "before you were first certified"),
        ({"certified_on": "2999-01-01"}, "certified_on", "can't be in the future"),
        ({"certified_on": "31/12/2024"}, "certified_on", "Enter the date as MM/DD/YYYY"),
        ({"certified_on": ""}, "certified_on", "Enter the date you were first certified"),
        ({"organization": ""}, "organization", "Choose the organization that certified you"),
    ],
)
def test_add_form_errors_are_in_plain_words(client_t, shipped, trainer, over, field, words):
    response = client_t.post(reverse("certification_add"), add_data(shipped, **over))
    assert response.status_code == 200
    assert any(words in e for e in response.context["form"].errors[field])
    assert not Certification.objects.filter(user=trainer).exists()


def test_a_credential_of_another_organization_is_refused(client_t, shipped, trainer):
    response = client_t.post(reverse("certification_add"), add_data(shipped, organization=shipped["ACE"].pk))
    assert "not a certification of the organization you chose" in response.content.decode()
    assert not Certification.objects.exists()


def test_a_duplicate_certification_is_refused(client_t, shipped, trainer):
    certify(trainer, "ACSM-CPT", start=dt.date(2024, 3, 15))
    response = client_t.post(reverse("certification_add"), add_data(shipped))
    assert "You already have your ACSM-CPT certification here" in response.content.decode()
    assert Certification.objects.filter(user=trainer).count() == 1


def test_the_credential_select_follows_the_organization(client_t, shipped):
    page = client_t.get(reverse("certification_add")).content.decode()
    assert 'hx-get="/certifications/credentials/"' in page and "ACE-CPT" in page and "ACSM-EP" in page
    options = client_t.get(reverse("certification_credential_options"), {"organization": shipped["ACE"].pk})
    body = options.content.decode()
    assert "ACE-GFI" in body and "ACSM" not in body


def test_list_and_detail_show_every_cycle_with_dates_and_status(client_t, shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 6, 2))
    earn(trainer, 45, years_ago(today, 5))
    from certifications.services import certification_renew

    certification_renew(actor=trainer, certification=acsm, on=years_ago(today, 3, 3))
    old, current = acsm.cycles.order_by("start")
    assert client_t.get(reverse("certification_list")).status_code == 200
    page = client_t.get(reverse("certification_detail", args=[acsm.pk])).content.decode()
    for day in (old.start, old.end, old.grace_until, current.start, current.end, current.grace_until):
        assert f"{date_format(day)}" in page
    assert "Renewed" in page and "Grace period (inactive)" in page
    assert "you must not present yourself as certified until you renew" in page


def test_lapsed_and_expired_statements(client_t, shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 4))
    ace = certify(trainer, "ACE-CPT", start=years_ago(today, 3))
    assert (
        "reinstatement goes through ACSM"
        in client_t.get(reverse("certification_detail", args=[acsm.pk])).content.decode()
    )
    page = client_t.get(reverse("certification_detail", args=[ace.pk])).content.decode()
    assert "expired" in page and "ACE gives no grace period" in page
    dashboard = client_t.get(reverse("dashboard")).content.decode()
    assert "reinstatement goes through ACSM" in dashboard and "ACE gives no grace period" in dashboard


def test_edit_logs_before_and_after(client_t, shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=dt.date(2024, 3, 15), cpr=dt.date(2026, 1, 1))
    response = client_t.post(
        reverse("certification_edit", args=[acsm.pk]), {"number": "NEW-1", "cpr_aed_valid_until": "02/01/2028"}
    )
    assert response.status_code == 302
    acsm.refresh_from_db()
    assert acsm.number == "NEW-1" and acsm.cpr_aed_valid_until == dt.date(2028, 2, 1)
    log = ActionLog.objects.get(action="certification.updated")
    assert log.data["before"]["cpr_aed_valid_until"] == "2026-01-01"
    assert log.data["after"] == {"number": "NEW-1", "cpr_aed_valid_until": "2028-02-01"}


def test_edit_rejects_a_bad_date(client_t, shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=dt.date(2024, 3, 15))
    response = client_t.post(reverse("certification_edit", args=[acsm.pk]), {"cpr_aed_valid_until": "soon"})
    assert response.status_code == 200 and "MM/DD/YYYY" in response.content.decode()


def test_remove_asks_then_removes_and_logs(client_t, shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=dt.date(2024, 3, 15))
    activity = earn(trainer, 5, dt.date(2024, 6, 1))
    assert "Remove ACSM-CPT?" in client_t.get(reverse("certification_remove", args=[acsm.pk])).content.decode()
    assert Certification.objects.filter(pk=acsm.pk).exists()
    response = client_t.post(reverse("certification_remove", args=[acsm.pk]))
    assert response.status_code == 302 and not Certification.objects.filter(pk=acsm.pk).exists()
    activity.refresh_from_db()  # activities stay
    log = ActionLog.objects.get(action="certification.removed")
    assert log.data["before"]["credential"] == "ACSM-CPT"


def test_renew_page_shows_the_late_fee_in_grace_then_renews(client_t, shipped, trainer, today):
    start = add_months(years_ago(today, 3), -2)  # ended two months ago: grace
    acsm = certify(trainer, "ACSM-CPT", start=start)
    earn(trainer, 45, add_months(start, 6))
    url = reverse("certification_renew", args=[acsm.pk])
    page = client_t.get(url).content.decode()
    assert "Late fee (grace period)" in page and "$80" in page and "$60" in page and "$140" in page
    cycle = acsm.cycles.get()
    assert f"{date_format(cycle.end + dt.timedelta(days=1))}" in page  # next cycle on the anniversary
    response = client_t.post(url, {"cycle": cycle.pk})
    assert response.status_code == 302
    client_t.post(url, {"cycle": cycle.pk})  # a double submit
    renewal = Renewal.objects.get()
    assert renewal.fee == Decimal("140.00") and renewal.next_cycle.start == cycle.end + dt.timedelta(days=1)


def test_renew_page_says_why_not(client_t, shipped, trainer, today):
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    url = reverse("certification_renew", args=[acsm.pk])
    page = client_t.get(url).content.decode()
    assert "You can't renew yet" in page and "Submit renewal" not in page and "45.0 CECs still missing" in page
    client_t.post(url, {"cycle": acsm.cycles.get().pk})
    assert not Renewal.objects.exists()


@pytest.mark.parametrize(
    "name", ["certification_detail", "certification_edit", "certification_remove", "certification_renew"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_certification_is_a_404(client, shipped, trainer, other_trainer, name, method):
    theirs = certify(other_trainer, "ACSM-CPT", start=dt.date(2024, 3, 15))
    client.force_login(trainer)
    response = getattr(client, method)(reverse(name, args=[theirs.pk]))
    assert response.status_code == 404
    assert Certification.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("name", ["certification_list", "certification_add", "dashboard"])
def test_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_after_an_on_time_renewal_the_next_cycle_is_announced(client_t, shipped, trainer, today):
    from certifications.services import certification_renew

    start = add_months(years_ago(today, 3), 1)  # ends in a month
    acsm = certify(trainer, "ACSM-CPT", start=start)
    earn(trainer, 45, add_months(start, 6))
    renewal = certification_renew(actor=trainer, certification=acsm, on=today)
    for url in (reverse("certification_detail", args=[acsm.pk]), reverse("dashboard")):
        page = client_t.get(url).content.decode()
        assert f"Renewed: this cycle starts on {date_format(renewal.next_cycle.start)}" in page


def test_a_certification_an_organization_still_holds_records_about_is_not_removed(client_t, shipped, trainer):
    from unittest import mock

    from django.db.models import ProtectedError

    acsm = certify(trainer, "ACSM-CPT", start=dt.date(2024, 3, 15))
    with mock.patch.object(Certification, "delete", side_effect=ProtectedError("audit", set())):
        response = client_t.post(reverse("certification_remove", args=[acsm.pk]), follow=True)
    assert "can&#x27;t be removed: ACSM holds records about it" in response.content.decode()
    assert Certification.objects.filter(pk=acsm.pk).exists()
    assert not ActionLog.objects.filter(action="certification.removed").exists()


def test_the_certification_page_shows_its_audit(client, trainer):
    from bench.audit_packet import seed_audit
    from certifications.defaults import load_defaults
    from certifications.models import Credential

    load_defaults()
    audit = seed_audit(user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), images=1, pdfs=0)
    client.force_login(trainer)
    page = client.get(reverse("certification_detail", args=[audit.cycle.certification_id])).content.decode()
    assert "ACSM audit of the cycle" in page and "waiting for documents" in page
    assert reverse("audit_detail", args=[audit.pk]) in page and f"{date_format(audit.due_on)}" in page


@pytest.mark.parametrize(
    "code, ended_months_ago, says",
    [
        ("ACSM-CPT", 8, "The certification has lapsed: reinstatement goes through ACSM."),
        ("ACE-CPT", 2, "renewing it now goes through ACE"),
    ],
)
def test_renew_page_of_a_lapsed_or_expired_certification_promises_no_renewal(
    client_t, shipped, trainer, today, code, ended_months_ago, says
):
    years = 3 if code.startswith("ACSM") else 2
    certification = certify(trainer, code, start=add_months(years_ago(today, years), -ended_months_ago))
    page = client_t.get(reverse("certification_renew", args=[certification.pk])).content.decode()
    assert says in page and "can't be renewed here" in page
    # Only the organization can act: the page must not describe a renewal that will never happen here.
    assert "is recorded as renewed" not in page and "Your next cycle runs" not in page
    assert "Submit renewal" not in page


@pytest.mark.parametrize(
    "field, value",
    [("certified_on", "01/01/0001"), ("certified_on", "12/31/1949"), ("cpr_aed_valid_until", "12/31/9999")],
)
def test_the_add_form_refuses_dates_nobody_means_like_the_api(client_t, shipped, trainer, field, value):
    response = client_t.post(reverse("certification_add"), add_data(shipped, **{field: value}))
    assert response.status_code == 200
    assert "Enter a date between Jan 1, 1950 and Dec 31, 2100." in response.content.decode()
    assert not Certification.objects.exists()


def test_the_edit_form_refuses_a_cpr_aed_date_nobody_means(client_t, shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=dt.date(2024, 3, 15), cpr=dt.date(2026, 1, 1))
    response = client_t.post(reverse("certification_edit", args=[acsm.pk]), {"cpr_aed_valid_until": "12/31/9999"})
    assert response.status_code == 200 and "Enter a date between" in response.content.decode()
    acsm.refresh_from_db()
    assert acsm.cpr_aed_valid_until == dt.date(2026, 1, 1)
