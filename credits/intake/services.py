"""Certificate intake: files in, one draft activity per file out, confirmed by the person.

`intake_start` checks each file (credits.uploads) and stores it; a Celery task per file reads it
(`intake_read`); `intake_confirm` turns a draft into an Activity with the file as its evidence. Drafts
are their own model, so nothing counts before the person confirms it."""

from __future__ import annotations

import difflib
import logging
import re
import time
import zoneinfo
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization, User
from accounts.services import log_action
from certifications.rules.engine import course_key
from certifications.selectors import params_in_force
from credits.intake import fields as read
from credits.intake.models import IntakeDraft, IntakeJob
from credits.intake.reader import READ_SECONDS, Unreadable, document_text
from credits.models import Activity, ApprovedCourse, Evidence
from credits.services import activity_create, evidence_attach, original_name, stored_content
from credits.uploads import check_evidence_file

logger = logging.getLogger(__name__)

MAX_FILES = 50
MAX_TEXT = 20_000
CATALOG = Decimal("0.99")
_WORDS = re.compile(r"[^\w]+")
# Kinds a certificate is read as: a course (approved, or another organization's) or a CPR/AED/first-aid class.
_SAFETY = [
    ("first_aid", re.compile(r"first\s+aid", re.I)),
    ("aed", re.compile(r"\bAED\b")),
    ("cpr", re.compile(r"\bCPR\b")),
]


# --- Starting an upload ---------------------------------------------------------------------------


def intake_start(*, actor: User, uploads: list) -> IntakeJob:
    """Check and store each file, one draft per file, and queue their reading (after the commit).

    A file refused by the upload checks gets a draft with nothing filled and the reason."""
    if not uploads:
        raise ValidationError({"files": ["Choose one or more certificates (PDF, JPEG or PNG)."]})
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            {"files": [f"At most {MAX_FILES} files an upload; you chose {len(uploads)}. Upload them in parts."]}
        )
    stored: list[str] = []
    try:
        with transaction.atomic():
            job = IntakeJob.objects.create(user=actor)
            drafts = [
                _draft_store(job=job, position=i, upload=upload, stored=stored) for i, upload in enumerate(uploads)
            ]
            log_action(
                actor=actor,
                action="intake.started",
                obj=job,
                subject_user=actor,
                data={"after": {"files": [d.original_name for d in drafts], "refused": _refused(drafts)}},
            )
            for draft in drafts:
                if draft.state == IntakeDraft.QUEUED:
                    transaction.on_commit(lambda pk=draft.pk: intake_read_task.delay(pk))
    except Exception:
        for name in stored:  # nothing half-written: the rows are gone, so are their files
            default_storage.delete(name)
        raise
    return job


def _refused(drafts: list[IntakeDraft]) -> dict[str, str]:
    return {d.original_name: d.reason for d in drafts if d.state == IntakeDraft.FAILED}


def _draft_store(*, job: IntakeJob, position: int, upload, stored: list[str]) -> IntakeDraft:
    draft = IntakeDraft(job=job, position=position, original_name=original_name(upload, default="certificate"))
    try:
        checked = check_evidence_file(upload)
    except ValidationError as error:
        draft.state, draft.finished_at = IntakeDraft.FAILED, timezone.now()
        draft.reason = " ".join(error.message_dict.get("file", error.messages))
        draft.save()
        return draft
    content, draft.size, draft.sha256 = stored_content(upload, checked)
    draft.content_type = checked.content_type
    draft.file.save(f"upload.{checked.extension}", content, save=False)
    stored.append(draft.file.name)
    draft.save()
    return draft


# --- Reading a file (the Celery task's work) -----------------------------------------------------


def intake_read(*, draft_id: int, seconds: float = READ_SECONDS) -> IntakeDraft:
    """Read one stored certificate into its draft (idempotent: a read draft is left alone; a redelivered
    reading one is read again). A file that cannot be read gets the reason, never an exception."""
    claimed = IntakeDraft.objects.filter(pk=draft_id, state__in=[IntakeDraft.QUEUED, IntakeDraft.READING]).update(
        state=IntakeDraft.READING
    )
    draft = IntakeDraft.objects.select_related("job__user").get(pk=draft_id)
    if not claimed:
        return draft
    started = time.monotonic()
    try:
        with default_storage.open(draft.file.name, "rb") as handle:
            data = handle.read()
        document = document_text(data, draft.content_type, seconds=seconds)
    except Unreadable as exc:
        draft.state, draft.reason = IntakeDraft.FAILED, str(exc)
    except Exception:  # a file our checks accepted but a reader chokes on: a reason, not a crash
        logger.exception("intake: draft %s could not be read", draft_id)
        draft.state, draft.reason = IntakeDraft.FAILED, "This file could not be read; fill in the fields yourself."
    else:
        user = draft.job.user
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(user.time_zone or "UTC"))
        parsed = read.certificate_fields(document.text, ocr=document.method == "ocr", today=today)
        draft.fields = draft_fields(user=user, parsed=parsed, text=document.text, sha256=draft.sha256, draft=draft)
        draft.text, draft.method, draft.state = document.text[:MAX_TEXT], document.method, IntakeDraft.READY
        if not any(draft.fields.get(name) for name in ("title", "course_number", "completed_on", "amount")):
            draft.reason = "No course details were found in this file; fill in the fields yourself."
    draft.read_seconds = Decimal(f"{time.monotonic() - started:.2f}")
    draft.finished_at = timezone.now()
    draft.save(update_fields=["state", "reason", "fields", "text", "method", "read_seconds", "finished_at"])
    return draft


def _found(value: Any, confidence: Decimal, source: str) -> dict:
    return read.Found(value, confidence, source).as_json()


def draft_fields(
    *, user: User, parsed: read.CertificateFields, text: str, sha256: str = "", draft: IntakeDraft | None = None
) -> dict:
    """The draft's fields: what the certificate says, resolved against the catalog and the organizations'
    units (RULES §2, §5), with the flags the person should see (duplicates, another name)."""
    out: dict[str, Any] = {
        "provider": _known_provider(parsed.provider),
        "participant": parsed.participant.as_json() if parsed.participant else None,
        "title": parsed.title.as_json() if parsed.title else None,
        "completed_on": parsed.completed_on.as_json() if parsed.completed_on else None,
        "printed_amount": (
            {**parsed.amount.as_json(), "unit": parsed.unit.value} if parsed.amount and parsed.unit else None
        ),
        "course_number": None,
        "awarding_org": None,
        "amount": None,
        "hours": None,
        "catalog": [],
    }
    on = parsed.completed_on.value if parsed.completed_on else timezone.localdate()
    course = _catalog_course(parsed.course_numbers)
    org_name, org_source = _awarding_org(text, course)
    if org_name:
        out["awarding_org"] = _found(org_name, CATALOG if course else read.LABELED, org_source)
    if course is not None:
        number = next(f for f in parsed.course_numbers if course_key(f.value) == course.course_number)
        out["course_number"] = _found(course.course_number, CATALOG, number.source)
        out["catalog"] = _catalog_notes(course, parsed, on)
        out["title"] = _found(course.title, CATALOG, f"{course.organization.short_name} catalog")
        out["amount"] = _found(str(course.amount), CATALOG, f"{course.organization.short_name} catalog")
        out["kind"] = "approved_course"
    else:
        ace = next((f for f in parsed.course_numbers if read.ace_number(f.value) == f.value), None)
        labeled = ace or next(
            (f for f in parsed.course_numbers if f.confidence >= read.LABELED * read.OCR_FACTOR), None
        )
        if labeled is not None:
            out["course_number"] = labeled.as_json()
        ours = Organization.objects.filter(short_name__iexact=org_name).first() if org_name else None
        if ace is not None and org_name in ("", "ACE"):
            ours = ours or Organization.objects.filter(short_name__iexact="ACE").first()
            if ours is not None and not org_name:
                out["awarding_org"] = _found(ours.short_name, read.GUESSED, ace.source)
        out["kind"] = "approved_course" if ours is not None else "other_org_course"
        title = (parsed.title.value if parsed.title else "") or ""
        for kind, pattern in _SAFETY:
            if pattern.search(title):
                out["kind"] = kind
                break
        if ace is not None and ours is not None:
            out["catalog"] = [f"{ace.value} is not in {ours.short_name}'s catalog: check the CECs on the certificate."]
        if parsed.amount and parsed.unit:
            unit_org = ours.short_name if ours is not None else org_name
            amount, hours = read.converted(
                amount=parsed.amount.value,
                unit=parsed.unit.value,
                unit_per_hour=_unit_per_hour(unit_org, on) if unit_org else None,
                approved=out["kind"] == "approved_course",
            )
            source, sure = parsed.amount.source, parsed.amount.confidence
            if out["kind"] in ("cpr", "aed", "first_aid"):
                amount = None  # these kinds record hours only (RULES §4, §5 decide what they are worth)
            out["amount"] = _found(str(amount), sure, source) if amount is not None else None
            out["hours"] = _found(str(hours), sure, source) if hours is not None else None
    out["flags"] = draft_flags(
        user=user,
        sha256=sha256,
        completed_on=_as_date(out["completed_on"]),
        course_number=(out["course_number"] or {}).get("value", ""),
        title=(out["title"] or {}).get("value", ""),
        participant=(out["participant"] or {}).get("value", ""),
        draft=draft,
    )
    return out


def _known_provider(found: read.Found | None) -> dict | None:
    """A provider name as read, or the known provider (or organization) it is a misreading of."""
    if found is None:
        return None
    from accounts.models import Provider

    with scopes_disabled():
        names = list(Provider.objects.values_list("name", flat=True)) + list(
            Organization.objects.values_list("name", flat=True)
        )
    close = difflib.get_close_matches(found.value, names, n=1, cutoff=0.8)
    if close and close[0] != found.value:
        return _found(close[0], found.confidence, found.source)
    return found.as_json()


def _as_date(found: dict | None) -> date | None:
    try:
        return date.fromisoformat(found["value"]) if found else None
    except (TypeError, ValueError):
        return None


def _catalog_course(numbers: tuple[read.Found, ...]) -> ApprovedCourse | None:
    keys = [course_key(f.value) for f in numbers]
    if not keys:
        return None
    with scopes_disabled():
        courses = {
            c.course_number: c
            for c in ApprovedCourse.objects.filter(course_number__in=keys, is_retired=False).select_related(
                "organization"
            )
        }
    return next((courses[k] for k in keys if k in courses), None)


def _awarding_org(text: str, course: ApprovedCourse | None) -> tuple[str, str]:
    """The organization that approved or awarded the course: the catalog's, or one named in the text
    (our organizations, then the other organizations their rule sets convert)."""
    if course is not None:
        return course.organization.short_name, f"{course.organization.short_name} catalog"
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    names: list[tuple[str, str]] = []
    for org in Organization.objects.order_by("pk"):
        names += [(org.short_name, org.short_name), (org.name, org.short_name)]
    names += [(name, name) for name in _other_org_names()]
    for line in lines:
        if not re.search(r"approv|accredit|award|recogni|sponsor|credit", line, re.I):
            continue
        for name, short in names:
            if name and re.search(rf"\b{re.escape(name)}\b", line, re.I):
                return short, line
    for line in lines:
        for name, short in names:
            if name and re.search(rf"\b{re.escape(name)}\b", line):
                return short, line
    return "", ""


def _other_org_names() -> list[str]:
    today = timezone.localdate()
    names: list[str] = []
    for org_id in Organization.objects.values_list("pk", flat=True):
        params = params_in_force(organization_id=org_id, on=today)
        if params is not None:
            names += [o.name for o in params.other_orgs if o.name not in names]
    return names


def _unit_per_hour(name: str, on: date) -> Decimal | None:
    """An organization's unit per hour: its own rule set's, or as another organization's rules convert it."""
    ours = Organization.objects.filter(short_name__iexact=name).first()
    if ours is not None:
        params = params_in_force(organization_id=ours.pk, on=on)
        if params is not None:
            return params.unit_per_hour
    for org_id in Organization.objects.values_list("pk", flat=True):
        params = params_in_force(organization_id=org_id, on=on)
        unit = params.other_org_unit(name) if params is not None else None
        if unit is not None:
            return unit
    return None


def _normal(text: str) -> str:
    return _WORDS.sub(" ", (text or "").casefold()).strip()


def _catalog_notes(course: ApprovedCourse, parsed: read.CertificateFields, on: date) -> list[str]:
    """Where the certificate disagrees with the catalog (the catalog's values are the ones used)."""
    org = course.organization.short_name
    notes = []
    if parsed.title and _normal(parsed.title.value) != _normal(course.title):
        notes.append(f"The certificate's title is “{parsed.title.value}”; {org}'s catalog says “{course.title}”.")
    if parsed.amount and parsed.unit:
        amount, _ = read.converted(
            amount=parsed.amount.value,
            unit=parsed.unit.value,
            unit_per_hour=_unit_per_hour(org, on),
            approved=True,
        )
        if amount is not None and amount != course.amount:
            notes.append(
                f"The certificate gives {parsed.amount.value} {parsed.unit.value}; {org}'s catalog gives "
                f"{course.amount} for {course.course_number}."
            )
    return notes


def draft_flags(
    *,
    user: User,
    sha256: str,
    completed_on: date | None,
    course_number: str,
    title: str,
    participant: str = "",
    draft: IntakeDraft | None = None,
) -> list[dict]:
    """What the person should know before confirming: the same file already uploaded, the same course
    already logged on that date, a name on the certificate that is not theirs."""
    flags = []
    if sha256:
        evidence = Evidence.objects.filter(activity__user=user, sha256=sha256).select_related("activity").first()
        if evidence is not None:
            flags.append(
                {
                    "code": "duplicate_file",
                    "activity": evidence.activity_id,
                    "message": f"This file is already the evidence of “{evidence.activity}”: discard this draft.",
                }
            )
        else:
            earlier = IntakeDraft.objects.filter(job__user=user, sha256=sha256, state__in=IntakeDraft.OPEN)
            if draft is not None and draft.pk:
                earlier = earlier.filter(pk__lt=draft.pk)
            twin = earlier.order_by("pk").first()
            if twin is not None:
                flags.append(
                    {
                        "code": "duplicate_file",
                        "draft": twin.pk,
                        "message": f"The same file was uploaded as “{twin.original_name}”: discard one of them.",
                    }
                )
    logged = _logged_course(user=user, completed_on=completed_on, course_number=course_number, title=title)
    if logged is not None:
        flags.append(
            {
                "code": "duplicate_course",
                "activity": logged.pk,
                "message": f"You already logged “{logged}” on {logged.completed_on:%m/%d/%Y}.",
            }
        )
    if participant and not names_match(participant, user.name):
        flags.append(
            {
                "code": "name_mismatch",
                "message": f"The certificate is made out to “{participant}”, not to {user.name or user.email}.",
            }
        )
    return flags


def _logged_course(*, user: User, completed_on: date | None, course_number: str, title: str) -> Activity | None:
    if completed_on is None or not (course_number or title):
        return None
    same_day = Activity.objects.filter(user=user, completed_on=completed_on, voided_at__isnull=True)
    for activity in same_day:
        if course_number and course_key(activity.course_number) == course_key(course_number):
            return activity
        if title and _normal(activity.title) == _normal(title):
            return activity
    return None


def names_match(printed: str, account: str) -> bool:
    """The certificate's name is the account's: the same words, whatever the case, accents aside, a middle
    name or initial more or less, or a letter or two misread (OCR's "Jaines" for "James")."""
    if not account:
        return True  # nothing to compare with
    if difflib.SequenceMatcher(None, _normal(printed), _normal(account)).ratio() >= 0.85:
        return True
    printed_words = [w for w in _normal(printed).split() if len(w) > 1]
    account_words = [w for w in _normal(account).split() if len(w) > 1]
    shorter, longer = sorted((printed_words, account_words), key=len)
    return bool(shorter) and set(shorter) <= set(longer) and shorter[-1] == longer[-1]


# --- Confirming or discarding --------------------------------------------------------------------


def _locked(draft: IntakeDraft) -> IntakeDraft:
    locked = IntakeDraft.objects.select_for_update().select_related("job__user").get(pk=draft.pk)
    if locked.state not in (IntakeDraft.READY, IntakeDraft.FAILED):
        raise ValidationError(
            {"__all__": [f"This draft is {locked.get_state_display().lower()}: nothing more to do with it."]}
        )
    return locked


@transaction.atomic
def intake_confirm(*, actor: User, draft: IntakeDraft, **values: Any) -> Activity:
    """Record the draft as the person corrected it (the same checks as any activity) with its file as the
    evidence; the same file or the same course on that date again is refused, not duplicated."""
    draft = _locked(draft)
    user = draft.job.user
    blocking = [
        flag
        for flag in draft_flags(
            user=user,
            sha256=draft.sha256,
            completed_on=values.get("completed_on") if isinstance(values.get("completed_on"), date) else None,
            course_number=values.get("course_number") or "",
            title=values.get("title") or "",
            draft=draft,
        )
        if flag["code"] in ("duplicate_file", "duplicate_course")
    ]
    if blocking:
        raise ValidationError({"__all__": [flag["message"] for flag in blocking]})
    provider = ((draft.fields or {}).get("provider") or {}).get("value")
    if provider and not values.get("notes"):
        values["notes"] = f"Provider: {provider}"
    activity = activity_create(actor=actor, user=user, **values)
    if draft.file:
        with default_storage.open(draft.file.name, "rb") as handle:
            evidence_attach(actor=actor, activity=activity, upload=File(handle, name=draft.original_name))
        name = draft.file.name
        transaction.on_commit(lambda: default_storage.delete(name))
        draft.file = ""
    draft.state, draft.activity = IntakeDraft.CONFIRMED, activity
    draft.save(update_fields=["state", "activity", "file"])
    log_action(
        actor=actor,
        action="intake.confirmed",
        obj=draft,
        subject_user=user,
        data={"after": {"activity": activity.pk, "file": draft.original_name}, "read": _read_values(draft)},
    )
    return activity


def _read_values(draft: IntakeDraft) -> dict:
    return {
        name: (draft.fields.get(name) or {}).get("value")
        for name in ("title", "course_number", "completed_on", "amount", "hours", "awarding_org")
        if isinstance(draft.fields.get(name), dict)
    }


@transaction.atomic
def intake_discard(*, actor: User, draft: IntakeDraft) -> IntakeDraft:
    """Drop a draft and its stored file; nothing was ever counted from it."""
    draft = _locked(draft)
    if draft.file:
        name = draft.file.name
        transaction.on_commit(lambda: default_storage.delete(name))
        draft.file = ""
    draft.state = IntakeDraft.DISCARDED
    draft.save(update_fields=["state", "file"])
    log_action(
        actor=actor,
        action="intake.discarded",
        obj=draft,
        subject_user=draft.job.user,
        data={"before": {"file": draft.original_name}, "after": None},
    )
    return draft


def initial_values(draft: IntakeDraft) -> dict[str, Any]:
    """The confirm form's starting values: what was read, or nothing."""
    fields = draft.fields or {}
    out: dict[str, Any] = {"kind": fields.get("kind") or "approved_course"}
    for name in ("title", "course_number", "awarding_org"):
        out[name] = (fields.get(name) or {}).get("value") or ""
    out["completed_on"] = _as_date(fields.get("completed_on"))
    for name in ("amount", "hours"):
        value = (fields.get(name) or {}).get("value")
        try:
            out[name] = Decimal(value) if value not in (None, "", "None") else None
        except InvalidOperation:
            out[name] = None
    return out


# Celery task: thin, takes an id, calls the service above. Its name is its first published one.
_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(
    name="credits.tasks.intake_read_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=READ_SECONDS * 3,
    time_limit=READ_SECONDS * 4,
    **_RETRY,
)
def intake_read_task(draft_id: int) -> str:
    return intake_read(draft_id=draft_id).state
