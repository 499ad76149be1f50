"""Demo data for `load_demo`: a trainer with certifications and activities."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certifications.rules import add_months
from certifications.statements.services import statements_touched

# (months ago, kind, awarding organization, course number, title, amount, hours)
DEMO_ACTIVITIES = [
    (20, "approved_course", "ACE", "CA31870", "Coaching Behavior Change: The ACE Mover Method", "0.3", None),
    (30, "approved_course", "ACSM", "", "ACSM Health & Fitness Summit (online sessions)", "6", None),
    (26, "approved_course", "ACSM", "", "Exercise Programming for Clients with Hypertension", "8", None),
    (22, "approved_course", "ACSM", "", "Resistance Training for Youth Athletes", "5", None),
    (13, "approved_course", "ACE", "CEP123451", "Functional Training for Older Adults", "0.2", None),
    (11, "approved_course", "ACE", "CA45221", "Kettlebell Fundamentals for Trainers", "0.3", None),
    (9, "approved_course", "ACSM", "", "Nutrition Essentials for Exercise Professionals", "2", None),
    (8, "approved_course", "ACE", "CS10283", "Mobility and Flexibility Programming", "0.1", None),
    (6, "cpr", "", "", "CPR/AED for the Professional Rescuer (Red Cross)", None, "4"),
    (5, "approved_course", "ACE", "CA52874", "Program Design for Weight Management", "0.2", None),
    (4, "approved_course", "ACSM", "", "Exercise is Medicine: Chronic Disease Webinar Series", "4", None),
    (3, "approved_course", "ACE", "CA60412", "Corrective Exercise for Low Back Pain", "0.2", None),
    (2, "approved_course", "ACE", "CP20731", "Training Clients Through Pregnancy and Postpartum", "0.2", None),
    (1, "workout", "", "", "Group indoor cycling class (as a participant)", None, "1"),
]


def load_trainer_demo(*, trainer, organizations, provider) -> None:
    """Give the demo trainer something to look at; safe to run again (nothing is duplicated)."""
    _demo_certifications(trainer=trainer)


def load_back_office_demo(*, trainer, renewer, organizations) -> None:
    """Work for the demo staff: the trainer's pending petition to ACSM, and an ACSM renewal selected for
    audit with its documents not yet in. Made through the services, like real data; safe to run again."""
    from audits.services import audit_consider
    from cectracker.pdf import html_to_pdf
    from certifications.models import Certification, Credential
    from certifications.services import certification_add, certification_renew
    from credits.models import Activity
    from credits.services import activity_create, evidence_attach, petition_submit

    today = timezone.localdate()
    acsm = organizations["ACSM"]
    title = "Functional Movement Screen Level 1 workshop"
    if not Activity.objects.filter(user=trainer, title=title).exists():
        activity = activity_create(
            actor=trainer,
            user=trainer,
            # A certificate of attendance only: ACSM does not approve it (RULES §5), so a petition can help.
            kind="attendance_only",
            title=title,
            hours=Decimal("8"),
            completed_on=_months_ago(today, 2),
        )
        certificate = html_to_pdf(
            f"<h1>Certificate of completion</h1><p>{trainer.name} completed the {title} (8 contact hours).</p>"
        )
        evidence_attach(
            actor=trainer,
            activity=activity,
            upload=SimpleUploadedFile("fms-certificate.pdf", certificate, content_type="application/pdf"),
        )
        petition_submit(
            actor=trainer,
            activity=activity,
            organization=acsm,
            hours=Decimal("8"),
            description="Eight hours of hands-on movement screening with a certified FMS instructor (Denver, CO).",
        )

    credential = Credential.objects.get(code="ACSM-CPT")
    if Certification.objects.filter(user=renewer, credential=credential).exists():
        return
    start = add_months(today, -36) + timedelta(days=20)  # the cycle ends in about three weeks
    certification = certification_add(
        actor=renewer,
        user=renewer,
        credential=credential,
        certified_on=start,
        cycle_start=start,
        number="ACSM-30417",
        cpr_aed_valid_until=add_months(today, 24),
    )
    Activity.objects.bulk_create(
        Activity(
            user=renewer,
            kind="approved_course",
            awarding_org="ACSM",
            title=f"ACSM webinar series, part {n}",
            completed_on=add_months(start, 3 * n),
            amount=Decimal("5"),
        )
        for n in range(1, 10)
    )
    renewal = certification_renew(actor=renewer, certification=certification, on=today)
    # The demo wants an audit to show: a draw of 0 selects it whenever the rate still owes one.
    audit_consider(renewal=renewal, rng=_ZeroDraw())


class _ZeroDraw:
    def random(self) -> float:
        return 0.0


def _demo_certifications(*, trainer) -> None:
    """ACE-CPT in progress (a year into its cycle) and ACSM-CPT nearly done, with a year of activities.

    Dates are relative to today, so the dashboard looks alive whenever the demo is loaded."""
    from certifications.models import Certification, Credential
    from certifications.services import certification_add
    from credits.models import Activity

    today = timezone.localdate()
    plans = [
        # credential, first certified, current cycle start, CPR/AED valid until, number
        ("ACE-CPT", add_months(today, -38), add_months(today, -14), None, "ACE-581204"),
        ("ACSM-CPT", add_months(today, -32), add_months(today, -32), add_months(today, 18), "ACSM-20931"),
    ]
    for code, certified_on, cycle_start, cpr, number in plans:
        credential = Credential.objects.get(code=code)
        if Certification.objects.filter(user=trainer, credential=credential).exists():
            continue
        certification_add(
            actor=trainer,
            user=trainer,
            credential=credential,
            certified_on=certified_on,
            cycle_start=cycle_start,
            number=number,
            cpr_aed_valid_until=cpr,
        )
    if Activity.objects.filter(user=trainer).exists():
        return
    Activity.objects.bulk_create(
        Activity(
            user=trainer,
            kind=kind,
            awarding_org=org,
            course_number=number,
            title=title,
            completed_on=_months_ago(today, months),
            amount=Decimal(amount) if amount is not None else None,
            hours=Decimal(hours) if hours is not None else None,
        )
        for months, kind, org, number, title, amount, hours in DEMO_ACTIVITIES
    )
    statements_touched(user_ids=[trainer.pk])  # a bulk write: no model signal recomputes the statements


def _months_ago(today: date, months: int) -> date:
    return add_months(today, -months)
