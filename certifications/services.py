"""Writes for certifications and cycles."""

from datetime import date

from django.db import transaction
from django_scopes import scopes_disabled

from accounts.models import User
from accounts.services import log_action

from .models import Certification, Credential, Cycle
from .rules.engine import cycle_for, version_in_force
from .selectors import rule_versions


def cycle_create(*, certification: Certification, start: date) -> Cycle:
    """Create the cycle starting on `start`, with its end and grace end from the rules in force then."""
    versions = rule_versions(organization_ids=[certification.credential.organization_id])
    params = version_in_force(versions=versions[certification.credential.organization_id], on=start).params
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
    """Record that a person holds a credential, with the cycle that started on `cycle_start`."""
    with scopes_disabled():
        certification = Certification.objects.create(
            user=user,
            credential=credential,
            number=number.strip(),
            certified_on=certified_on,
            cpr_aed_valid_until=cpr_aed_valid_until,
        )
        cycle = cycle_create(certification=certification, start=cycle_start or certified_on)
        from credits.provider_services import completion_claims_attach  # credits imports certifications

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
