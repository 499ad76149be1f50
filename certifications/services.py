"""Writes for certifications and cycles."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from accounts.services import log_action
from certifications.models import Certification, Credential, Cycle, Renewal
from certifications.proof.services import credential_issue_next
from certifications.rules.engine import cycle_for
from certifications.selectors import params_in_force

# Dates a person can record (certified, cycle start, CPR/AED expiry): anything else is a typing mistake.
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def _date_range_errors(**values: date | None) -> dict[str, str]:
    return {
        name: f"Enter a date between {EARLIEST_DATE:%m/%d/%Y} and {LATEST_DATE:%m/%d/%Y}."
        for name, value in values.items()
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE
    }


def cycle_create(*, certification: Certification, start: date) -> Cycle:
    """Create the cycle starting on `start`, with its end and grace end from the rules in force then."""
    params = params_in_force(organization_id=certification.credential.organization_id, on=start)
    dates = cycle_for(start=start, params=params)
    return Cycle.objects.create(
        certification=certification, start=dates.start, end=dates.end, grace_until=dates.grace_until
    )


@transaction.atomic
def certification_add(
    *,
    actor: User,
    user: User,
    credential: Credential,
    certified_on: date,
    number: str = "",
    cycle_start: date | None = None,
    cpr_aed_valid_until: date | None = None,
) -> Certification:
    """Record that a person holds a credential, with the cycle that started on `cycle_start`.

    Raises ValidationError (by field) for dates in the future or out of order and for a credential already held."""
    cycle_start = cycle_start or certified_on
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if certified_on > today:
        errors["certified_on"] = f"The date you were first certified can't be in the future (today is {today})."
    if cycle_start > today:
        errors["cycle_start"] = (
            f"Your current cycle can't start after today ({today}). Enter the date it started, "
            "as shown on your certificate or your organization's portal."
        )
    elif cycle_start < certified_on:
        errors["cycle_start"] = (
            f"Your current cycle can't start before you were first certified ({certified_on}). Check both dates."
        )
    ranges = _date_range_errors(
        certified_on=certified_on, cycle_start=cycle_start, cpr_aed_valid_until=cpr_aed_valid_until
    )
    errors = {**ranges, **errors}  # the more precise message (future, before certified) wins
    with scopes_disabled():
        if not credential.is_active:
            errors["credential"] = f"{credential.code} can no longer be added: {credential.organization} retired it."
        elif Certification.objects.filter(user=user, credential=credential).exists():
            errors["credential"] = (
                f"You already have your {credential.code} certification here: open it from your list to change it."
            )
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                certification = Certification.objects.create(
                    user=user,
                    credential=credential,
                    number=number.strip(),
                    certified_on=certified_on,
                    cpr_aed_valid_until=cpr_aed_valid_until,
                )
        except IntegrityError as exc:  # the same credential added twice at the same time
            raise ValidationError(
                {"credential": f"You already have your {credential.code} certification here."}
            ) from exc
        cycle = cycle_create(certification=certification, start=cycle_start)
        from credits.providers.services import completion_claims_attach  # credits imports certifications

        completion_claims_attach(user=user, certification=certification)
    log_action(
        actor=actor,
        action="certification.added",
        obj=certification,
        subject_user=user,
        data={
            "after": {"credential": credential.code, "number": certification.number, "cycle_start": str(cycle.start)}
        },
    )
    return certification


@transaction.atomic
def certification_update(
    *, actor: User, certification: Certification, number: str, cpr_aed_valid_until: date | None
) -> Certification:
    """Change the certification number and the CPR/AED expiry, logging the values before and after."""
    errors = _date_range_errors(cpr_aed_valid_until=cpr_aed_valid_until)
    if errors:
        raise ValidationError(errors)
    with scopes_disabled():
        certification = Certification.objects.select_for_update().get(pk=certification.pk)
        before = {"number": certification.number, "cpr_aed_valid_until": _iso(certification.cpr_aed_valid_until)}
        certification.number = number.strip()
        certification.cpr_aed_valid_until = cpr_aed_valid_until
        after = {"number": certification.number, "cpr_aed_valid_until": _iso(certification.cpr_aed_valid_until)}
        if before == after:
            return certification
        certification.save(update_fields=["number", "cpr_aed_valid_until"])
        if certification.number and certification.number != before["number"]:
            from credits.providers.services import completion_claims_attach  # credits imports certifications

            # Provider completions reported under this number attach now (issue 6), as on certification_add.
            completion_claims_attach(user=certification.user, certification=certification)
    log_action(
        actor=actor,
        action="certification.updated",
        obj=certification,
        subject_user=certification.user,
        data={
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
        },
    )
    return certification


@transaction.atomic
def certification_remove(*, actor: User, certification: Certification) -> None:
    """Delete a certification with its cycles and renewals (activities stay), logging what was removed."""
    with scopes_disabled():
        certification = Certification.objects.select_related("credential").get(pk=certification.pk)
        cycles = list(certification.cycles.order_by("start").values_list("start", flat=True))
        log_action(
            actor=actor,
            action="certification.removed",
            obj=certification,
            subject_user=certification.user,
            data={
                "before": {
                    "credential": certification.credential.code,
                    "number": certification.number,
                    "certified_on": _iso(certification.certified_on),
                    "cpr_aed_valid_until": _iso(certification.cpr_aed_valid_until),
                    "cycle_starts": [str(start) for start in cycles],
                }
            },
        )
        try:
            with transaction.atomic():
                certification.delete()
        except ProtectedError as exc:  # e.g. an organization's audit of one of its renewals
            raise ValidationError(
                {
                    "certification": f"{certification.credential.code} can't be removed: "
                    f"{certification.credential.organization.short_name} holds records about it (such as an audit)."
                }
            ) from exc


def certification_renew(*, actor: User, certification: Certification, on: date, cycle: Cycle | None = None) -> Renewal:
    """Submit the renewal of the current cycle (or `cycle`) on `on`; the next cycle starts on the anniversary.

    Idempotent: a cycle already renewed returns its renewal. Raises ValidationError when the requirements
    are not met or only the organization can act (lapsed, expired, emeritus)."""
    from audits import services as audits_services
    from certifications.selectors import renewal_preview

    with transaction.atomic(), scopes_disabled():
        # One renewal at a time per certification: concurrent submissions queue here.
        certification = (
            Certification.objects.select_for_update()
            .select_related("credential__organization")
            .get(pk=certification.pk)
        )
        cycles = list(Cycle.objects.filter(certification=certification).select_related("renewal").order_by("start"))
        if cycle is not None:
            cycle = next((c for c in cycles if c.pk == cycle.pk), None)
            if cycle is None:
                raise ValidationError({"cycle": "That cycle is not one of this certification's."})
        else:
            cycle = cycles[-1]
            previous = cycles[-2] if len(cycles) > 1 else None
            previous_renewal = getattr(previous, "renewal", None) if previous is not None else None
            # Submitted twice: the renewal just recorded (its next cycle has not started, or it was the same day).
            if previous_renewal is not None and (
                on < cycle.start or timezone.localdate(previous_renewal.submitted_at) == on
            ):
                return previous_renewal
        existing = Renewal.objects.filter(cycle=cycle).first()
        if existing is not None:
            return existing

        preview = renewal_preview(certification=certification, cycle=cycle, on=on)
        if not preview.allowed:
            raise ValidationError(preview.problems)
        result, quote = preview.progress.result, preview.quote
        try:
            with transaction.atomic():
                renewal = Renewal.objects.create(
                    cycle=cycle, submitted_by=actor, fee_kind=quote.fee_kind, fee=quote.fee, earned=result.earned
                )
        except IntegrityError:  # renewed by a concurrent request after all
            return Renewal.objects.get(cycle=cycle)
        if timezone.localdate(renewal.submitted_at) != on:
            # Submitted "on" another day (back-office entry, tests): the date decides grace credits (RULES §3).
            renewal.submitted_at = timezone.make_aware(datetime.combine(on, time(12)))
            renewal.save(update_fields=["submitted_at"])
        cycle.recorded_status = Cycle.RENEWED
        cycle.recorded_at = timezone.now()
        cycle.fee_due = quote.fee
        cycle.save(update_fields=["recorded_status", "recorded_at", "fee_due"])
        next_cycle = cycle_create(certification=certification, start=preview.next_start)
        renewal.next_cycle = next_cycle
        renewal.save(update_fields=["next_cycle"])
        # A holder who handed out the renewed cycle's credential gets the next cycle's (certifications/proof/).
        credential_issue_next(actor=actor, renewed=cycle, next_cycle=next_cycle)
        log_action(
            actor=actor,
            action="certification.renewed",
            obj=renewal,
            organization=certification.credential.organization,
            subject_user=certification.user,
            data={
                "before": {"cycle": f"{cycle.start}…{cycle.end}", "status": result.status},
                "after": {
                    "status": Cycle.RENEWED,
                    "next_cycle": f"{next_cycle.start}…{next_cycle.end}",
                    "fee_kind": quote.fee_kind,
                    "fee": None if quote.fee is None else str(quote.fee),
                    "earned": str(result.earned),
                    "submitted_on": str(on),
                },
            },
        )
        transaction.on_commit(lambda: audits_services.audit_consider(renewal=renewal))
    return renewal


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
