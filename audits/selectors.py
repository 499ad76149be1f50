"""Reads for audits."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from audits.models import Audit
from certifications.selectors import Progress
from certifications.statements.selectors import statements_cycle_statement


def organizations_auditing(*, person) -> set[int]:
    """Ids of the organizations with an audit of `person` open or decided (their staff may see the evidence)."""
    with scopes_disabled():
        return set(Audit.objects.filter(user=person).values_list("organization_id", flat=True))


def audits_awaiting_review(*, organization_ids) -> dict[int, int]:
    """Per organization id, how many audits have documents waiting for a decision (staff digest)."""
    with scopes_disabled():
        rows = Audit.objects.filter(organization_id__in=list(organization_ids), status=Audit.SUBMITTED)
        return dict(Counter(rows.values_list("organization_id", flat=True)))


def audit_list(*, status: str = "") -> QuerySet[Audit]:
    """The audits of the organization in scope, soonest deadline first."""
    rows = Audit.objects.select_related("user", "cycle__certification__credential").order_by("due_on", "id")
    return rows.filter(status=status) if status else rows


@dataclass(frozen=True)
class DocumentRow:
    """One activity counted toward the audited cycle and the evidence on file for it."""

    activity: object
    applied: Decimal
    reason: str | None
    evidence: list
    detail: str = ""  # the engine's explanation in words (why less than the full amount)

    @property
    def missing(self) -> bool:
        return not self.evidence


@dataclass(frozen=True)
class Documentation:
    progress: Progress
    rows: list[DocumentRow]
    uncounted: list[DocumentRow] = ()  # the cycle's other activities (applied 0), with the reason

    @property
    def missing(self) -> list[DocumentRow]:
        return [r for r in self.rows if r.missing]


def audit_pass_gaps(*, audit: Audit, documentation: Documentation) -> list[str]:
    """What recording this audit as passed would overlook, in words: documents not yet sent, evidence missing."""
    gaps = []
    if audit.status == Audit.OPEN:
        gaps.append(f"the person has not sent their documents yet (due {date_format(audit.due_on)}).")
    missing = documentation.missing
    if missing:
        titles = ", ".join(str(row.activity) for row in missing[:5]) + (" and more" if len(missing) > 5 else "")
        gaps.append(
            f"{len(missing)} counted activit{'y has' if len(missing) == 1 else 'ies have'} no evidence ({titles})."
        )
    return gaps


def audit_documentation(*, audit: Audit, as_of: date | None = None) -> Documentation:
    """Every activity counted toward the audited cycle (applied > 0) with its evidence; what is missing;
    and the activities of the cycle that count for nothing, with the reason."""
    from credits.models import Evidence

    # The person's activities outside the cycle are none of the audit's business (nor the organization's).
    progress, lines = statements_cycle_statement(cycle=audit.cycle, as_of=as_of)
    evidence: dict[int, list] = {line.activity.pk: [] for line in lines}
    with scopes_disabled():
        for item in Evidence.objects.filter(activity_id__in=evidence).order_by("uploaded_at", "pk"):
            evidence[item.activity_id].append(item)
    rows, uncounted = [], []
    for line in lines:
        applied = line.applied
        row = DocumentRow(line.activity, applied.applied, applied.reason, evidence[line.activity.pk], applied.detail)
        (rows if applied.applied > 0 else uncounted).append(row)
    return Documentation(progress, rows, uncounted)


def audit_for_person(*, user, pk: int) -> Audit:
    """The person's own audit (another person's is DoesNotExist, shown as 404)."""
    with scopes_disabled():
        return Audit.objects.select_related("organization", "cycle__certification__credential").get(pk=pk, user=user)


def audits_open_for(*, user) -> list[tuple[Audit, Documentation]]:
    """The person's audits still waiting for their documents, soonest deadline first, each with what
    is documented and what is missing (the dashboard's banner and cards)."""
    with scopes_disabled():
        rows = Audit.objects.filter(user=user, status=Audit.OPEN).select_related(
            "organization", "cycle__certification__credential"
        )
        audits = list(rows.order_by("due_on", "pk"))
    return [(audit, audit_documentation(audit=audit)) for audit in audits]


def audits_of(*, certification) -> list:
    """The audits of a person's certification, newest first (the person sees them on its page)."""
    with scopes_disabled():
        rows = Audit.objects.filter(cycle__certification=certification).select_related("cycle", "organization")
        return list(rows.order_by("-selected_at", "-pk"))
