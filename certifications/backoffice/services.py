"""Writes of the organization back office: reinstatement and emeritus status."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization, User
from accounts.services import log_action
from certifications.backoffice.models import EmeritusApplication
from certifications.backoffice.selectors import emeritus_eligibility
from certifications.models import Certification, Cycle, Renewal
from certifications.rules.engine import EMERITUS, EXPIRED, LAPSED
from certifications.selectors import cycle_progress, params_in_force, renewal_quote
from certifications.services import cycle_create
from certifications.statements.services import statements_deferred

REINSTATABLE = (LAPSED, EXPIRED, EMERITUS)


def _current_cycle(certification: Certification) -> Cycle:
    return Cycle.objects.select_for_update().filter(certification=certification).order_by("-start").first()


@transaction.atomic
@statements_deferred()
def certification_reinstate(*, actor: User, organization: Organization, certification_id: int, on: date) -> Renewal:
    """Reinstate a lapsed (or expired, or emeritus) certification on `on`, recording the fee due.

    Only the organization can do this (RULES §3); the new cycle starts on the reinstatement date."""
    with scopes_disabled():
        certification = (
            Certification.objects.select_for_update(of=("self",))
            .select_related("credential__organization", "user")
            .get(pk=certification_id, credential__organization=organization)
        )
        if on > timezone.localdate():
            # The status as of a future date says nothing about today: a current certification would pass.
            raise ValidationError({"on": "The reinstatement date cannot be in the future."})
        cycle = _current_cycle(certification)
        result = cycle_progress(cycle=cycle, as_of=on).result
        status = result.status
        if status not in REINSTATABLE or Renewal.objects.filter(cycle=cycle).exists():
            raise ValidationError(
                {"on": f"Only a lapsed, expired or emeritus certification is reinstated (this one is {status})."}
            )
        if on < cycle.start:
            raise ValidationError({"on": "The reinstatement date cannot be before the current cycle began."})
        quote = renewal_quote(certification=certification, cycle=cycle, on=on)
        earned = result.earned
        next_cycle = cycle_create(certification=certification, start=on)
        renewal = Renewal.objects.create(
            cycle=cycle,
            next_cycle=next_cycle,
            submitted_by=actor,
            fee_kind=quote.fee_kind,
            fee=quote.fee,
            earned=earned,
        )
        was_emeritus = bool(certification.emeritus_on)
        if was_emeritus:
            certification.emeritus_on = None
            certification.save(update_fields=["emeritus_on"])
    log_action(
        actor=actor,
        action="certification.reinstated",
        obj=certification,
        organization=organization,
        subject_user=certification.user,
        data={
            "before": {"status": status, "cycle": f"{cycle.start}…{cycle.end}"},
            "after": {
                "cycle": f"{next_cycle.start}…{next_cycle.end}",
                "fee_kind": quote.fee_kind,
                "fee": str(quote.fee.quantize(Decimal("0.01"))) if quote.fee is not None else None,
                "currency": quote.currency,
            },
        },
    )
    return renewal


@transaction.atomic
def emeritus_apply(*, user: User, certification: Certification, retired_attested: bool) -> EmeritusApplication:
    """The holder applies for emeritus status; the conditions are checked now and again at the decision."""
    if certification.user_id != user.pk:
        raise ValidationError({"certification": "Not your certification."})
    if not retired_attested:
        raise ValidationError({"retired_attested": "Emeritus status is for holders who have retired: confirm it."})
    eligibility = emeritus_eligibility(certification=certification, on=timezone.localdate())
    if not eligibility.eligible:
        raise ValidationError({"certification": eligibility.problems})
    with scopes_disabled():
        try:
            with transaction.atomic():
                application = EmeritusApplication.objects.create(
                    certification=certification, retired_attested=True, eligibility=eligibility.as_dict()
                )
        except IntegrityError:
            raise ValidationError({"certification": "Your application is already waiting for a decision."}) from None
    log_action(
        actor=user,
        action="emeritus.applied",
        obj=application,
        organization=certification.credential.organization,
        subject_user=user,
        data={"after": {"status": application.status, **eligibility.as_dict()}},
    )
    return application


@transaction.atomic
@statements_deferred()
def emeritus_decide(
    *, actor: User, organization: Organization, application_id: int, approve: bool, reason: str = ""
) -> EmeritusApplication:
    """Approve (the current cycle becomes `emeritus`; the credential reads e.g. ACSM-CPT-E) or deny."""
    with scopes_disabled():
        application = (
            EmeritusApplication.objects.select_for_update(of=("self",))
            .select_related("certification__credential", "certification__user")
            .get(pk=application_id, certification__credential__organization=organization)
        )
    if application.status != EmeritusApplication.PENDING:
        raise ValidationError({"decision": f"This application was already {application.status}."})
    certification = application.certification
    reason = (reason or "").strip()
    today = timezone.localdate()
    if approve:
        eligibility = emeritus_eligibility(certification=certification, on=today)
        if not eligibility.eligible:
            raise ValidationError({"decision": eligibility.problems})
        rules = params_in_force(organization_id=organization.pk, on=today).emeritus
        with scopes_disabled():
            cycle = _current_cycle(certification)
            before_status = cycle.recorded_status or None
            cycle.recorded_status, cycle.recorded_at = Cycle.EMERITUS, timezone.now()
            cycle.save(update_fields=["recorded_status", "recorded_at"])
        certification.emeritus_on = today
        certification.emeritus_code_suffix, certification.emeritus_name_suffix = rules.code_suffix, rules.name_suffix
        certification.save(update_fields=["emeritus_on", "emeritus_code_suffix", "emeritus_name_suffix"])
        application.status = EmeritusApplication.APPROVED
    else:
        if not reason:
            raise ValidationError({"reason": "Say why the application is denied."})
        before_status = None
        application.status = EmeritusApplication.DENIED
    application.decision_reason = reason
    application.decided_by, application.decided_at = actor, timezone.now()
    application.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    log_action(
        actor=actor,
        action=f"emeritus.{application.status}",
        obj=application,
        organization=organization,
        subject_user=certification.user,
        data={
            "before": {"status": EmeritusApplication.PENDING, "cycle_status": before_status},
            "after": {
                "status": application.status,
                "credential": certification.display_code,
                "cycle_status": Cycle.EMERITUS if approve else None,
                "reason": reason,
            },
        },
    )
    return application
