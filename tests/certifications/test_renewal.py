"""certification_renew: on time, in grace, refused when lapsed or not met, idempotent (RULES §3, §5)."""

import datetime as dt
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import ActionLog
from certifications.models import Cycle, Renewal
from certifications.services import certification_renew
from tests.certifications.conftest import certify, earn

pytestmark = pytest.mark.django_db

START = dt.date(2022, 3, 15)  # ACSM cycle 2022-03-15 … 2025-03-14, grace until 2025-09-14


@pytest.fixture
def acsm(shipped, trainer):
    certification = certify(trainer, "ACSM-CPT", start=START)
    earn(trainer, 45, dt.date(2024, 5, 1))
    return certification


def renew(certification, on, **kw):
    with mock.patch("audits.services.audit_consider") as audit:
        renewal = certification_renew(actor=certification.user, certification=certification, on=on, **kw)
    return renewal, audit


def test_renewing_on_time_records_the_renewal_and_opens_the_next_cycle(acsm, django_capture_on_commit_callbacks):
    with mock.patch("audits.services.audit_consider") as audit:
        with django_capture_on_commit_callbacks(execute=True):
            renewal = certification_renew(actor=acsm.user, certification=acsm, on=dt.date(2025, 2, 1))
    assert (renewal.fee_kind, renewal.fee, renewal.earned) == (Renewal.RENEWAL, Decimal("60.00"), Decimal("45.00"))
    old, new = acsm.cycles.order_by("start")
    assert old.recorded_status == Cycle.RENEWED and old.fee_due == Decimal("60.00")
    assert (new.start, new.end, new.grace_until) == (dt.date(2025, 3, 15), dt.date(2028, 3, 14), dt.date(2028, 9, 14))
    assert renewal.next_cycle == new
    audit.assert_called_once_with(renewal=renewal)
    log = ActionLog.objects.get(action="certification.renewed")
    assert log.data["after"]["next_cycle"] == "2025-03-15…2028-03-14"
    assert log.data["before"]["status"] == "requirements_met"


def test_audit_is_considered_only_after_commit(acsm):
    with mock.patch("audits.services.audit_consider") as audit:
        certification_renew(actor=acsm.user, certification=acsm, on=dt.date(2025, 2, 1))
    audit.assert_not_called()  # the test transaction never commits


def test_renewing_in_grace_charges_the_late_fee_and_keeps_the_anniversary(acsm):
    renewal, _ = renew(acsm, dt.date(2025, 7, 20))
    assert renewal.fee_kind == Renewal.LATE
    assert renewal.fee == Decimal("140.00")  # RULES §3/§5: recertification fee and late fee
    assert renewal.next_cycle.start == dt.date(2025, 3, 15)  # the original schedule, not the payment date
    assert renewal.submitted_at.date() == dt.date(2025, 7, 20)


def test_the_late_fee_is_the_one_published_on_the_day_of_payment(acsm):
    from certifications.models import RuleSetVersion
    from certifications.selectors import renewal_quote

    current = RuleSetVersion.objects.get(organization=acsm.credential.organization, status="published")
    params = {**current.params, "fees": {**current.params["fees"], "late": "95"}}
    RuleSetVersion.objects.create(
        organization=current.organization, effective_from=dt.date(2025, 5, 1), status="published", params=params
    )
    cycle = acsm.cycles.get()
    assert renewal_quote(certification=acsm, cycle=cycle, on=dt.date(2025, 4, 20)).fee == Decimal("140")  # 60 + 80
    assert renewal_quote(certification=acsm, cycle=cycle, on=dt.date(2025, 7, 20)).fee == Decimal("155")  # 60 + 95


def test_grace_period_credits_complete_the_cycle_being_renewed(shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=START)
    earn(trainer, 40, dt.date(2024, 5, 1))
    with pytest.raises(ValidationError):
        certification_renew(actor=trainer, certification=acsm, on=dt.date(2025, 6, 1))
    earn(trainer, 5, dt.date(2025, 6, 2))  # in grace
    renewal, _ = renew(acsm, dt.date(2025, 6, 3))
    assert renewal.earned == Decimal("45.00")


def test_a_lapsed_certification_is_refused_reinstatement_goes_through_acsm(acsm):
    with pytest.raises(ValidationError) as error:
        certification_renew(actor=acsm.user, certification=acsm, on=dt.date(2025, 9, 15))
    assert "reinstatement goes through ACSM" in str(error.value)
    assert not Renewal.objects.exists() and acsm.cycles.count() == 1


def test_an_expired_ace_certification_is_refused(shipped, trainer):
    ace = certify(trainer, "ACE-CPT", start=dt.date(2023, 1, 10))
    earn(trainer, "2.0", dt.date(2024, 1, 5), org="ACE")
    with pytest.raises(ValidationError) as error:
        certification_renew(actor=trainer, certification=ace, on=dt.date(2025, 1, 10))
    assert "expired" in str(error.value) and "no grace period" in str(error.value)


def test_requirements_not_met_are_refused_with_what_is_missing(shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=START)
    earn(trainer, 30, dt.date(2024, 5, 1))
    with pytest.raises(ValidationError) as error:
        certification_renew(actor=trainer, certification=acsm, on=dt.date(2025, 2, 1))
    assert error.value.message_dict["cycle"] == [
        "You have 30.0 of the 45.0 CECs required: 15.0 CECs still missing before you can renew."
    ]
    assert not Renewal.objects.exists()


def test_acsm_refuses_without_cpr_aed_through_the_cycle(shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=START, cpr=dt.date(2024, 12, 31))
    earn(trainer, 45, dt.date(2024, 5, 1))
    with pytest.raises(ValidationError) as error:
        certification_renew(actor=trainer, certification=acsm, on=dt.date(2025, 2, 1))
    assert "cpr_aed_valid_until" in error.value.message_dict


def test_ace_renews_without_a_fee_amount(shipped, trainer):
    ace = certify(trainer, "ACE-CPT", start=dt.date(2023, 1, 10), cpr=None)
    earn(trainer, "2.0", dt.date(2024, 1, 5), org="ACE")
    renewal, _ = renew(ace, dt.date(2024, 12, 1))
    assert renewal.fee is None and renewal.next_cycle.start == dt.date(2025, 1, 10)


def test_renewing_twice_creates_one_renewal(acsm):
    first, _ = renew(acsm, dt.date(2025, 2, 1))
    again, _ = renew(acsm, dt.date(2025, 2, 1))
    by_cycle, _ = renew(acsm, dt.date(2025, 2, 1), cycle=first.cycle)
    assert first == again == by_cycle
    assert Renewal.objects.count() == 1 and acsm.cycles.count() == 2
    assert ActionLog.objects.filter(action="certification.renewed").count() == 1


def test_renewing_twice_in_grace_creates_one_renewal(acsm):
    first, _ = renew(acsm, dt.date(2025, 6, 1))
    again, _ = renew(acsm, dt.date(2025, 6, 1))
    assert first == again and Renewal.objects.count() == 1


def test_a_cycle_of_another_certification_is_refused(acsm, shipped, other_trainer):
    other = certify(other_trainer, "ACSM-CPT", start=START)
    with pytest.raises(ValidationError):
        certification_renew(actor=acsm.user, certification=acsm, on=dt.date(2025, 2, 1), cycle=other.cycles.get())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_create_one_renewal(shipped, trainer):
    acsm = certify(trainer, "ACSM-CPT", start=START)
    earn(trainer, 45, dt.date(2024, 5, 1))
    barrier, results, errors = threading.Barrier(3), [], []

    def submit():
        try:
            barrier.wait()
            results.append(certification_renew(actor=trainer, certification=acsm, on=dt.date(2025, 2, 1)).pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(3)]
    with mock.patch("audits.services.audit_consider"):  # patched once: patching inside threads races
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert not errors
    assert len(set(results)) == 1 and Renewal.objects.count() == 1 and acsm.cycles.count() == 2


def test_credits_after_a_grace_renewal_count_once_in_the_next_cycle_not_also_in_the_renewed_one(acsm):
    from certifications.selectors import certification_cycles
    from credits.selectors import activity_applications

    renewal, _ = renew(acsm, dt.date(2025, 7, 20))  # in grace (ended 2025-03-14, grace until 2025-09-14)
    later = earn(acsm.user, 3, dt.date(2025, 8, 1))  # after the renewal, still inside the old grace window
    old, new = certification_cycles(certification=acsm, as_of=dt.date(2025, 8, 2))
    assert new.result.earned == Decimal("3.00")
    assert old.result.earned == Decimal("45.00")  # what the renewal was recorded with, not 48
    assert str(later.pk) not in {a.id for a in old.result.activities if a.applied}
    (application,) = activity_applications(user=acsm.user, as_of=dt.date(2025, 8, 2))[later.pk]
    assert application.cycle_start == renewal.next_cycle.start and application.applied == Decimal("3.00")
