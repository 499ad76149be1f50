"""Properties of the engine over generated activities (hypothesis): exact sums, caps, order, monotonicity."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from certifications.rules.engine import ActivityInput, CycleResult, RuleVersion, evaluate
from certifications.rules.params import ACTIVITY_KINDS, LETTER_GRADES

from .support import ACE_VERSIONS, ACSM_VERSIONS, defaults

SETTINGS = settings(max_examples=100, deadline=None, database=None)

# (versions, credential, cycle start): dates are drawn from a window wider than the cycle and its grace.
ORGS = {
    "ACE": (ACE_VERSIONS, defaults.credential("ACE-CPT"), date(2024, 1, 1)),
    "ACSM": (ACSM_VERSIONS, defaults.credential("ACSM-GEI"), date(2023, 3, 15)),
}
FIRST_DAY, DAYS = date(2022, 9, 1), 1700
# Course numbers come with one catalog amount each, as ACE's catalog fills them.
CATALOG = {"CA10001": Decimal("0.50"), "CA10002": Decimal("1.25"), "cp123456": Decimal("0.10"), "XX1": Decimal("0.30")}
NEW_CREDENTIALS = [defaults.credential(code) for code in ("ACSM-GEI", "ACSM-CPT", "ACSM-EP", "ACSM-CEP", "ACE-HC")]

cents = st.integers(min_value=0, max_value=1200).map(lambda n: Decimal(n).scaleb(-2))
days = st.integers(min_value=0, max_value=DAYS).map(lambda n: FIRST_DAY + timedelta(days=n))


@st.composite
def activities(draw, *, with_new_certifications=True, distinct_dates=False):
    kinds = [k for k in ACTIVITY_KINDS if with_new_certifications or k != "new_certification"]
    count = draw(st.integers(min_value=0, max_value=25))
    if distinct_dates:
        dates = draw(st.lists(days, min_size=count, max_size=count, unique=True))
    else:
        dates = draw(st.lists(days, min_size=count, max_size=count))
    out = []
    for index, completed_on in enumerate(dates):
        kind = draw(st.sampled_from(kinds))
        fields: dict = {}
        # Draw only the fields the kind reads (plus an amount for the rest), which keeps generation fast.
        if kind == "approved_course":
            number = draw(st.sampled_from([None, *CATALOG]))
            fields.update(course_number=number, amount=CATALOG[number] if number else draw(st.none() | cents))
        elif kind == "other_org_course":
            fields.update(
                awarding_org=draw(st.sampled_from([None, "ACE", "NASM", "ACSM", "Zumba"])),
                amount=draw(st.none() | cents),
                hours=draw(st.none() | cents),
            )
        elif kind in ("cpr", "aed", "first_aid"):
            fields.update(hours=draw(st.none() | cents))
        elif kind == "college_course":
            fields.update(
                credit_hours=draw(st.none() | cents),
                term=draw(st.sampled_from([None, "semester", "quarter"])),
                grade=draw(st.sampled_from([None, "", "P", *LETTER_GRADES])),
            )
        elif kind == "new_certification":
            fields.update(new_credential=draw(st.sampled_from(NEW_CREDENTIALS)))
        elif kind == "petition":
            fields.update(
                petition_status=draw(st.sampled_from([None, "pending", "approved", "denied"])),
                amount=draw(st.none() | cents),
            )
        else:
            fields.update(amount=draw(st.none() | cents))
        seq = draw(st.integers(min_value=0, max_value=3))
        out.append(ActivityInput(id=f"a{index}", kind=kind, completed_on=completed_on, seq=seq, **fields))
    return out


def run(org: str, items: list[ActivityInput]) -> CycleResult:
    versions, credential, start = ORGS[org]
    return evaluate(
        credential=credential, cycle_start=start, as_of=date(2025, 6, 1), versions=versions, activities=items
    )


orgs = st.sampled_from(sorted(ORGS))


@SETTINGS
@given(orgs, activities())
def test_sums_are_exact_cents_and_never_exceed_the_full_amounts(org, items):
    """RULES §2: each applied amount is in cents; earned is their exact sum, and at most the sum of full values."""
    result = run(org, items)
    assert [item.id for item in result.activities] == [item.id for item in items]
    for item in result.activities:
        assert item.applied.as_tuple().exponent == -2 and item.full.as_tuple().exponent == -2
        assert 0 <= item.applied <= item.full or (item.applied == 0 and item.full == 0)
        if item.applied < item.full:
            assert item.reason is not None
        if item.reason is None:
            assert item.applied == item.full
    assert result.earned == sum((item.applied for item in result.activities), Decimal("0.00"))
    assert result.earned.as_tuple().exponent == -2
    assert result.earned <= sum((item.full for item in result.activities), Decimal(0))
    assert result.remaining == max(result.required - result.earned, 0)


@SETTINGS
@given(orgs, activities())
def test_no_cap_is_ever_exceeded(org, items):
    """RULES §4/§5 caps: per calendar year and per cycle, shared by the kinds of a group."""
    result = run(org, items)
    params = ORGS[org][0][0].params
    by_id = {item.id: item for item in items}
    for cap in params.caps:
        per_year: dict[int, Decimal] = {}
        per_cycle = Decimal(0)
        for applied in result.activities:
            source = by_id[applied.id]
            if source.kind in cap.kinds:
                per_year[source.completed_on.year] = (
                    per_year.get(source.completed_on.year, Decimal(0)) + applied.applied
                )
                per_cycle += applied.applied
        if cap.per_year is not None:
            assert all(total <= cap.per_year for total in per_year.values())
        if cap.per_cycle is not None:
            assert per_cycle <= cap.per_cycle


@SETTINGS
@given(orgs, activities(distinct_dates=True), st.randoms(use_true_random=False))
def test_shuffling_activities_with_distinct_dates_changes_nothing(org, items, rnd):
    """RULES §5: caps, duplicates and levels go by date order, so the order of the input does not matter."""
    shuffled = list(items)
    rnd.shuffle(shuffled)
    first, second = run(org, items), run(org, shuffled)
    assert {a.id: a for a in first.activities} == {a.id: a for a in second.activities}
    assert (first.earned, first.status) == (second.earned, second.status)


@SETTINGS
@given(orgs, activities(with_new_certifications=False), activities(with_new_certifications=False), st.integers(0, 25))
def test_adding_an_activity_never_lowers_earned(org, items, extras, position):
    """Recording one more activity never lowers what the cycle earned (caps fill, but never shrink)."""
    if not extras:
        return
    extra = ActivityInput(**{**extras[0].__dict__, "id": "extra"})
    before = run(org, items).earned
    more = list(items)
    more.insert(min(position, len(more)), extra)
    assert run(org, more).earned >= before


@SETTINGS
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=0, max_size=40))
def test_many_small_entries_add_up_exactly(tenths):
    """RULES §2: n entries of k tenths make exactly the decimal total (no float drift)."""
    items = [
        ActivityInput(
            id=f"a{i}",
            kind="approved_course",
            completed_on=date(2024, 5, 1),
            amount=Decimal(k).scaleb(-1),
            course_number=f"CA{20000 + i}",
        )
        for i, k in enumerate(tenths)
    ]
    result = run("ACE", items)
    assert result.earned == Decimal(sum(tenths)).scaleb(-1)


def test_versions_fixture_is_a_tuple_of_rule_versions():
    assert all(isinstance(version, RuleVersion) for versions, _, _ in ORGS.values() for version in versions)
