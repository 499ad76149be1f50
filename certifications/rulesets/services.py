"""Writes for rule-set versions: drafts are edited, published versions never change (RULES §7)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Organization, User
from accounts.services import log_action
from certifications.models import RuleSetVersion
from certifications.rules.params import RuleParams, RuleParamsError
from certifications.statements.services import statements_publish_mark, statements_recompute_enqueue


def ruleset_params_validate(*, params: dict[str, Any]) -> RuleParams:
    """Validate through `RuleParams`; errors come back keyed by their dotted path."""
    try:
        return RuleParams.from_dict(params)
    except RuleParamsError as exc:
        raise ValidationError(exc.errors) from None


def _latest_published(organization: Organization) -> RuleSetVersion | None:
    return (
        RuleSetVersion.objects.filter(organization=organization, status=RuleSetVersion.PUBLISHED)
        .order_by("-effective_from")
        .first()
    )


def _locked_draft(*, organization: Organization, version_id: int) -> RuleSetVersion:
    version = RuleSetVersion.objects.select_for_update().get(pk=version_id, organization=organization)
    if version.status != RuleSetVersion.DRAFT:
        raise ValidationError({"status": "A published rule set is read-only: start a new draft instead."})
    return version


@transaction.atomic
def ruleset_draft_create(
    *, actor: User | None, organization: Organization, params: dict[str, Any] | None = None, notes: str = ""
) -> RuleSetVersion:
    """A new draft, copied from the latest published version, or holding `params` (an imported file's rules)."""
    latest = _latest_published(organization)
    if latest is None and params is None:
        raise ValidationError({"status": "There is no published rule set to start from."})
    if params is not None:
        params = ruleset_params_validate(params=params).to_dict()
    draft = RuleSetVersion.objects.create(
        organization=organization,
        effective_from=max(timezone.localdate(), latest.effective_from) if latest else timezone.localdate(),
        status=RuleSetVersion.DRAFT,
        params=params if params is not None else latest.params,
        notes=notes,
        created_by=actor,
    )
    log_action(
        actor=actor,
        action="ruleset.draft_created",
        obj=draft,
        organization=organization,
        data={"after": {"copied_from": latest.pk} if params is None else {"params": params}},
    )
    return draft


@transaction.atomic
def ruleset_draft_update(
    *, actor: User, organization: Organization, version_id: int, params: dict[str, Any], notes: str = ""
) -> RuleSetVersion:
    """Save a draft's rules (validated; stored in canonical form). Published versions are refused."""
    version = _locked_draft(organization=organization, version_id=version_id)
    canonical = ruleset_params_validate(params=params).to_dict()
    changed = sorted(k for k in canonical.keys() | version.params.keys() if canonical.get(k) != version.params.get(k))
    before = {k: version.params.get(k) for k in changed}
    version.params, version.notes = canonical, notes
    version.save(update_fields=["params", "notes"])
    log_action(
        actor=actor,
        action="ruleset.draft_updated",
        obj=version,
        organization=organization,
        data={"before": before, "after": {k: canonical.get(k) for k in changed}},
    )
    return version


@transaction.atomic
def ruleset_publish(
    *, actor: User | None, organization: Organization, version_id: int, effective_from: date
) -> RuleSetVersion:
    """Publish a draft from `effective_from`: today or later, and after the latest published version's date."""
    version = _locked_draft(organization=organization, version_id=version_id)
    ruleset_params_validate(params=version.params)
    latest = _latest_published(organization)
    # A first version may start in the past (a body onboarded with its certified holders): nothing counted yet.
    if latest is not None and effective_from < timezone.localdate():
        # Back-dating would change what activities already counted (renewals recorded, audits decided)
        # were worth: a new version governs only what is completed from its date on (RULES §7).
        raise ValidationError({"effective_from": "Must be today or later: published rules never change the past."})
    if latest is not None and effective_from <= latest.effective_from:
        raise ValidationError(
            {"effective_from": f"Must be after {date_format(latest.effective_from)}, when the rules in force began."}
        )
    version.status, version.effective_from = RuleSetVersion.PUBLISHED, effective_from
    version.published_by, version.published_at = actor, timezone.now()
    version.save(update_fields=["status", "effective_from", "published_by", "published_at"])
    # Every statement of the organization may change: stale now (reads recompute), recomputed in batches.
    statements_recompute_enqueue(certification_ids=statements_publish_mark(organization_id=organization.pk))
    log_action(
        actor=actor,
        action="ruleset.published",
        obj=version,
        organization=organization,
        data={
            "before": {"status": RuleSetVersion.DRAFT},
            "after": {"status": "published", "effective_from": str(effective_from)},
        },
    )
    return version
