"""The /calculator/ page: anyone, a credential, activity rows by kind, results in plain words (htmx and plain posts)."""

import re

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def posted(*rows, action="calculate", **top):
    """Form data as the page posts it: the certification fields, then rows a-0-..., a-1-..."""
    data = {
        "credential": "ACSM-CPT",
        "certified_on": "03/15/2023",
        "as_of": "2026-05-01",
        "cpr_aed_valid_until": "01/31/2027",
        "current_credential_level": "",
        "a-TOTAL_FORMS": str(len(rows)),
        "a-INITIAL_FORMS": "0",
        "a-MIN_NUM_FORMS": "0",
        "a-MAX_NUM_FORMS": "50",
        "action": action,
        **top,
    }
    for index, row in enumerate(rows):
        data.update({f"a-{index}-{name}": value for name, value in row.items()})
    return data


WORKED_EXAMPLE = [
    {"kind": "approved_course", "completed_on": "02/10/2024", "amount": "6"},
    {"kind": "other_org_course", "completed_on": "2024-05-01", "awarding_org": "ACE", "amount": "0.3"},
    {"kind": "college_course", "completed_on": "12/15/2024", "credit_hours": "3", "term": "semester", "grade": "B+"},
    {"kind": "teaching", "completed_on": "03/01/2025", "amount": "4"},
]


def test_anyone_gets_the_page_with_one_activity_row(client, shipped):
    response = client.get("/calculator/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Will it count?" in html
    assert '<option value="ACSM-CPT">' in html and '<option value="ACE-CPT">' in html
    assert 'name="a-0-kind"' in html and 'name="a-1-kind"' not in html
    assert 'hx-post="/calculator/"' in html
    assert "vendor/htmx-2.0.11.min.js" in html  # self-hosted


def test_htmx_post_renders_the_worked_example_in_plain_words(client, shipped):
    response = client.post("/calculator/", posted(*WORKED_EXAMPLE), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx to swap in
    assert 'id="calculator-result"' in html
    assert "Grace period" in html and "expired and inactive" in html
    for figure in ("45.00", "43.00", "2.00", "30.00", "3.00"):
        assert f"<b>{figure}</b>" in html or f"<strong>{figure}</strong>" in html
    assert "Mar 15, 2023" in html and "Mar 14, 2026" in html and "Sep 14, 2026" in html
    assert "3 credit hours at 10 each: 30.00 CECs." in html


def test_a_shortfall_shows_the_reason_in_words(client, shipped):
    rows = [
        {"kind": "teaching", "completed_on": "2025-03-01", "amount": "9"},
        {"kind": "cpr", "completed_on": "2024-06-01"},
        {"kind": "workout", "completed_on": "2024-06-01"},
    ]
    html = client.post("/calculator/", posted(*rows), **HX).content.decode()
    assert "Limit reached" in html and "ACSM caps teaching and lecturing at 5 CECs a calendar year (2025)" in html
    assert "Rule not yet in force" in html and "ACSM credits CPR only from Jan 1, 2025 on." in html
    assert "Never credited" in html and "ACSM never credits workout sessions." in html


def test_the_page_and_the_api_give_the_same_figures(client, shipped):
    from rest_framework.test import APIClient

    from certifications.calculator.api import REQUEST_EXAMPLE, RESPONSE_EXAMPLE

    api = APIClient().post("/api/v1/evaluate", REQUEST_EXAMPLE, format="json").json()
    html = client.post("/calculator/", posted(*WORKED_EXAMPLE), **HX).content.decode()
    assert api == RESPONSE_EXAMPLE
    for line in api["activities"]:
        assert f"<strong>{line['applied']}</strong>" in html


def test_form_errors_are_said_in_plain_words_next_to_the_field(client, shipped):
    rows = [{"kind": "teaching", "completed_on": "31/12/2024", "amount": "1.555"}]
    html = client.post("/calculator/", posted(*rows, certified_on="", credential=""), **HX).content.decode()
    assert "Please correct what is marked below." in html
    assert "Choose a credential." in html
    assert "Enter the date the cycle starts." in html
    assert "Enter the date as MM/DD/YYYY" in html
    assert "Use at most 2 decimal places." in html
    assert 'id="calculator-result"' not in html


def test_rule_errors_from_the_selector_land_on_the_activity_field(client, shipped):
    rows = [
        {"kind": "teaching", "completed_on": "2024-01-01"},
        {"kind": "college_course", "completed_on": "2024-01-01", "credit_hours": "3", "grade": "A"},
    ]
    html = client.post("/calculator/", posted(*rows, credential="ACE-CPT"), **HX).content.decode()
    assert "Give the amount in CECs." in html
    # the error's id is the one the input's aria-describedby names, so a screen reader reads it with the field
    assert 'id="id_a-0-amount_error"' in html and re.search(r'aria-describedby="[^"]*id_a-0-amount_error', html)
    assert "Say whether the credit hours are semester or quarter hours." in html
    assert 'id="id_a-1-term_error"' in html and re.search(r'aria-describedby="[^"]*id_a-1-term_error', html)


def test_a_plain_post_without_javascript_gets_the_whole_page_and_a_400_on_errors(client, shipped):
    ok = client.post("/calculator/", posted(*WORKED_EXAMPLE))
    assert ok.status_code == 200 and b"<html" in ok.content and b"43.00" in ok.content
    bad = client.post("/calculator/", posted(credential="NOPE"))
    assert bad.status_code == 400 and b"Select a valid choice" in bad.content


def test_adding_and_removing_rows(client, shipped):
    rows = [{"kind": "teaching", "completed_on": "2024-01-01", "amount": "1"}]
    html = client.post("/calculator/", posted(*rows, action="add"), **HX).content.decode()
    assert 'name="a-1-kind"' in html and 'name="a-TOTAL_FORMS" value="2"' in html
    assert "errorlist" not in html  # adding a row does not validate yet
    two = [*rows, {"kind": "cpr", "completed_on": "2024-02-02"}]
    html = client.post("/calculator/", posted(*two, action="remove-0"), **HX).content.decode()
    assert 'name="a-TOTAL_FORMS" value="1"' in html
    assert 'value="2024-02-02"' in html and 'value="2024-01-01"' not in html


def test_the_fields_shown_follow_the_kind(client, shipped):
    rows = [{"kind": "college_course", "completed_on": ""}, {"kind": "new_certification", "completed_on": ""}]
    html = client.post("/calculator/", posted(*rows, action="refresh"), **HX).content.decode()
    assert 'name="a-0-credit_hours"' in html and 'name="a-0-term"' in html and 'name="a-0-grade"' in html
    assert 'name="a-0-amount"' not in html and 'name="a-0-new_credential"' not in html
    assert 'name="a-1-new_credential"' in html and 'name="a-1-credit_hours"' not in html


def test_fields_of_another_kind_are_not_sent_to_the_rules(client, shipped):
    # A teaching amount left over after switching the row to CPR must not make CPR worth that amount.
    rows = [{"kind": "cpr", "completed_on": "2025-02-01", "amount": "40", "hours": "2"}]
    html = client.post("/calculator/", posted(*rows), **HX).content.decode()
    assert "<strong>2.00</strong>" in html


def test_tampered_row_counts_do_not_break_the_page(client, shipped):
    for total in ("abc", "999999", "-1"):
        response = client.post("/calculator/", {**posted(), "a-TOTAL_FORMS": total, "action": "add"}, **HX)
        assert response.status_code == 200
    response = client.post("/calculator/", {**posted(), "a-TOTAL_FORMS": "abc"})
    assert response.status_code == 400


def test_the_page_shares_the_api_rate_limit(client, shipped, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"evaluate": "2/min"}}
    cache.clear()
    for _ in range(2):
        assert client.post("/calculator/", posted(*WORKED_EXAMPLE)).status_code == 200
    response = client.post("/calculator/", posted(*WORKED_EXAMPLE))
    assert response.status_code == 429 and b"Too many calculations" in response.content
    assert b"Too many calculations" in client.post("/calculator/", posted(*WORKED_EXAMPLE), **HX).content
    assert client.post("/calculator/", posted(*WORKED_EXAMPLE, action="add")).status_code == 200  # editing is free
    cache.clear()
