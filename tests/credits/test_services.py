"""Activity, evidence and petition services: validation by kind, catalog fill, history, retention."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from accounts.models import ActionLog
from certifications.models import Credential, Renewal
from credits.models import Activity, Evidence, Petition
from credits.services import (
    activity_create,
    activity_delete,
    activity_update,
    evidence_attach,
    evidence_delete,
    petition_submit,
)
from tests.credits.conftest import make_pdf, make_png, upload
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def errors_of(call, **kwargs):
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    return info.value.message_dict


def test_a_known_ace_course_number_fills_title_and_cecs_from_the_catalog(trainer, course):
    activity = activity_create(
        actor=trainer,
        user=trainer,
        kind="approved_course",
        awarding_org="ace",
        course_number=" ca23456 ",
        completed_on=dt.date(2025, 5, 1),
    )
    assert (activity.course_number, activity.title, activity.amount) == ("CA23456", "Kettlebells", Decimal("0.70"))
    assert activity.awarding_org == "ACE"
    log = ActionLog.objects.get(action="activity.created")
    assert log.subject_user == trainer and log.data["after"]["amount"] == "0.70"


def test_a_malformed_ace_number_is_refused_on_the_course_number(trainer, ace):
    errors = errors_of(
        activity_create,
        actor=trainer,
        user=trainer,
        kind="approved_course",
        awarding_org="ACE",
        course_number="XY123",
        amount=Decimal("1"),
        completed_on=dt.date(2025, 5, 1),
    )
    assert "not an ACE course number" in errors["course_number"][0]


def test_an_unknown_ace_number_needs_the_cecs(trainer, ace):
    errors = errors_of(
        activity_create,
        actor=trainer,
        user=trainer,
        kind="approved_course",
        awarding_org="ACE",
        course_number="CA99999",
        completed_on=dt.date(2025, 5, 1),
    )
    assert "not in ACE's catalog" in errors["amount"][0]


def test_fields_a_kind_does_not_record_are_cleared(trainer, shipped):
    activity = activity_create(
        actor=trainer,
        user=trainer,
        kind="cpr",
        hours=Decimal("3"),
        amount=Decimal("9"),
        grade="A",
        course_number="CA12345",
        completed_on=dt.date(2025, 5, 1),
    )
    assert (activity.hours, activity.amount, activity.grade, activity.course_number) == (Decimal("3"), None, "", "")


def test_required_fields_by_kind_and_bad_values_are_named(trainer, shipped):
    errors = errors_of(
        activity_create,
        actor=trainer,
        user=trainer,
        kind="college_course",
        credit_hours=Decimal("-1"),
        completed_on=dt.date(2025, 5, 1),
    )
    assert set(errors) >= {"title", "term", "grade", "credit_hours"}
    assert errors_of(activity_create, actor=trainer, user=trainer, kind="petition", completed_on=dt.date(2025, 1, 1))[
        "kind"
    ]
    huge = errors_of(
        activity_create, actor=trainer, user=trainer, kind="cpr", hours=Decimal("1e7"), completed_on=dt.date(2025, 1, 1)
    )
    assert "less than" in huge["hours"][0]
    future = errors_of(activity_create, actor=trainer, user=trainer, kind="cpr", completed_on=dt.date(2999, 1, 1))
    assert "future" in future["completed_on"][0]


def test_update_keeps_before_and_after_in_the_log(trainer, activity):
    activity_update(actor=trainer, activity=activity, hours=Decimal("6"), title="Swing school II")
    activity.refresh_from_db()
    assert activity.hours == Decimal("6")
    log = ActionLog.objects.get(action="activity.updated")
    assert log.data["before"]["hours"] == "4.00" and log.data["after"]["hours"] == "6.00"
    assert log.data["before"]["title"] == "Swing school" and log.data["after"]["title"] == "Swing school II"


def test_provider_reported_activities_cannot_be_edited_or_deleted(trainer):
    reported = ActivityFactory(user=trainer, source=Activity.PROVIDER)
    assert errors_of(activity_update, actor=trainer, activity=reported, title="x")
    assert errors_of(activity_delete, actor=trainer, activity=reported)


def test_delete_logs_and_removes_evidence_files_when_no_rule_holds_them(
    trainer, activity, django_capture_on_commit_callbacks
):
    evidence = evidence_attach(actor=trainer, activity=activity, upload=upload("c.png", make_png()))
    name = evidence.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        activity_delete(actor=trainer, activity=activity)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not default_storage.exists(name)
    log = ActionLog.objects.get(action="activity.deleted")
    assert log.data["before"]["title"] == "Swing school" and log.data["before"]["evidence"] == ["c.png"]


def test_evidence_gets_a_random_name_and_keeps_the_original_as_data(trainer, activity):
    evidence = evidence_attach(actor=trainer, activity=activity, upload=upload("../../etc/my cert.pdf", make_pdf()))
    assert evidence.original_name == "my cert.pdf"
    assert "cert" not in evidence.file.name and evidence.file.name.startswith(f"evidence/{trainer.pk}/")
    assert evidence.content_type == "application/pdf"
    assert ActionLog.objects.filter(action="evidence.attached", subject_user=trainer).exists()


def test_ace_keeps_evidence_four_years_after_completion(trainer, ace_cert):
    activity = ActivityFactory(user=trainer, kind="cpr", amount=None, completed_on=dt.date(2025, 3, 1))
    evidence = evidence_attach(actor=trainer, activity=activity, upload=upload("c.png", make_png()))
    errors = errors_of(evidence_delete, actor=trainer, evidence=evidence, today=dt.date(2029, 3, 1))
    assert "until Mar 1, 2029" in errors["file"][0]
    assert "ACE" in errors["file"][0]
    assert errors_of(activity_delete, actor=trainer, activity=activity, today=dt.date(2026, 1, 1))["activity"]
    evidence_delete(actor=trainer, evidence=evidence, today=dt.date(2029, 3, 2))
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert ActionLog.objects.filter(action="evidence.deleted").exists()


def test_acsm_keeps_evidence_until_a_year_after_the_renewal(trainer, acsm_cert):
    activity = ActivityFactory(user=trainer, kind="teaching", amount=Decimal("2"), completed_on=dt.date(2025, 3, 1))
    evidence = evidence_attach(actor=trainer, activity=activity, upload=upload("c.png", make_png()))
    errors = errors_of(evidence_delete, actor=trainer, evidence=evidence, today=dt.date(2030, 1, 1))
    assert "renewal" in errors["file"][0] and "not recorded yet" in errors["file"][0]
    cycle = acsm_cert.cycles.get()
    renewal = Renewal.objects.create(cycle=cycle, earned=Decimal("45"))
    Renewal.objects.filter(pk=renewal.pk).update(submitted_at=dt.datetime(2027, 5, 1, 12, tzinfo=dt.UTC))
    errors = errors_of(evidence_delete, actor=trainer, evidence=evidence, today=dt.date(2028, 5, 1))
    assert "until May 1, 2028" in errors["file"][0]
    evidence_delete(actor=trainer, evidence=evidence, today=dt.date(2028, 5, 2))


def test_evidence_outside_every_cycle_is_not_held(trainer, ace_cert):
    activity = ActivityFactory(user=trainer, kind="cpr", amount=None, completed_on=dt.date(2024, 3, 1))
    evidence = evidence_attach(actor=trainer, activity=activity, upload=upload("c.png", make_png()))
    evidence_delete(actor=trainer, evidence=evidence, today=dt.date(2025, 6, 1))


def test_petition_submit_needs_evidence_and_allows_one_per_organization(trainer, activity, ace, ace_cert):
    errors = errors_of(
        petition_submit, actor=trainer, activity=activity, organization=ace, hours=Decimal("4"), description="x"
    )
    assert "Attach" in errors["evidence"][0]
    evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    petition = petition_submit(
        actor=trainer, activity=activity, organization=ace, hours=Decimal("4"), description="Kettlebell workshop"
    )
    assert petition.status == Petition.PENDING
    log = ActionLog.objects.get(action="petition.submitted")
    assert log.organization == ace and log.subject_user == trainer
    again = errors_of(
        petition_submit, actor=trainer, activity=activity, organization=ace, hours=Decimal("4"), description="x"
    )
    assert "already has a petition" in again["organization"][0]


def test_petition_bad_input_and_wrong_organization(trainer, activity, ace, acsm, ace_cert):
    errors = errors_of(
        petition_submit, actor=trainer, activity=activity, organization=acsm, hours=Decimal("0"), description=" "
    )
    assert set(errors) >= {"hours", "description", "organization"}
    approved = ActivityFactory(user=trainer, kind="approved_course", awarding_org="ACE", course_number="CA11111")
    evidence_attach(actor=trainer, activity=approved, upload=upload("c.png", make_png()))
    errors = errors_of(
        petition_submit, actor=trainer, activity=approved, organization=ace, hours=Decimal("1"), description="x"
    )
    assert "already approved" in errors["organization"][0]


def test_a_decided_petition_keeps_the_activity(trainer, activity, ace, ace_cert):
    Petition.objects.create(organization=ace, activity=activity, hours=Decimal("4"), description="x", status="denied")
    assert "decided a petition" in errors_of(activity_delete, actor=trainer, activity=activity)["activity"][0]


def test_new_certification_records_the_credential(trainer, acsm_cert):
    ep = Credential.objects.get(code="ACSM-EP")
    activity = activity_create(
        actor=trainer, user=trainer, kind="new_certification", new_credential=ep, completed_on=dt.date(2025, 2, 1)
    )
    assert activity.new_credential == ep
    assert ActionLog.objects.get(action="activity.created").data["after"]["new_credential"] == "ACSM-EP"


def test_after_a_decision_only_the_title_and_notes_of_the_activity_can_change(trainer, activity, ace, ace_cert):
    Petition.objects.create(
        organization=ace, activity=activity, hours=Decimal("4"), description="x", status="approved", amount="0.4"
    )
    errors = errors_of(activity_update, actor=trainer, activity=activity, completed_on=dt.date(2025, 6, 1))
    assert "ACE decided a petition" in errors["completed_on"][0]
    errors = errors_of(activity_update, actor=trainer, activity=activity, hours=Decimal("40"))
    assert "only its title and notes can change" in errors["hours"][0]
    activity.refresh_from_db()
    assert (activity.completed_on, activity.hours) == (dt.date(2025, 3, 1), Decimal("4"))
    activity_update(actor=trainer, activity=activity, title="Swing school, level 1", notes="Certificate #12")
    activity.refresh_from_db()
    assert activity.title == "Swing school, level 1"


def test_the_last_file_of_an_activity_with_a_pending_petition_is_kept(trainer, activity, ace, ace_cert):
    first = evidence_attach(actor=trainer, activity=activity, upload=upload("c.pdf", make_pdf()))
    petition_submit(actor=trainer, activity=activity, organization=ace, hours=Decimal("4"), description="Workshop")
    second = evidence_attach(actor=trainer, activity=activity, upload=upload("d.png", make_png()))
    today = dt.date(2031, 1, 1)  # past ACE's 4-year retention: only the petition holds the file
    evidence_delete(actor=trainer, evidence=second, today=today)  # another file remains for the reviewers
    errors = errors_of(evidence_delete, actor=trainer, evidence=first, today=today)
    assert "ACE is reviewing your petition" in errors["file"][0]
    assert Evidence.objects.filter(pk=first.pk).exists()
    Petition.objects.filter(activity=activity).update(status="denied")
    evidence_delete(actor=trainer, evidence=first, today=today)
    assert not Evidence.objects.filter(activity=activity).exists()


def test_an_activity_without_a_title_is_named_by_its_kind_and_date(trainer):
    import datetime as dt

    from tests.factories import ActivityFactory

    activity = ActivityFactory(user=trainer, kind="approved_course", title="", completed_on=dt.date(2026, 3, 1))
    assert str(activity) == "Approved course on Mar 1, 2026"
