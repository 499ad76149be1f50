"""The CEC rules engine: pure Python, no Django, no I/O (see ARCHITECTURE "The rules engine is the heart")."""

from certifications.rules.dates import add_months, add_years
from certifications.rules.engine import (
    REASONS,
    STATUSES,
    ActivityInput,
    AppliedActivity,
    CredentialInfo,
    Cycle,
    CycleResult,
    RuleVersion,
    cycle_for,
    cycle_status,
    evaluate,
    evidence_retained_until,
    next_cycle_start,
    version_in_force,
)
from certifications.rules.params import ACTIVITY_KINDS, RuleParams, RuleParamsError

__all__ = [
    "ACTIVITY_KINDS",
    "REASONS",
    "STATUSES",
    "ActivityInput",
    "AppliedActivity",
    "CredentialInfo",
    "Cycle",
    "CycleResult",
    "RuleParams",
    "RuleParamsError",
    "RuleVersion",
    "add_months",
    "add_years",
    "cycle_for",
    "cycle_status",
    "evaluate",
    "evidence_retained_until",
    "next_cycle_start",
    "version_in_force",
]
