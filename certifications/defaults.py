"""Install the shipped organizations (ACE, ACSM) with their credentials and rule-set versions."""

from datetime import date
from decimal import Decimal

from accounts.models import Organization
from certifications.models import Credential, RuleSetVersion
from certifications.rules import defaults as shipped


def load_defaults() -> list[Organization]:
    """Create what is missing of the shipped defaults; never overwrite what an admin changed."""
    organizations = []
    for data in shipped.ORGANIZATIONS:
        org, _ = Organization.objects.get_or_create(
            slug=data["slug"], defaults={"short_name": data["name"], "name": data["full_name"]}
        )
        for c in data["credentials"]:
            Credential.objects.get_or_create(
                code=c["code"],
                defaults={
                    "organization": org,
                    "name": c["name"],
                    "level": c["level"],
                    "required": Decimal(c["required"]),
                    "renewal_fee": Decimal(c["renewal_fee"]) if c["renewal_fee"] is not None else None,
                },
            )
        for version in data["rule_sets"]:
            RuleSetVersion.objects.get_or_create(
                organization=org,
                effective_from=date.fromisoformat(version["effective_from"]),
                status=RuleSetVersion.PUBLISHED,
                defaults={"params": version["params"], "notes": "Shipped default (RULES.md)."},
            )
        organizations.append(org)
    return organizations
