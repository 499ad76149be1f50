"""Writes for petitions decided by organization staff."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.notifications.services import notify
from accounts.services import log_action
from certifications.selectors import params_in_force
from certifications.statements.services import statements_deferred
from credits.models import Petition

APPROVE, DENY = "approve", "deny"


def _state(petition: Petition) -> dict:
    return {
        "status": petition.status,
        "amount": str(petition.amount) if petition.amount is not None else None,
        "reason": petition.decision_reason,
    }


@transaction.atomic
@statements_deferred()
def petition_decide(
    *,
    actor: User,
    organization: Organization,
    petition_id: int,
    decision: str,
    amount: Decimal | None = None,
    reason: str = "",
) -> Petition:
    """Approve a pending petition with an amount, or deny it with a reason; a decided petition is refused."""
    # Row lock: two reviewers deciding at once are serialized, and the second sees the first decision.
    petition = (
        Petition.objects.select_for_update(of=("self",))
        .select_related("activity__user", "organization")
        .get(pk=petition_id, organization=organization)
    )
    if petition.status != Petition.PENDING:
        raise ValidationError({"decision": f"This petition was already {petition.get_status_display().lower()}."})
    reason = (reason or "").strip()
    before = _state(petition)
    if decision == APPROVE:
        if amount is None:
            raise ValidationError({"amount": "Give the amount to credit."})
        if amount < 0 or amount.as_tuple().exponent < -2:
            raise ValidationError({"amount": "The amount must be zero or more, with at most 2 decimal places."})
        petition.status, petition.amount = Petition.APPROVED, amount
    elif decision == DENY:
        if not reason:
            raise ValidationError({"reason": "Say why the petition is denied; the trainer will read it."})
        petition.status, petition.amount = Petition.DENIED, None
    else:
        raise ValidationError({"decision": "Choose approve or deny."})
    petition.decision_reason = reason
    petition.decided_by, petition.decided_at = actor, timezone.now()
    petition.save(update_fields=["status", "amount", "decision_reason", "decided_by", "decided_at"])
    log_action(
        actor=actor,
        action=f"petition.{petition.status}",
        obj=petition,
        organization=organization,
        subject_user=petition.activity.user,
        data={"before": before, "after": _state(petition)},
    )
    params = params_in_force(organization_id=organization.pk, on=timezone.localdate())
    notify(
        user=petition.activity.user,
        kind="petition_decided",
        key=f"petition:{petition.pk}",
        context={
            "petition_id": petition.pk,
            "organization": organization.short_name,
            "activity": str(petition.activity),
            "status": petition.status,
            "amount": str(petition.amount) if petition.amount is not None else None,
            "unit": params.unit if params else "",
            "reason": petition.decision_reason,
        },
    )
    return petition
