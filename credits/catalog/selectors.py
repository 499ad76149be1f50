"""Reads for the back office's approved-course catalog: search by number, title or provider."""

from django.db.models import Q, QuerySet

from accounts.models import Organization, Provider
from credits.models import ApprovedCourse

CURRENT, RETIRED = "current", "retired"


def course_catalog(
    *, organization: Organization, search: str = "", status: str = "", provider: Provider | None = None
) -> QuerySet[ApprovedCourse]:
    """The organization's approved courses, by number: `search` matches part of the number, title or provider name."""
    rows = ApprovedCourse.objects.filter(organization=organization).select_related("provider")
    if search:
        rows = rows.filter(
            Q(course_number__icontains=search) | Q(title__icontains=search) | Q(provider__name__icontains=search)
        )
    if status == CURRENT:
        rows = rows.filter(is_retired=False)
    elif status == RETIRED:
        rows = rows.filter(is_retired=True)
    if provider is not None:
        rows = rows.filter(provider=provider)
    return rows.order_by("course_number")
