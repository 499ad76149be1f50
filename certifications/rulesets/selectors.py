"""Reads for the rule-set editor: the effect of a draft on recent cycles, computed by the engine."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django_scopes import scopes_disabled

from certifications.models import Cycle, RuleSetVersion
from certifications.rules.engine import RuleVersion
from certifications.rules.params import RuleParams
from certifications.selectors import _evaluate, _previous_until, rule_versions


@dataclass
class Preview:
    cycles: int = 0
    status_changed: int = 0
    earned_changed: int = 0
    examples: list = field(default_factory=list)  # (cycle, before, after) for the first changes


def ruleset_preview(*, version: RuleSetVersion, effective_from: date, as_of: date, limit: int = 500) -> Preview:
    """Evaluate the organization's recent cycles (ended within a year or still running) with and without
    the draft in force from `effective_from`; count those whose status or earned amount would change."""
    from credits.models import Activity, Petition

    org_id = version.organization_id
    draft = RuleParams.from_dict(version.params)
    with scopes_disabled():
        current = rule_versions(organization_ids=[org_id])[org_id]
        proposed = tuple(
            sorted(
                (*[v for v in current if v.effective_from != effective_from], RuleVersion(effective_from, draft)),
                key=lambda v: v.effective_from,
            )
        )
        cycles = list(
            Cycle.objects.filter(
                certification__credential__organization_id=org_id, end__gte=as_of - timedelta(days=365)
            )
            .select_related("certification__credential__organization")
            .order_by("-end")[:limit]
        )
        cert_ids = {c.certification_id for c in cycles}
        user_ids = {c.certification.user_id for c in cycles}
        history = defaultdict(list)
        for c in Cycle.objects.filter(certification_id__in=cert_ids).select_related("renewal").order_by("start"):
            history[c.certification_id].append(c)
        activities = defaultdict(list)
        for a in Activity.objects.filter(user_id__in=user_ids, voided_at__isnull=True).select_related(
            "new_credential__organization"
        ):
            activities[a.user_id].append(a)
        petitions = {
            (p.activity_id, p.organization_id): p
            for p in Petition.objects.filter(activity__user_id__in=user_ids, organization_id=org_id)
        }
    out = Preview(cycles=len(cycles))
    for cycle in cycles:
        certification = cycle.certification
        earlier = [c for c in history[cycle.certification_id] if c.start <= cycle.start]
        common = {
            "certification": certification,
            "cycle": cycle,
            "activities": activities[certification.user_id],
            "petitions": petitions,
            "previous_until": _previous_until(earlier),
            "as_of": as_of,
        }
        before = _evaluate(versions=current, **common)
        after = _evaluate(versions=proposed, **common)
        changed = False
        if before.status != after.status:
            out.status_changed += 1
            changed = True
        if before.earned != after.earned:
            out.earned_changed += 1
            changed = True
        if changed and len(out.examples) < 20:
            out.examples.append((cycle, before, after))
    return out
