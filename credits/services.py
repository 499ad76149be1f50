"""Writes for credits: activities, evidence files, petitions. Every change is in the action log."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization, User
from accounts.services import log_action
from cectracker.pdfsafe import strip_active_content
from certifications.models import Certification, Credential
from certifications.statements.services import statements_deferred
from credits.kinds import FIELD_LABELS, LOGGABLE_KINDS, NUMBER_FIELDS, REQUIRED, TEXT_FIELDS, fields_for
from credits.models import Activity, Evidence, Petition
from credits.selectors import MALFORMED, course_lookup, evidence_retention, petition_organizations, retention_summary
from credits.uploads import CheckedUpload, check_evidence_file

MAX_EVIDENCE_PER_ACTIVITY = 20
MAX_FIGURE = Decimal("1000000")  # amounts, hours and credit hours are stored with 8 digits

_MISSING = {
    "awarding_org": "Choose the organization.",
    "title": "Enter a title.",
    "credit_hours": "Enter the course's credit hours.",
    "term": "Choose semester or quarter.",
    "grade": "Enter the letter grade (for example B+).",
    "amount": "Enter the CECs.",
    "new_credential": "Choose the certification you earned.",
}


def _snapshot(activity: Activity) -> dict[str, Any]:
    """The activity's recorded values, JSON-ready, for the action log's before/after."""
    out: dict[str, Any] = {}
    for name in fields_for(activity.kind):
        value = getattr(activity, name)
        if name == "new_credential":
            value = value.code if value is not None else None
        elif isinstance(value, Decimal):
            value = str(value.quantize(Decimal("0.01")))
        elif isinstance(value, date):
            value = str(value)
        out[name] = value
    return out


def _clean(*, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalize an activity's values (the form and the API both land here)."""
    errors: dict[str, list[str]] = {}
    kind = values.get("kind") or ""
    if kind not in LOGGABLE_KINDS:
        raise ValidationError({"kind": ["Choose what kind of activity this was."]})
    allowed = set(fields_for(kind))
    clean: dict[str, Any] = {"kind": kind}
    for name in NUMBER_FIELDS:
        value = values.get(name) if name in allowed else None
        if value is not None and (not isinstance(value, Decimal) or not value.is_finite() or value < 0):
            errors.setdefault(name, []).append(f"{FIELD_LABELS[name]} must be zero or a positive number.")
        elif value is not None and value >= MAX_FIGURE:
            errors.setdefault(name, []).append(f"{FIELD_LABELS[name]} must be less than {MAX_FIGURE:,}.")
        elif value is not None and value.as_tuple().exponent < -2:
            errors.setdefault(name, []).append(f"{FIELD_LABELS[name]}: at most 2 decimal places.")
        elif value is not None:
            value = value.quantize(Decimal("0.01"))
        clean[name] = value
    for name in (*TEXT_FIELDS, "title", "notes"):
        clean[name] = (values.get(name) or "").strip() if name in allowed else ""
    clean["new_credential"] = values.get("new_credential") if "new_credential" in allowed else None

    completed_on = values.get("completed_on")
    if not isinstance(completed_on, date):
        errors["completed_on"] = ["Enter the completion date as MM/DD/YYYY or YYYY-MM-DD."]
    elif completed_on > timezone.localdate():
        errors["completed_on"] = ["The completion date cannot be in the future: log the activity once it is done."]
    clean["completed_on"] = completed_on

    for name in REQUIRED.get(kind, ()):
        if clean.get(name) in (None, ""):
            errors.setdefault(name, []).append(_MISSING.get(name, "This field is required."))
    if kind == "other_org_course" and clean["amount"] is None and clean["hours"] is None:
        errors.setdefault("amount", []).append("Enter the CECs the other organization awarded, or the hours.")
    if kind == "college_course":
        clean["grade"] = clean["grade"].upper()
        if clean["term"] and clean["term"] not in ("semester", "quarter"):
            errors.setdefault("term", []).append("Choose semester or quarter.")
    if kind == "new_certification" and clean["new_credential"] is not None:
        if not isinstance(clean["new_credential"], Credential):
            errors.setdefault("new_credential", []).append("Choose the certification you earned.")
    if kind == "approved_course" and clean["awarding_org"]:
        _clean_approved_course(clean, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_approved_course(clean: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Canonical organization name; course number in its format; title and CECs from its catalog."""
    organization = Organization.objects.certifying().filter(short_name__iexact=clean["awarding_org"]).first()
    if organization is None:
        errors.setdefault("awarding_org", []).append("Choose the organization that approved the course.")
        return
    clean["awarding_org"] = organization.short_name
    on = clean["completed_on"] if isinstance(clean["completed_on"], date) else None
    lookup = course_lookup(number=clean["course_number"], organization=organization, on=on)
    clean["course_number"] = lookup.number
    if lookup.status == MALFORMED:
        errors.setdefault("course_number", []).append(lookup.message)
        return
    if not lookup.number and _has_course_format(organization, on):
        errors.setdefault("course_number", []).append(
            f"Enter the {organization.short_name} course number from your certificate."
        )
        return
    if lookup.course is not None:
        clean["title"] = clean["title"] or lookup.course.title
        if clean["amount"] is None:
            clean["amount"] = lookup.course.amount
    if clean["amount"] is None:
        where = f"{lookup.number} is not in {organization.short_name}'s catalog: enter" if lookup.number else "Enter"
        errors.setdefault("amount", []).append(f"{where} the CECs shown on your certificate.")


def _has_course_format(organization: Organization, on: date | None) -> bool:
    from certifications.selectors import params_in_force

    params = params_in_force(organization_id=organization.pk, on=on or timezone.localdate())
    return params is not None and params.course_number_regex is not None


@transaction.atomic
@statements_deferred()
def activity_create(*, actor: User, user: User, **values: Any) -> Activity:
    """Record an activity the person did (fields by kind, RULES §8); title and CECs of a known course come from
    the catalog."""
    with scopes_disabled():
        clean = _clean(values=values)
        activity = Activity.objects.create(user=user, source=Activity.MANUAL, **clean)
        log_action(
            actor=actor,
            action="activity.created",
            obj=activity,
            subject_user=user,
            data={"after": _snapshot(activity)},
        )
    return activity


@transaction.atomic
@statements_deferred()
def activity_update(*, actor: User, activity: Activity, **values: Any) -> Activity:
    """Change an activity the person entered; the action log keeps the values before and after."""
    if activity.source == Activity.PROVIDER:
        raise ValidationError(
            {"kind": ["A provider reported this activity; ask the provider to correct it."]}, code="provider"
        )
    merged = {name: getattr(activity, name) for name in ("kind", "completed_on", "title", "notes", *TEXT_FIELDS)}
    merged.update({name: getattr(activity, name) for name in (*NUMBER_FIELDS, "new_credential")})
    merged.update(values)
    with scopes_disabled():
        before = _snapshot(activity)
        clean = _clean(values=merged)
        _refuse_changes_after_a_decision(activity=activity, clean=clean)
        for name, value in clean.items():
            setattr(activity, name, value)
        activity.save()
        after = _snapshot(activity)
        if before != after:
            log_action(
                actor=actor,
                action="activity.updated",
                obj=activity,
                subject_user=activity.user,
                data={"before": before, "after": after},
            )
    return activity


def _refuse_changes_after_a_decision(*, activity: Activity, clean: dict[str, Any]) -> None:
    """An organization decided a petition on what the activity said: only its title and notes may change now."""
    decided = list(
        Petition.objects.filter(activity=activity).exclude(status=Petition.PENDING).select_related("organization")
    )
    if not decided:
        return
    fixed = [name for name in clean if name not in ("title", "notes")]
    changed = [name for name in fixed if getattr(activity, name) != clean[name]]
    if changed:
        names = ", ".join(p.organization.short_name for p in decided)
        message = f"{names} decided a petition on this activity as it was: only its title and notes can change."
        raise ValidationError({changed[0]: [message]})


@transaction.atomic
@statements_deferred()
def activity_delete(*, actor: User, activity: Activity, today: date | None = None) -> None:
    """Delete an activity with its evidence, unless a provider reported it, an organization decided a petition
    on it, or a retention rule still covers its evidence."""
    if activity.source == Activity.PROVIDER:
        raise ValidationError({"activity": ["A provider reported this activity; ask the provider to void it."]})
    with scopes_disabled():
        petitions = list(Petition.objects.filter(activity=activity).select_related("organization"))
        decided = [p for p in petitions if p.status != Petition.PENDING]
        if decided:
            names = ", ".join(p.organization.short_name for p in decided)
            raise ValidationError({"activity": [f"{names} decided a petition on this activity; it stays on record."]})
        evidence = list(activity.evidence.all())
        if evidence:
            holds = evidence_retention(activity=activity, today=today)
            if holds:
                raise ValidationError({"activity": ["Its evidence must be kept. " + retention_summary(holds)]})
        before = _snapshot(activity)
        before["evidence"] = [e.original_name for e in evidence]
        before["petitions_withdrawn"] = [p.organization.short_name for p in petitions]
        subject = activity.user
        activity_repr = str(activity)
        for item in evidence:
            _delete_file_on_commit(item.file.name)
            item.delete()
        log_action(
            actor=actor,
            action="activity.deleted",
            obj=activity,
            subject_user=subject,
            data={"before": before, "after": None, "title": activity_repr},
        )
        activity.delete()


def _delete_file_on_commit(name: str) -> None:
    # The row goes in this transaction; the file only once it has committed (a rollback keeps both).
    transaction.on_commit(lambda: default_storage.delete(name))


def original_name(upload, *, default: str) -> str:
    """The person's filename without any folder, kept only as data (never as the stored name)."""
    return os.path.basename((getattr(upload, "name", "") or "").replace("\\", "/"))[:255] or default


def stored_content(upload, checked: CheckedUpload) -> tuple[Any, int, str]:
    """What is stored for a checked upload, with its size and SHA-256: a PDF without its active content.

    Staff open evidence in their PDF readers (and in audit packets): the stored file is the one without
    scripts, actions, attachments or forms, and its size and digest are of what is stored."""
    upload.seek(0)
    if checked.extension != "pdf":
        return upload, checked.size, checked.sha256
    cleaned = strip_active_content(data=b"".join(upload.chunks()))
    return ContentFile(cleaned), len(cleaned), hashlib.sha256(cleaned).hexdigest()


@transaction.atomic
@statements_deferred()
def evidence_attach(*, actor: User, activity: Activity, upload) -> Evidence:
    """Store a certificate or transcript for an activity after checking it by content; random stored name."""
    checked = check_evidence_file(upload)
    if activity.evidence.count() >= MAX_EVIDENCE_PER_ACTIVITY:
        raise ValidationError({"file": [f"An activity holds at most {MAX_EVIDENCE_PER_ACTIVITY} files."]})
    original = original_name(upload, default="evidence")
    content, size, sha256 = stored_content(upload, checked)
    evidence = Evidence(
        activity=activity,
        original_name=original,
        content_type=checked.content_type,
        size=size,
        sha256=sha256,
    )
    # The stored name is random (credits.models.evidence_path); the person's filename is only data.
    evidence.file.save(f"upload.{checked.extension}", content, save=False)
    try:
        evidence.save()
    except Exception:
        default_storage.delete(evidence.file.name)
        raise
    log_action(
        actor=actor,
        action="evidence.attached",
        obj=evidence,
        subject_user=activity.user,
        data={"after": {"activity": activity.pk, "name": original, "type": checked.content_type, "size": size}},
    )
    return evidence


@transaction.atomic
@statements_deferred()
def evidence_delete(*, actor: User, evidence: Evidence, today: date | None = None) -> None:
    """Delete an evidence file unless an organization's retention rule still covers it (RULES §4, §5)."""
    activity = evidence.activity
    holds = evidence_retention(activity=activity, today=today)
    if holds:
        raise ValidationError({"file": ["This file must be kept. " + retention_summary(holds)]})
    with scopes_disabled():
        pending = [
            p.organization.short_name
            for p in Petition.objects.filter(activity=activity, status=Petition.PENDING).select_related("organization")
        ]
    if pending and not activity.evidence.exclude(pk=evidence.pk).exists():
        # The petition was filed on this evidence: the reviewers read it to decide.
        raise ValidationError(
            {"file": [f"{', '.join(pending)} is reviewing your petition on this file: keep it until it is decided."]}
        )
    before = {"activity": activity.pk, "name": evidence.original_name, "sha256": evidence.sha256}
    _delete_file_on_commit(evidence.file.name)
    log_action(
        actor=actor,
        action="evidence.deleted",
        obj=evidence,
        subject_user=activity.user,
        data={"before": before, "after": None},
    )
    evidence.delete()


@transaction.atomic
@statements_deferred()
def petition_submit(
    *, actor: User, activity: Activity, organization: Organization, hours: Decimal, description: str
) -> Petition:
    """Ask an organization to credit an activity it has not approved; one petition per activity and organization."""
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if hours is None or not isinstance(hours, Decimal) or not hours.is_finite() or hours <= 0:
        errors["hours"] = ["Enter the hours of structured learning (more than 0)."]
    elif hours.as_tuple().exponent < -2:
        errors["hours"] = ["Hours: at most 2 decimal places."]
    if not description:
        errors["description"] = ["Describe the course: what it covered, who taught it, how long it was."]
    with scopes_disabled():
        holds_credential = Certification.objects.filter(
            user=activity.user, credential__organization=organization
        ).exists()
        if not holds_credential:
            errors["organization"] = [f"You hold no {organization.short_name} certification to petition for."]
        elif (
            activity.kind == "approved_course"
            and activity.awarding_org.casefold() == organization.short_name.casefold()
        ):
            errors["organization"] = [f"{organization.short_name} already approved this course: no petition needed."]
        elif Petition.objects.filter(activity=activity, organization=organization).exists():
            errors["organization"] = [f"This activity already has a petition to {organization.short_name}."]
        elif organization not in petition_organizations(user=activity.user, activity=activity):
            # It would hold back credit the organization already gives, or can't help (a kind it never credits).
            errors["organization"] = [
                f"{organization.short_name} does not take petitions for this activity: its rules already decide "
                "what it counts (see the activity's page)."
            ]
        if not activity.evidence.exists():
            errors["evidence"] = ["Attach the certificate or course outline to the activity first."]
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                petition = Petition.objects.create(
                    organization=organization, activity=activity, hours=hours, description=description
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"organization": [f"This activity already has a petition to {organization.short_name}."]}
            ) from exc
        log_action(
            actor=actor,
            action="petition.submitted",
            obj=petition,
            organization=organization,
            subject_user=activity.user,
            data={"after": {"activity": activity.pk, "hours": str(hours), "status": petition.status}},
        )
    return petition
