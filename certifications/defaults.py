"""Install the shipped organizations (ACE, ACSM): their files in `certifications/orgfile/bodies/`."""

from django_scopes import scopes_disabled

from accounts.models import Organization
from certifications.orgfile import shipped
from certifications.orgfile.services import organization_import


def load_defaults() -> list[Organization]:
    """Import what is missing of the shipped files; never overwrite what an operator or admin changed."""
    slugs = []
    for data in shipped.ORGANIZATIONS:
        slugs.append(organization_import(actor=None, data=data, missing_only=True).slug)
    with scopes_disabled():
        by_slug = {org.slug: org for org in Organization.objects.filter(slug__in=slugs)}
    return [by_slug[slug] for slug in slugs]
