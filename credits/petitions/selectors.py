"""Reads for the organization's petition queue."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, QuerySet, Value, When
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization
from certifications.selectors import params_in_force
from credits.models import Evidence, Petition

# Age filter choices: label and the minimum number of days a petition has waited.
AGES = {"7": 7, "30": 30, "90": 90}


def petition_queue(
    *, organization: Organization, status: str = "", credential_id: int | None = None, min_age_days: int | None = None
) -> QuerySet[Petition]:
    """The organization's petitions, filtered: the pending ones first (the work waiting), each part oldest first."""
    decided_last = Case(When(status=Petition.PENDING, then=Value(0)), default=Value(1))
    rows = (
        Petition.objects.filter(organization=organization)
        .select_related("activity__user")
        .order_by(decided_last, "created_at", "id")
    )
    if status:
        rows = rows.filter(status=status)
    if credential_id:
        rows = rows.filter(
            activity__user__certifications__credential_id=credential_id,
            activity__user__certifications__credential__organization=organization,
        )
    if min_age_days:
        rows = rows.filter(created_at__lte=timezone.now() - timedelta(days=min_age_days))
    return rows


def petition_queue_page(*, rows: QuerySet[Petition], number, per_page: int = 50) -> Page:
    """One page of the queue, each petition with `evidence_count` (counted for that page only, one query)."""
    page = Paginator(rows, per_page).get_page(number)
    petitions = list(page.object_list)
    with scopes_disabled():
        counts = dict(
            Evidence.objects.filter(activity_id__in=[p.activity_id for p in petitions])
            .values("activity_id")
            .annotate(n=Count("id"))
            .values_list("activity_id", "n")
        )
    for petition in petitions:
        petition.evidence_count = counts.get(petition.activity_id, 0)
    page.object_list = petitions
    return page


def petition_suggested_amount(*, petition: Petition) -> Decimal:
    """The amount the rule set suggests for a petition: its guide per hour (ACE 0.1), else the unit per hour."""
    params = params_in_force(organization_id=petition.organization_id, on=petition.activity.completed_on)
    per_hour = params.petition_guide_per_hour if params.petition_guide_per_hour is not None else params.unit_per_hour
    return (petition.hours * per_hour).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
