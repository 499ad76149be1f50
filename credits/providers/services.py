"""Writes for the partner provider API: courses, completion reports, pending claims, voids, idempotency keys."""

import hashlib
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from allauth.account.models import EmailAddress
from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Provider, User
from accounts.notifications.services import notify
from accounts.services import action_log_entry, log_action, log_actions
from certifications.models import Certification
from certifications.rules.engine import course_key
from certifications.selectors import params_in_force
from certifications.statements.services import statements_mark_stale, statements_recompute_enqueue, statements_touched
from credits.models import Activity, ApprovedCourse
from credits.providers import roster
from credits.providers.models import MAX_COMPLETIONS, IdempotencyKey, ProviderCompletion, RosterUpload  # noqa: F401 (the API reads it here)

MAX_AMOUNT = Decimal("999999.99")
logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------- courses


def course_number_clean(*, organization, number: Any) -> str:
    """The normalized course number, or a ValidationError naming `course_number` (the org's format)."""
    if not isinstance(number, str) or not course_key(number):
        raise ValidationError({"course_number": "A course number is required."})
    key = course_key(number)
    params = params_in_force(organization_id=organization.pk, on=timezone.localdate())
    regex = params.course_number_regex if params is not None else None
    if len(key) > 20 or (regex is not None and not regex.fullmatch(key)):
        raise ValidationError(
            {"course_number": f"{key} does not follow the {organization.short_name} course-number format."}
        )
    return key


def _amount_clean(value: Any, *, field: str = "amount", positive: bool = False) -> Decimal:
    """A non-negative decimal with at most 2 places (strings or JSON numbers), or a ValidationError."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValidationError({field: 'Must be a decimal number, e.g. "0.5".'})
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: 'Must be a decimal number, e.g. "0.5".'}) from None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise ValidationError({field: "Must be more than 0." if positive else "Must not be negative."})
    if amount.as_tuple().exponent < -2:
        raise ValidationError({field: "At most 2 decimal places."})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: f"At most {MAX_AMOUNT}."})
    return amount.quantize(Decimal("0.01"))


def _course_snapshot(course: ApprovedCourse) -> dict[str, Any]:
    return {
        "course_number": course.course_number,
        "title": course.title,
        "amount": str(course.amount),
        "multi_session": course.multi_session,
        "is_retired": course.is_retired,
    }


@transaction.atomic
def provider_course_create(
    *,
    provider: Provider,
    course_number: str,
    title: str,
    amount: Any,
    multi_session: bool = False,
    actor: User | None = None,
) -> ApprovedCourse:
    """Add a course of this provider to its organization's catalog; the number is unique in the organization."""
    organization = provider.organization
    number = course_number_clean(organization=organization, number=course_number)
    course = ApprovedCourse(
        organization=organization,
        provider=provider,
        course_number=number,
        title=(title or "").strip(),
        amount=_amount_clean(amount, positive=True),
        multi_session=bool(multi_session),
    )
    if not course.title:
        raise ValidationError({"title": "A title is required."})
    with scopes_disabled():
        if ApprovedCourse.objects.filter(organization=organization, course_number=number).exists():
            raise ValidationError({"course_number": f"{number} is already in the {organization.short_name} catalog."})
        try:
            with transaction.atomic():
                course.save()
        except IntegrityError:  # a concurrent request took the number first
            raise ValidationError(
                {"course_number": f"{number} is already in the {organization.short_name} catalog."}
            ) from None
    log_action(
        actor=actor,
        action="provider.course_created",
        obj=course,
        organization=organization,
        data={"provider": provider.name, "after": _course_snapshot(course)},
    )
    return course


@transaction.atomic
def provider_course_update(
    *, provider: Provider, course: ApprovedCourse, changes: dict[str, Any], actor: User | None = None
) -> ApprovedCourse:
    """Change a course's title, amount or multi-session flag (its number never changes)."""
    before = _course_snapshot(course)
    if "title" in changes:
        course.title = (changes["title"] or "").strip()
        if not course.title:
            raise ValidationError({"title": "A title is required."})
    if "amount" in changes:
        course.amount = _amount_clean(changes["amount"], positive=True)
    if "multi_session" in changes:
        course.multi_session = bool(changes["multi_session"])
    course.save()
    log_action(
        actor=actor,
        action="provider.course_updated",
        obj=course,
        organization=provider.organization,
        data={"provider": provider.name, "before": before, "after": _course_snapshot(course)},
    )
    return course


@transaction.atomic
def provider_course_retire(*, provider: Provider, course: ApprovedCourse, actor: User | None = None) -> ApprovedCourse:
    """Retire a course: it stays in the catalog for past activities but takes no new completions."""
    if not course.is_retired:
        before = _course_snapshot(course)
        course.is_retired = True
        course.save(update_fields=["is_retired", "updated_at"])
        log_action(
            actor=actor,
            action="provider.course_retired",
            obj=course,
            organization=provider.organization,
            data={"provider": provider.name, "before": before, "after": _course_snapshot(course)},
        )
    return course


# ------------------------------------------------------------------------------------------ completions


@dataclass
class _Clean:
    index: int
    record_id: str
    email: str
    number: str
    course: ApprovedCourse
    completed_on: date
    amount: Decimal

    @property
    def attendee_key(self) -> str:
        return self.email or f"#{self.number}"

    @property
    def natural_key(self) -> tuple:
        return (self.course.pk, self.attendee_key, self.completed_on)


class _Rejected(Exception):
    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason


def _optional_str(raw: dict, field: str, max_length: int) -> str:
    value = raw.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Rejected(field, "Must be a string.")
    # No NUL or lone surrogate reaches here: the API's parser (cectracker.parsers) refuses the whole body.
    value = value.strip()
    if len(value) > max_length:
        raise _Rejected(field, f"At most {max_length} characters.")
    return value


def _clean_record(index: int, raw: Any, *, courses: dict[str, ApprovedCourse], today: date) -> _Clean:
    """One reported record, checked field by field; raises _Rejected naming the first bad field."""
    if not isinstance(raw, dict):
        raise _Rejected("record", "Each completion must be a JSON object.")
    record_id = _optional_str(raw, "record_id", 100)
    email = _optional_str(raw, "attendee_email", 254).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _Rejected("attendee_email", "Not a valid email address.") from None
    number = _optional_str(raw, "certification_number", 50).upper()
    if not email and not number:
        raise _Rejected("attendee_email", "Give the attendee's email, certification number, or both.")
    number_raw = raw.get("course_number")
    if not isinstance(number_raw, str) or not course_key(number_raw):
        raise _Rejected("course_number", "A course number is required.")
    course = courses.get(course_key(number_raw))
    if course is None:
        raise _Rejected("course_number", f"{course_key(number_raw)} is not one of your courses.")
    if course.is_retired:
        raise _Rejected("course_number", f"{course.course_number} is retired.")
    completed_raw = raw.get("completed_on")
    try:
        if not isinstance(completed_raw, str) or len(completed_raw) != 10:
            raise ValueError
        completed_on = date.fromisoformat(completed_raw)
    except ValueError:
        raise _Rejected("completed_on", "A date as YYYY-MM-DD is required.") from None
    if completed_on > today:
        raise _Rejected("completed_on", "Must not be in the future.")
    if raw.get("amount") is None:
        amount = course.amount
    else:
        try:
            amount = _amount_clean(raw["amount"])
        except ValidationError as exc:
            raise _Rejected("amount", exc.message_dict["amount"][0]) from None
        if amount > course.amount and not course.multi_session:
            raise _Rejected(
                "amount",
                f"More than the course's {course.amount}; only multi-session events take cumulative amounts.",
            )
    return _Clean(index, record_id, email, number, course, completed_on, amount)


def _match_people(*, organization, records: list[_Clean]) -> tuple[dict[str, int], dict[str, int | None]]:
    """Who is who: user ids by verified email, and by certification number within the organization."""
    emails = {r.email for r in records if r.email}
    numbers = {r.number for r in records if r.number}
    by_email: dict[str, int] = {}
    by_number: dict[str, int | None] = {}
    if emails:
        rows = EmailAddress.objects.annotate(e=Lower("email")).filter(e__in=emails)
        unverified = set()
        for e, user_id, verified in rows.values_list("e", "user_id", "verified"):
            if verified:
                by_email[e] = user_id
            else:
                unverified.add((e, user_id))
        # Accounts made outside allauth (no address row) are known by User.email; an unverified row is not proof.
        for e, user_id in User.objects.filter(email__in=emails - by_email.keys(), is_active=True).values_list(
            "email", "id"
        ):
            if (e, user_id) not in unverified:
                by_email[e] = user_id
    if numbers:
        by_number = certification_holders(organization=organization, numbers=numbers)
    return by_email, by_number


def certification_holders(*, organization, numbers: set[str]) -> dict[str, int | None]:
    """User ids by (upper-case) certification number within the organization; None where two people hold one."""
    holders: dict[str, int | None] = {}
    rows = (
        Certification.objects.filter(credential__organization=organization)
        .annotate(n=Upper("number"))
        .filter(n__in=numbers)
        .values_list("n", "user_id")
    )
    for n, user_id in rows:
        # One number held by two people is ambiguous: match nobody by it.
        holders[n] = user_id if holders.get(n, user_id) == user_id else None
    return holders


def _activity_for(completion: ProviderCompletion, *, user_id: int) -> Activity:
    course = completion.course
    return Activity(
        user_id=user_id,
        kind="approved_course",
        title=course.title[:300],
        completed_on=completion.completed_on,
        amount=completion.amount,
        course_number=course.course_number,
        awarding_org=completion.provider.organization.short_name,
        source=Activity.PROVIDER,
        provider_id=completion.provider_id,
    )


def completions_report(
    *,
    provider: Provider,
    records: list[Any],
    request_id: uuid.UUID,
    actor: User | None = None,
    notify_people: bool = True,
) -> dict[str, Any]:
    """Record a provider's report: a receipt per record. Matched completions become activities (one
    bulk insert), unmatched ones pending claims; rejected records never block the others. `actor` is the
    provider's staff member when the report came from the portal (None for an API key). A caller that
    reports one file in several parts passes `notify_people=False` and queues the notification once."""
    organization = provider.organization
    with scopes_disabled():
        # One report at a time per provider: the duplicate checks below cannot race each other.
        Provider.objects.select_for_update().filter(pk=provider.pk).first()
    receipts: list[dict[str, Any]] = [{} for _ in records]
    clean = _clean_records(provider=provider, records=records, receipts=receipts)

    with scopes_disabled():
        existing = _existing_completions(provider=provider, records=clean)
        by_email, by_number = _match_people(organization=organization, records=clean)
        # Once matched, the natural key is the person: a second report of the same course and date by
        # their other identifier (email, then certification number, or the reverse) is the same completion.
        by_person = _existing_by_person(
            provider=provider, records=clean, user_ids={*by_email.values(), *by_number.values()} - {None}
        )
    for completion in by_person.values():
        existing["by_key"].setdefault(_key_of(completion), completion)

    new: dict[tuple, ProviderCompletion] = {}
    new_user: dict[tuple, int | None] = {}
    claimed_ids: dict[str, tuple] = {}  # record_id -> natural key, within this request
    outcome: list[tuple[_Clean, tuple]] = []
    now = timezone.now()
    for rec in clean:
        key = rec.natural_key
        prior = existing["by_key"].get(key)
        if rec.record_id:
            owner = existing["by_record_id"].get(rec.record_id)
            if owner is not None and owner != key or claimed_ids.get(rec.record_id, key) != key:
                receipts[rec.index] = _rejected(
                    rec.index, rec.record_id, "record_id", "Already used for a different completion."
                )
                continue
            claimed_ids[rec.record_id] = key
        if prior is None and key not in new:
            user_email = by_email.get(rec.email) if rec.email else None
            user_number = by_number.get(rec.number) if rec.number else None
            if user_email and user_number and user_email != user_number:
                receipts[rec.index] = _rejected(
                    rec.index, rec.record_id, "certification_number", "Belongs to someone else than attendee_email."
                )
                continue
            user_id = user_email or user_number
            kept = by_person.get((rec.course.pk, user_id, rec.completed_on)) if user_id else None
            if kept is not None:
                outcome.append((rec, _key_of(kept)))
                continue
            new[key] = ProviderCompletion(
                provider=provider,
                course=rec.course,
                record_id=rec.record_id,
                attendee_email=rec.email,
                certification_number=rec.number,
                attendee_key=rec.attendee_key,
                completed_on=rec.completed_on,
                amount=rec.amount,
                user_id=user_id,
                matched_at=now if user_id else None,
                request_id=request_id,
            )
            new_user[key] = user_id
            if user_id:
                by_person[(rec.course.pk, user_id, rec.completed_on)] = new[key]
        outcome.append((rec, key))

    with scopes_disabled():
        matched = [(key, c) for key, c in new.items() if new_user[key]]
        activities = Activity.objects.bulk_create(
            [_activity_for(c, user_id=new_user[key]) for key, c in matched], batch_size=2000
        )
        for (_, completion), activity in zip(matched, activities, strict=True):
            completion.activity_id = activity.pk
        ProviderCompletion.objects.bulk_create(new.values(), batch_size=2000)
        # Many people at once: their statements go stale here and are recomputed in batches after commit
        # (a read before then recomputes on demand), so the provider does not wait for the engine.
        touched = sorted({new_user[key] for key, _ in matched})
        statements_recompute_enqueue(certification_ids=statements_mark_stale(user_ids=touched))

    per_user: dict[int, list[int]] = defaultdict(list)
    for completion in new.values():
        if completion.user_id:
            per_user[completion.user_id].append(completion.activity_id)
    for rec, key in outcome:
        completion = new.get(key) or existing["by_key"][key]
        receipts[rec.index] = {
            "index": rec.index,
            "record_id": rec.record_id or None,
            "status": "accepted",
            "completion_id": completion.pk,
            "activity_id": completion.activity_id,
            "match": "pending" if completion.user_id is None else "matched",
            "duplicate": key not in new or completion.request_id != request_id,
        }
    # A record repeated within the request: the first copy is new, the others are duplicates.
    seen: set[int] = set()
    for receipt in receipts:
        if receipt["status"] == "accepted":
            receipt["duplicate"] = receipt["duplicate"] or receipt["completion_id"] in seen
            seen.add(receipt["completion_id"])

    summary = {
        "request_id": str(request_id),
        "received": len(records),
        "accepted": sum(1 for r in receipts if r["status"] == "accepted"),
        "matched": sum(1 for c in new.values() if c.user_id),
        "pending": sum(1 for c in new.values() if not c.user_id),
        "duplicates": sum(1 for r in receipts if r["status"] == "accepted" and r["duplicate"]),
        "rejected": sum(1 for r in receipts if r["status"] == "rejected"),
    }
    with scopes_disabled():
        entries = [
            action_log_entry(
                actor=actor,
                action="provider.completion_reported",
                organization=organization,
                subject_user_id=user_id,
                data={"provider": provider.name, "request_id": str(request_id), "after": {"activities": ids}},
            )
            for user_id, ids in per_user.items()
        ]
        entries.append(
            action_log_entry(
                actor=actor,
                action="provider.completions_received",
                obj=provider,
                organization=organization,
                data={**summary, "provider": provider.name},
            )
        )
        log_actions(entries=entries)
    if per_user and notify_people:
        completions_notify_task.delay_on_commit(request_id=str(request_id))
    return {**summary, "receipts": receipts}


def _clean_records(*, provider: Provider, records: list[Any], receipts: list[dict[str, Any]]) -> list[_Clean]:
    """The records that pass the field checks; each one that does not gets its rejected receipt."""
    today = timezone.localdate() + timedelta(days=1)  # the provider may be a time zone ahead of us
    with scopes_disabled():
        courses = {c.course_number: c for c in ApprovedCourse.objects.filter(provider=provider)}
    clean: list[_Clean] = []
    for index, raw in enumerate(records):
        try:
            clean.append(_clean_record(index, raw, courses=courses, today=today))
        except _Rejected as rej:
            record_id = raw.get("record_id") if isinstance(raw, dict) else None
            record_id = record_id if isinstance(record_id, str) else None
            receipts[index] = _rejected(index, record_id, rej.field, rej.reason)
    return clean


def completion_records_check(*, provider: Provider, records: list[Any]) -> list[dict[str, Any]]:
    """What `completions_report` would answer for each record, storing nothing (the roster preview):
    a rejected receipt with `field` and `reason`, or `{"status": "accepted", "duplicate": bool}`."""
    receipts: list[dict[str, Any]] = [{} for _ in records]
    clean = _clean_records(provider=provider, records=records, receipts=receipts)
    with scopes_disabled():
        existing = _existing_completions(provider=provider, records=clean)
    seen: set[tuple] = set()
    for rec in clean:
        receipts[rec.index] = {
            "status": "accepted",
            "duplicate": rec.natural_key in existing["by_key"] or rec.natural_key in seen,
        }
        seen.add(rec.natural_key)
    return receipts


def _rejected(index: int, record_id: str | None, field: str, reason: str) -> dict[str, Any]:
    return {"index": index, "record_id": record_id or None, "status": "rejected", "field": field, "reason": reason}


def _existing_completions(*, provider: Provider, records: list[_Clean]) -> dict[str, dict]:
    """Completions this provider already reported, by natural key and by record id (two queries)."""
    by_key: dict[tuple, ProviderCompletion] = {}
    by_record_id: dict[str, tuple] = {}
    if records:
        rows = ProviderCompletion.objects.filter(
            provider=provider,
            voided_at__isnull=True,
            course_id__in={r.course.pk for r in records},
            attendee_key__in={r.attendee_key for r in records},
            completed_on__in={r.completed_on for r in records},
        ).only("id", "course_id", "attendee_key", "completed_on", "record_id", "user_id", "activity_id", "voided_at")
        for c in rows:
            by_key[(c.course_id, c.attendee_key, c.completed_on)] = c
        record_ids = {r.record_id for r in records if r.record_id}
        if record_ids:
            for c in ProviderCompletion.objects.filter(
                provider=provider, record_id__in=record_ids, voided_at__isnull=True
            ).only("id", "course_id", "attendee_key", "completed_on", "record_id"):
                by_record_id[c.record_id] = (c.course_id, c.attendee_key, c.completed_on)
    return {"by_key": by_key, "by_record_id": by_record_id}


def _key_of(completion: ProviderCompletion) -> tuple:
    return (completion.course_id, completion.attendee_key, completion.completed_on)


def _existing_by_person(*, provider: Provider, records: list[_Clean], user_ids: set[int]) -> dict[tuple, Any]:
    """This provider's live completions of these people, by (course, person, date): one query."""
    if not user_ids or not records:
        return {}
    rows = ProviderCompletion.objects.filter(
        provider=provider,
        voided_at__isnull=True,
        user_id__in=user_ids,
        course_id__in={r.course.pk for r in records},
        completed_on__in={r.completed_on for r in records},
    ).only("id", "course_id", "attendee_key", "completed_on", "record_id", "user_id", "activity_id", "voided_at")
    return {(c.course_id, c.user_id, c.completed_on): c for c in rows}


def completions_notify(*, request_id: str) -> int:
    """Tell each person matched by one report about it, once per person; returns how many were told."""
    with scopes_disabled():
        rows = (
            ProviderCompletion.objects.filter(request_id=request_id, user__isnull=False, voided_at__isnull=True)
            .select_related("provider", "course", "user")
            .order_by("user_id", "completed_on")
        )
        people: dict[int, list[ProviderCompletion]] = defaultdict(list)
        for completion in rows:
            people[completion.user_id].append(completion)
    for user_id, completions in people.items():
        notify(
            user=completions[0].user,
            kind="completion_added",
            key=f"completions:{request_id}:{user_id}",
            context={
                "count": len(completions),
                "provider": completions[0].provider.name,
                "courses": sorted({c.course.title for c in completions}),
            },
        )
    return len(people)


@transaction.atomic
def completion_void(
    *, provider: Provider, completion: ProviderCompletion, reason: str = "", actor: User | None = None
) -> ProviderCompletion:
    """Void a completion the provider reported: its activity stops counting; the log keeps both."""
    if completion.voided_at is not None:
        return completion
    now = timezone.now()
    completion.voided_at = now
    completion.save(update_fields=["voided_at"])
    with scopes_disabled():
        if completion.activity_id:
            Activity.objects.filter(pk=completion.activity_id).update(voided_at=now, updated_at=now)
            statements_touched(user_ids=[completion.user_id] if completion.user_id else [])
        log_action(
            actor=actor,
            action="provider.completion_voided",
            obj=completion,
            organization=provider.organization,
            subject_user=completion.user,
            data={
                "provider": provider.name,
                "reason": reason,
                "activity": completion.activity_id,
                "before": {"voided_at": None},
                "after": {"voided_at": now.isoformat()},
            },
        )
    return completion


@transaction.atomic
def completion_claims_attach(
    *, user: User, email: str | None = None, certification: Certification | None = None
) -> int:
    """Attach pending completions to `user` once they verified `email` or added `certification`.

    Returns how many were attached; each becomes an activity, the person is told once."""
    with scopes_disabled():
        pending = ProviderCompletion.objects.filter(user__isnull=True, voided_at__isnull=True)
        if email:
            pending = pending.filter(attendee_email=email.strip().lower())
        elif certification is not None and certification.number:
            pending = pending.filter(
                certification_number=certification.number.strip().upper(),
                provider__organization_id=certification.credential.organization_id,
            )
        else:
            return 0
        claims = list(pending.select_for_update(of=("self",)).select_related("provider__organization", "course"))
        if not claims:
            return 0
        now = timezone.now()
        # The natural key is the person once matched: a claim for a course and date the person already has
        # from this provider (reported under their other identifier) is voided as merged into that one.
        kept = {
            (c.provider_id, c.course_id, c.completed_on): c.pk
            for c in ProviderCompletion.objects.filter(
                user=user,
                voided_at__isnull=True,
                provider_id__in={c.provider_id for c in claims},
                course_id__in={c.course_id for c in claims},
            ).only("id", "provider_id", "course_id", "completed_on")
        }
        merged: dict[int, int] = {}
        for completion in claims:
            person_key = (completion.provider_id, completion.course_id, completion.completed_on)
            if person_key in kept:
                merged[completion.pk] = kept[person_key]
            else:
                kept[person_key] = completion.pk
        duplicates = [c for c in claims if c.pk in merged]
        claims = [c for c in claims if c.pk not in merged]
        for completion in duplicates:
            completion.voided_at = now
        ProviderCompletion.objects.bulk_update(duplicates, ["voided_at"])
        activities = Activity.objects.bulk_create([_activity_for(c, user_id=user.pk) for c in claims])
        for completion, activity in zip(claims, activities, strict=True):
            completion.user_id, completion.activity_id, completion.matched_at = user.pk, activity.pk, now
        ProviderCompletion.objects.bulk_update(claims, ["user", "activity", "matched_at"])
        statements_touched(user_ids=[user.pk])
        by_org: dict[Any, list[ProviderCompletion]] = defaultdict(list)
        for completion in claims + duplicates:
            by_org[completion.provider.organization].append(completion)
        log_actions(
            entries=[
                action_log_entry(
                    actor=user,
                    action="provider.completion_claimed",
                    organization=organization,
                    subject_user=user,
                    data={
                        "by": "email" if email else "certification_number",
                        "completions": [c.pk for c in items if c.pk not in merged],
                        # voided: the same course and date reported under the person's other identifier
                        "merged_into": {str(c.pk): merged[c.pk] for c in items if c.pk in merged},
                        "after": {"activities": [c.activity_id for c in items if c.pk not in merged]},
                    },
                )
                for organization, items in by_org.items()
            ]
        )
        if not claims:
            return 0
    trigger = f"email:{email.strip().lower()}" if email else f"certification:{certification.pk}"
    notify(
        user=user,
        kind="completion_added",
        key=f"claims:{user.pk}:{trigger}",
        context={"count": len(claims), "provider": ", ".join(sorted({c.provider.name for c in claims}))},
    )
    return len(claims)


# ------------------------------------------------------------------------------------------ roster uploads

ROSTER_CHUNK = 1000  # records per call of completions_report, and the progress bar's step


def roster_progress_key(upload_id: int) -> str:
    return f"roster-progress:{upload_id}"


@transaction.atomic
def roster_upload_create(*, actor: User, provider: Provider, upload) -> RosterUpload:
    """Check a roster file by its content (`roster.roster_read`) and keep it for the preview; a refused file
    raises ValidationError on `file` and stores nothing."""
    checked = roster.roster_read(upload)
    row = RosterUpload(
        provider=provider,
        uploaded_by=actor,
        original_name=(getattr(upload, "name", "") or "roster")[:255],
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        rows=len(checked.sheet.rows),
        headers=checked.sheet.headers,
        mapping=roster.mapping_guess(checked.sheet.headers),
    )
    row.file.save("roster", upload, save=False)
    row.save()
    log_action(
        actor=actor,
        action="provider.roster_uploaded",
        obj=row,
        organization=provider.organization,
        data={"provider": provider.name, "after": {"file": row.original_name, "rows": row.rows, "kind": row.kind}},
    )
    return row


def roster_mapping_clean(*, headers: list[str], mapping: dict[str, int | None], default_course) -> dict[str, int]:
    """A column mapping that can make records: each column feeds one field at most, the attendee and the
    date have a column, the course a column or a course for every row. ValidationError names the field."""
    chosen = {field: index for field, index in mapping.items() if index is not None}
    errors: dict[str, str] = {}
    for field, index in chosen.items():
        if field not in roster.FIELDS or not 0 <= index < len(headers):
            errors[field] = "Choose one of the file's columns."
        elif list(chosen.values()).count(index) > 1:
            errors[field] = f"Column \u201c{headers[index]}\u201d is chosen for two fields; choose it for one."
    if "attendee_email" not in chosen and "certification_number" not in chosen:
        errors["attendee_email"] = "Choose the column with the attendees' emails or certification numbers."
    if "completed_on" not in chosen:
        errors["completed_on"] = "Choose the column with the completion dates."
    if "course_number" not in chosen and default_course is None:
        errors["course_number"] = "Choose the column with course numbers, or one course for every row."
    if errors:
        raise ValidationError(errors)
    return chosen


@transaction.atomic
def roster_upload_map(
    *, actor: User, upload: RosterUpload, mapping: dict[str, int | None], default_course
) -> RosterUpload:
    """Save how the file's columns map to the completion fields (only before it is submitted)."""
    upload = RosterUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.state not in (RosterUpload.PREVIEW, RosterUpload.FAILED):
        raise ValidationError("This roster was already submitted; upload it again to change its columns.")
    if default_course is not None and (default_course.provider_id != upload.provider_id or default_course.is_retired):
        raise ValidationError({"default_course": "Choose one of your current courses."})
    before = {"mapping": upload.mapping, "default_course": upload.default_course_id}
    upload.mapping = roster_mapping_clean(headers=upload.headers, mapping=mapping, default_course=default_course)
    upload.default_course = default_course
    upload.save(update_fields=["mapping", "default_course"])
    log_action(
        actor=actor,
        action="provider.roster_mapped",
        obj=upload,
        organization=upload.provider.organization,
        data={"before": before, "after": {"mapping": upload.mapping, "default_course": upload.default_course_id}},
    )
    return upload


@transaction.atomic
def roster_upload_submit(*, actor: User, upload: RosterUpload) -> RosterUpload:
    """Queue the roster's report (after the transaction commits); a second click, or a roster already
    reported, changes nothing. A failed one may be submitted again: its run stored nothing."""
    upload = RosterUpload.objects.select_for_update().select_related("provider__organization").get(pk=upload.pk)
    if upload.state not in (RosterUpload.PREVIEW, RosterUpload.FAILED):
        return upload
    roster_mapping_clean(headers=upload.headers, mapping=upload.mapping, default_course=upload.default_course)
    before = upload.state
    upload.state, upload.submitted_at, upload.error = RosterUpload.QUEUED, timezone.now(), ""
    upload.save(update_fields=["state", "submitted_at", "error"])
    log_action(
        actor=actor,
        action="provider.roster_submitted",
        obj=upload,
        organization=upload.provider.organization,
        data={"provider": upload.provider.name, "before": {"state": before}, "after": {"state": upload.state}},
    )
    roster_upload_process_task.delay_on_commit(upload_id=upload.pk)
    return upload


def roster_upload_process(*, upload_id: int) -> RosterUpload:
    """Report a submitted roster through `completions_report`, ROSTER_CHUNK records at a time, in ONE
    transaction: all its receipts, or (on an error) nothing at all and the roster marked failed."""
    from django.core.cache import cache

    with scopes_disabled():
        with transaction.atomic():
            upload = RosterUpload.objects.select_for_update().get(pk=upload_id)
            if upload.state not in (RosterUpload.QUEUED, RosterUpload.RUNNING):
                return upload  # already reported (a second delivery of the task), or never submitted
            upload.state = RosterUpload.RUNNING
            upload.save(update_fields=["state"])
        try:
            with transaction.atomic():
                upload = (
                    RosterUpload.objects.select_for_update(of=("self",))
                    .select_related("provider__organization", "default_course", "uploaded_by")
                    .get(pk=upload_id)
                )
                if upload.state != RosterUpload.RUNNING:
                    return upload  # another delivery finished it while this one waited for the lock
                _roster_report(upload, progress=lambda done: cache.set(roster_progress_key(upload_id), done, 3600))
        except Exception:
            logger.exception("roster upload %s failed", upload_id)
            RosterUpload.objects.filter(pk=upload_id).update(
                state=RosterUpload.FAILED,
                finished_at=timezone.now(),
                error="Something went wrong while reporting this roster, and nothing of it was stored. Submit it "
                "again; if it fails again, tell us.",
            )
            upload.refresh_from_db()
        return upload


def _roster_report(upload: RosterUpload, *, progress) -> None:
    sheet = roster.stored_sheet(upload.file.name)
    course = upload.default_course.course_number if upload.default_course else ""
    records = roster.roster_records(sheet=sheet, mapping=upload.mapping, default_course=course)
    receipts: list[dict[str, Any]] = []
    totals = dict.fromkeys(("accepted", "matched", "pending", "duplicates", "rejected"), 0)
    for start in range(0, len(records), ROSTER_CHUNK):
        chunk = records[start : start + ROSTER_CHUNK]
        result = completions_report(
            provider=upload.provider,
            records=chunk,
            request_id=upload.request_id,
            actor=upload.uploaded_by,
            notify_people=False,
        )
        for receipt, record, (number, _) in zip(result["receipts"], chunk, sheet.rows[start:], strict=False):
            fields = {field: record.get(field, "") for field in roster.FIELDS}
            receipts.append({**fields, **receipt, "index": start + receipt["index"], "row": number})
        for name in totals:
            totals[name] += result[name]
        progress(start + len(chunk))
    if totals["matched"]:
        # Once for the whole file (its parts share the request id): each person is told once.
        completions_notify_task.delay_on_commit(request_id=str(upload.request_id))
    upload.receipts, upload.summary = receipts, {"received": len(records), **totals}
    upload.state, upload.finished_at = RosterUpload.DONE, timezone.now()
    upload.save(update_fields=["receipts", "summary", "state", "finished_at"])
    log_action(
        actor=upload.uploaded_by,
        action="provider.roster_reported",
        obj=upload,
        organization=upload.provider.organization,
        data={"provider": upload.provider.name, "after": upload.summary},
    )


@transaction.atomic
def roster_typed_report(
    *, actor: User, provider: Provider, course: ApprovedCourse, completed_on: date, attendees: list[str]
) -> dict[str, Any]:
    """A roster typed in the portal: one email or certification number per attendee, one course and date,
    reported through `completions_report` like any other."""
    records = [
        {
            "attendee_email" if "@" in attendee else "certification_number": attendee,
            "course_number": course.course_number,
            "completed_on": completed_on.isoformat(),
        }
        for attendee in attendees
    ]
    return completions_report(provider=provider, records=records, request_id=uuid.uuid4(), actor=actor)


# ------------------------------------------------------------------------------------- idempotency keys


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """What makes two requests 'the same' for an Idempotency-Key: method, path and exact body."""
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


# No request runs this long (worker timeouts are far shorter): a key still "running" after it belongs to
# a process that died between claiming the key and storing the answer, and the provider may retry.
RUNNING_KEY_ABANDONED_AFTER = timedelta(minutes=10)


def idempotency_key_claim(*, provider: Provider, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Insert the key row in its own transaction (the unique constraint decides who runs); return
    (row, created). A row older than the retention period, or abandoned while running, is replaced."""
    with scopes_disabled():
        for _ in range(2):
            try:
                with transaction.atomic():
                    return IdempotencyKey.objects.create(provider=provider, key=key, fingerprint=fingerprint), True
            except IntegrityError:
                row = IdempotencyKey.objects.filter(provider=provider, key=key).first()
                if row is None:
                    continue
                now = timezone.now()
                abandoned = row.status_code is None and row.created_at < now - RUNNING_KEY_ABANDONED_AFTER
                if row.created_at >= now - timedelta(hours=settings.CECT_IDEMPOTENCY_KEY_HOURS) and not abandoned:
                    return row, False
                IdempotencyKey.objects.filter(
                    pk=row.pk, created_at=row.created_at, status_code=row.status_code
                ).delete()
        raise ValidationError({"Idempotency-Key": "Could not reserve this key; try again."})


def idempotency_key_store(*, row: IdempotencyKey, status_code: int, body: Any) -> None:
    """Keep the first answer (JSON-ready `body`) for replays."""
    with scopes_disabled():
        IdempotencyKey.objects.filter(pk=row.pk).update(status_code=status_code, response=body)


def idempotency_key_release(*, row: IdempotencyKey) -> None:
    """Forget a key whose request failed unexpectedly, so the provider can retry with it."""
    with scopes_disabled():
        IdempotencyKey.objects.filter(pk=row.pk).delete()


def idempotency_keys_purge(*, now=None) -> int:
    """Delete keys older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.CECT_IDEMPOTENCY_KEY_HOURS)
    with scopes_disabled():
        deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# Celery tasks: thin, take ids, call the service above. Each keeps the name it was first
# published under, because beat rows and queued messages carry it.
@shared_task(
    name="credits.tasks.completions_notify_task",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def completions_notify_task(*, request_id: str) -> int:
    """Tell the people matched by one provider report (once each; the ledger key makes reruns harmless)."""
    return completions_notify(request_id=request_id)


@shared_task(name="credits.providers.services.roster_upload_process_task", acks_late=True, reject_on_worker_lost=True)
def roster_upload_process_task(*, upload_id: int) -> str:
    """Report a submitted roster file (a second delivery finds it reported and does nothing)."""
    return roster_upload_process(upload_id=upload_id).state


@shared_task(name="credits.tasks.idempotency_keys_purge_task")
def idempotency_keys_purge_task() -> int:
    """Delete provider Idempotency-Keys past their 24 hours (scheduled by django-celery-beat)."""
    return idempotency_keys_purge()
