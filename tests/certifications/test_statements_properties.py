"""Stored statements never drift: random sequences of the writes that change a result, and after each one the
stored statement of every cycle equals a fresh evaluation by the engine (issue 18)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certifications.models import Certification, Cycle
from certifications.rulesets.services import ruleset_draft_create, ruleset_publish
from certifications.selectors import certifications_progress
from certifications.services import certification_renew, certification_update
from certifications.statements.models import CycleStatement
from certifications.statements.selectors import statements_progress
from certifications.statements.services import statements_drift
from credits.models import Activity, Petition
from credits.petitions.services import petition_decide
from credits.services import activity_create, activity_delete, activity_update, petition_submit
from tests.certifications.conftest import certify, years_ago

pytestmark = pytest.mark.django_db

KINDS = ("teaching", "approved_course", "other_org_course", "cpr", "college_course")


class _Rollback(Exception):
    pass


def _values(kind: str, day: dt.date, amount: Decimal) -> dict:
    values = {"kind": kind, "title": f"{kind} on {day}", "completed_on": day}
    if kind == "teaching":
        values["amount"] = amount
    elif kind == "approved_course":
        values.update(amount=amount, awarding_org="ACSM")
    elif kind == "other_org_course":
        values.update(hours=amount * 4, awarding_org="NASM")
    elif kind == "college_course":
        values.update(credit_hours=amount, term="semester", grade="B")
    return values


def _in_step(certifications: list[Certification], today: dt.date) -> None:
    """Every statement equals the engine's answer, and a read from the store says what the engine says."""
    ids = [c.pk for c in certifications]
    certifications = list(Certification.objects.filter(pk__in=ids).order_by("pk"))  # as the writes left them
    assert statements_drift(certification_ids=ids) == []
    for as_of in (today, today + dt.timedelta(days=400)):
        stored = statements_progress(certifications=certifications, as_of=as_of, all_cycles=True)
        fresh = certifications_progress(certifications=certifications, as_of=as_of, all_cycles=True)
        assert [(p.cycle.pk, p.result.earned, p.result.required, p.result.status) for p in stored] == [
            (p.cycle.pk, p.result.earned, p.result.required, p.result.status) for p in fresh
        ]
        for s, f in zip(stored, fresh, strict=True):
            counted = {a.id: a for a in f.result.activities if a.reason != "outside_cycle"}
            assert {a.id: a for a in s.result.activities} == counted
            assert s.result.cycle == f.result.cycle and s.result.cpr_aed_ok == f.result.cpr_aed_ok
    assert statements_drift(certification_ids=ids) == []  # what the reads recomputed is in step too


amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("9"), places=2)
days_back = st.integers(min_value=0, max_value=1400)
writes = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(KINDS), days_back, amounts),
    st.tuples(st.just("edit"), st.integers(0, 50), days_back, amounts),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("void"), st.integers(0, 50)),
    st.tuples(st.just("petition"), st.integers(0, 50), st.sampled_from(["approved", "denied", None]), amounts),
    st.tuples(st.just("cpr"), st.integers(0, 1), st.integers(-400, 1600)),
    st.tuples(st.just("renew"), st.integers(0, 1)),
    st.tuples(st.just("record"), st.integers(0, 1), st.sampled_from(["", Cycle.INACTIVE, Cycle.EMERITUS])),
    st.tuples(st.just("publish"), st.sampled_from(["ACE", "ACSM"])),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(writes, min_size=1, max_size=12))
def test_random_writes_keep_every_stored_statement_equal_to_the_engine(shipped, trainer, admin_a, sequence):
    today = timezone.localdate()
    try:
        with transaction.atomic():
            certifications = [
                certify(trainer, "ACSM-CPT", start=years_ago(today, 2, 6), cpr=today + dt.timedelta(days=200)),
                certify(trainer, "ACE-CPT", start=years_ago(today, 1)),
            ]
            _in_step(certifications, today)
            for write in sequence:
                _apply(
                    write, trainer=trainer, admin=admin_a, shipped=shipped, certifications=certifications, today=today
                )
                if write[0] != "publish":
                    assert not CycleStatement.objects.filter(stale=True).exists()  # recomputed in the same transaction
                _in_step(certifications, today)
            raise _Rollback
    except _Rollback:
        pass


def _pick(index: int) -> Activity | None:
    activities = list(Activity.objects.filter(voided_at__isnull=True).order_by("pk"))
    return activities[index % len(activities)] if activities else None


def _apply(write, *, trainer, admin, shipped, certifications, today) -> None:
    kind = write[0]
    try:
        with transaction.atomic():
            if kind == "add":
                _, activity_kind, back, amount = write
                activity_create(
                    actor=trainer, user=trainer, **_values(activity_kind, today - dt.timedelta(back), amount)
                )
            elif kind == "edit" and (activity := _pick(write[1])) is not None:
                values = _values(activity.kind, today - dt.timedelta(write[2]), write[3])
                activity_update(actor=trainer, activity=activity, **values)
            elif kind == "delete" and (activity := _pick(write[1])) is not None:
                activity_delete(actor=trainer, activity=activity)
            elif kind == "void" and (activity := _pick(write[1])) is not None:
                activity.voided_at = timezone.now()  # a provider's void, by way of the model
                activity.save(update_fields=["voided_at"])
            elif kind == "petition" and (activity := _pick(write[1])) is not None:
                organization = shipped["ACSM"]
                petition = Petition.objects.filter(activity=activity, organization=organization).first()
                if petition is None:
                    petition = petition_submit(
                        actor=trainer, activity=activity, organization=organization, hours=Decimal("3"), description="x"
                    )
                if write[2] is not None:
                    petition_decide(
                        actor=admin,
                        organization=organization,
                        petition_id=petition.pk,
                        decision=write[2],
                        amount=write[3] + Decimal("0.5") if write[2] == "approved" else None,
                        reason="Not in scope." if write[2] == "denied" else "",
                    )
            elif kind == "cpr":
                certification = certifications[write[1]]
                certification_update(
                    actor=trainer,
                    certification=certification,
                    number=certification.number,
                    cpr_aed_valid_until=today + dt.timedelta(days=write[2]),
                )
            elif kind == "renew":
                certification = certifications[write[1]]
                cycle = certification.cycles.order_by("-start").first()
                certification_renew(actor=trainer, certification=certification, on=min(today, cycle.end))
            elif kind == "record":
                cycle = certifications[write[1]].cycles.order_by("-start").first()
                cycle.recorded_status = write[2]
                cycle.save(update_fields=["recorded_status"])
            elif kind == "publish":
                organization = shipped[write[1]]
                draft = ruleset_draft_create(actor=admin, organization=organization)
                latest = organization.rule_set_versions.filter(status="published").order_by("-effective_from").first()
                effective = max(today, latest.effective_from + dt.timedelta(days=1))
                ruleset_publish(actor=admin, organization=organization, version_id=draft.pk, effective_from=effective)
    except ValidationError:
        pass  # a write the rules refuse (a renewal short of credits, a decided petition): nothing changed
