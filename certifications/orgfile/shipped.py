"""The organizations shipped with the product (RULES §4, §5): the files in `bodies/`, one per body.

They are ordinary organization files (see `schema.json` and the README): `load_defaults` imports them
like any other, and the engine's tests read their rules from here. Adding a body to a running site needs
no file here at all: a platform operator imports its file (`import_organization`, or /platform/).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from certifications.orgfile.format import check, load
from certifications.rules.engine import CredentialInfo, RuleVersion
from certifications.rules.params import RuleParams

BODIES = Path(__file__).with_name("bodies")
SHIPPED = ("ace", "acsm")


def _read(slug: str) -> dict[str, Any]:
    return check(load((BODIES / f"{slug}.yaml").read_bytes()))


ORGANIZATIONS: tuple[dict[str, Any], ...] = tuple(_read(slug) for slug in SHIPPED)
ACE_PARAMS: dict[str, Any] = ORGANIZATIONS[0]["rule_set"]["rules"]
ACSM_PARAMS: dict[str, Any] = ORGANIZATIONS[1]["rule_set"]["rules"]


def organization(slug: str) -> dict[str, Any]:
    """The shipped file of one organization, by slug (case-insensitive); KeyError if none."""
    for org in ORGANIZATIONS:
        if org["organization"]["slug"] == slug.strip().lower():
            return org
    raise KeyError(slug)


def versions(slug: str) -> tuple[RuleVersion, ...]:
    """The shipped rule-set version of one organization, validated."""
    rule_set = organization(slug)["rule_set"]
    return (RuleVersion(date.fromisoformat(rule_set["effective_from"]), RuleParams.from_dict(rule_set["rules"])),)


def credential(code: str) -> CredentialInfo:
    """A shipped credential by code (trimmed, case-insensitive); KeyError if none."""
    wanted = code.strip().upper()
    for org in ORGANIZATIONS:
        for item in org["credentials"]:
            if item["code"] == wanted:
                short = org["organization"]["short_name"]
                return CredentialInfo(item["code"], short, item["level"], Decimal(item["required"]))
    raise KeyError(code)
