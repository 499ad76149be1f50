"""RULES §7: rule sets are data with effective dates; the version in force on the completion date decides."""

from datetime import date

import pytest

from certifications.rules.engine import RuleVersion, version_in_force
from certifications.rules.params import RuleParams

from .support import act, applied, defaults, run_acsm, variant

V1 = RuleParams.from_dict(defaults.ACSM_PARAMS)
V2 = RuleParams.from_dict(
    variant(defaults.ACSM_PARAMS, cycle_years=2, kinds__teaching={"status": "not_approved", "value": "amount"})
)
VERSIONS = (RuleVersion(date(2026, 1, 1), V2), RuleVersion(date(2010, 1, 1), V1))  # deliberately unsorted


def test_version_in_force_on_the_completion_date_applies_the_activity():
    """RULES §7: the version in force on an activity's completion date decides how that activity is applied."""
    result = run_acsm(
        act("old_rules", "teaching", "2025-12-31", amount="2"),
        act("new_rules", "teaching", "2026-01-01", amount="2"),
        versions=VERSIONS,
    )
    assert applied(result) == {"old_rules": ("2.00", None), "new_rules": ("0.00", "not_approved")}


def test_cycle_length_comes_from_the_version_in_force_on_the_cycle_start():
    """RULES §7: a cycle's length and grace are those of the version in force when it starts."""
    assert run_acsm(versions=VERSIONS, start="2025-06-01").cycle.end == date(2028, 5, 31)
    assert run_acsm(versions=VERSIONS, start="2026-06-01").cycle.end == date(2028, 5, 31)


def test_before_every_version_the_earliest_applies():
    """An activity older than every version is applied by the earliest one."""
    assert version_in_force(versions=VERSIONS, on=date(1999, 1, 1)).params is V1
    assert version_in_force(versions=VERSIONS, on=date(2026, 1, 1)).params is V2
    assert version_in_force(versions=VERSIONS, on=date(2025, 12, 31)).params is V1


def test_caps_are_shared_across_versions_by_name():
    """A cap keeps its consumption when a new version (with the same cap name) takes over mid-cycle."""
    raised = RuleParams.from_dict(
        variant(
            defaults.ACSM_PARAMS,
            caps=[
                {
                    "name": "teaching and lecturing",
                    "kinds": ["teaching", "lecturing"],
                    "per_year": "6",
                    "per_cycle": "15",
                    "year": "calendar",
                }
            ],
        )
    )
    versions = (RuleVersion(date(2000, 1, 1), V1), RuleVersion(date(2024, 7, 1), raised))
    result = run_acsm(
        act("spring", "teaching", "2024-03-01", amount="5"),
        act("autumn", "teaching", "2024-09-01", amount="5"),
        versions=versions,
    )
    assert applied(result) == {"spring": ("5.00", None), "autumn": ("1.00", "cap_reached")}


def test_versions_must_exist_and_have_distinct_dates():
    with pytest.raises(ValueError):
        run_acsm(versions=())
    with pytest.raises(ValueError):
        run_acsm(versions=(RuleVersion(date(2020, 1, 1), V1), RuleVersion(date(2020, 1, 1), V2)))
