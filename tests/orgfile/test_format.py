"""The organization file format: its JSON Schema, errors by path in plain words, canonical writing."""

import copy
import json
import re
from pathlib import Path

import pytest

from certifications.orgfile import shipped
from certifications.orgfile.format import MAX_BYTES, OrgFileInvalid, dump, errors, load, schema
from certifications.rules.params import ACTIVITY_KINDS, KIND_STATUSES, LETTER_GRADES, VALUES

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_schema_names_every_kind_status_value_and_grade_the_engine_knows():
    defs = schema()["$defs"]
    assert defs["rules"]["properties"]["kinds"]["propertyNames"]["enum"] == list(ACTIVITY_KINDS)
    assert defs["cap"]["properties"]["kinds"]["items"]["enum"] == list(ACTIVITY_KINDS)
    assert defs["kind_rule"]["properties"]["status"]["enum"] == list(KIND_STATUSES)
    assert set(defs["kind_rule"]["properties"]["value"]["enum"]) == set(VALUES)
    assert defs["kind_rule"]["properties"]["min_grade"]["enum"] == list(LETTER_GRADES)


def test_the_schema_describes_every_rule_parameter(nfb):
    """A parameter the engine reads but the schema refuses could never be imported."""
    from certifications.rules.params import RuleParams

    written = RuleParams.from_dict(nfb["rule_set"]["rules"]).to_dict()
    assert set(written) == set(schema()["$defs"]["rules"]["properties"])


@pytest.mark.parametrize("slug", shipped.SHIPPED)
def test_the_shipped_files_are_canonical(slug):
    text = (shipped.BODIES / f"{slug}.yaml").read_text(encoding="utf-8")
    assert errors(load(text)) == []
    assert dump(load(text)) == text


def test_the_readme_example_is_the_tested_body_and_is_valid(nfb_text):
    """The README's full example is the file the end-to-end test imports, so it cannot go stale."""
    section = README.read_text(encoding="utf-8").split("## Certifying bodies as data", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    assert example == nfb_text


def test_json_reads_like_yaml(nfb):
    assert load(json.dumps(nfb)) == nfb


def _broken(nfb, change):
    data = copy.deepcopy(nfb)
    change(data)
    return dict(errors(data))


def test_errors_name_the_path_in_plain_words(nfb):
    def change(data):
        del data["organization"]["name"]
        del data["organization"]["slug"]
        data["organization"]["colour"] = "blue"
        data["organization"]["size"] = "big"
        data["catalog"][1]["amount"] = "3.125"  # the catalog keeps cents
        data["credentials"][1]["required"] = 60  # unquoted: a number, not a decimal text
        data["rule_set"]["effective_from"] = "next year"
        data["rule_set"]["rules"]["kinds"]["yoga"] = {"status": "credited"}
        data["rule_set"]["rules"]["caps"][0]["per_year"] = "-4"
        data["rule_set"]["rules"]["cycle_years"] = 0
        data["catalog"][0]["title"] = ""

    found = _broken(nfb, change)
    assert found == {
        "organization.name": "is missing",
        "organization.slug": "is missing",
        "organization.colour": "is not a field of this format (check the spelling)",
        "organization.size": "is not a field of this format (check the spelling)",
        "catalog[1].amount": 'must be an amount written in quotes with at most 2 decimal places, such as "45" or "0.5"',
        "credentials[1].required": 'must be an amount written in quotes with at most 2 decimal places, such as "45" or '
        '"0.5"',
        "rule_set.effective_from": 'must be a date written in quotes as YYYY-MM-DD, such as "2026-01-01"',
        "rule_set.rules.kinds.yoga": "is not a known activity kind",
        "rule_set.rules.caps[0].per_year": 'must be a decimal written in quotes, such as "0.5", or null',
        "rule_set.rules.cycle_years": "must be at least 1",
        "catalog[0].title": "must not be empty",
    }


def test_rules_the_schema_cannot_see_are_checked_by_the_engine_with_the_same_paths(nfb):
    def change(data):
        data["rule_set"]["rules"]["caps"][1]["kinds"] = ["cpr", "first_aid", "teaching"]
        del data["rule_set"]["rules"]["kinds"]["teaching"]
        data["rule_set"]["rules"]["kinds"]["cpr"] = {"status": "credited", "value": "fixed"}
        data["rule_set"]["rules"]["course_number_pattern"] = "NFB-[0-9"
        data["rule_set"]["effective_from"] = "2026-02-30"

    found = _broken(nfb, change)
    assert found["rule_set.rules.caps[1].kinds"] == '"teaching" is not a kind of this rule set'
    assert found["rule_set.rules.kinds.cpr.amount"] == 'required when value is "fixed"'
    assert found["rule_set.rules.course_number_pattern"].startswith("invalid regular expression")
    assert found["rule_set.effective_from"] == "is not a date of the calendar"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe not text", "the file is not text (UTF-8): export it again as YAML or JSON"),
        (b"a: [1, 2", "not valid YAML"),
        (b'{"format": ', "not valid JSON"),
        (b"a: &x [1]\nb: *x\n", "references (*name) are not allowed"),
        (b"x" * (MAX_BYTES + 1), "larger than 2 MB"),
    ],
)
def test_unreadable_files_are_refused_in_words(raw, message):
    with pytest.raises(OrgFileInvalid) as caught:
        load(raw)
    assert message in caught.value.errors[0][1]


def test_a_file_that_is_not_a_mapping_says_so():
    assert errors(["a", "list"]) == [("", "must be a group of named fields")]
