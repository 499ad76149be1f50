"""Install the shipped organizations (ACE, ACSM) with their credentials and rule sets."""

from accounts.models import Organization

SHIPPED_ORGANIZATIONS = [
    {"slug": "ace", "short_name": "ACE", "name": "American Council on Exercise"},
    {"slug": "acsm", "short_name": "ACSM", "name": "American College of Sports Medicine"},
]


def load_defaults() -> list[Organization]:
    """Create the shipped organizations if missing; never overwrite what an admin changed."""
    return [Organization.objects.get_or_create(slug=o["slug"], defaults=o)[0] for o in SHIPPED_ORGANIZATIONS]
