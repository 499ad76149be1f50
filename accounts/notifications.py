"""The one entry point for telling a person something (in-app list and email).

Callers say what happened; delivery (ledger, preferences, templates, email) is decided here."""

from typing import Any

# Kinds of notification, with the label shown in preferences.
KINDS: dict[str, str] = {
    "cycle_ending": "Cycle ending with requirements not met",
    "grace_started": "Grace period started",
    "grace_ending": "Grace period ending",
    "lapsed": "Certification lapsed",
    "cpr_expiring": "CPR/AED expires before the cycle ends",
    "audit_selected": "Selected for audit",
    "audit_due": "Audit documents due soon",
    "audit_overdue": "Audit documents overdue",
    "petition_decided": "Petition decided",
    "completion_added": "A provider reported a completion",
    "staff_digest": "Daily digest for organization staff",
}


def notify(*, user, kind: str, key: str, context: dict[str, Any] | None = None) -> None:
    """Tell `user` about `kind` once per (user, kind, key); `context` fills the templates."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
