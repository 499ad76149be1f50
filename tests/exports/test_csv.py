"""The activities CSV: one row per activity, an applied amount and reason per certification, formula-safe."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from certifications.exports.csv import safe_cell
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_activity_with_each_certifications_applied_amount_and_reason(client, holder):
    client.force_login(holder["user"])
    response = client.get(reverse("activities_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="cec-activities-')
    rows = {row["Title"]: row for row in _rows(response)}
    assert set(rows) == {"Kettlebell Foundations", "Taught a mobility workshop", "Leg day"}

    course = rows["Kettlebell Foundations"]
    assert course["Date"] == "2025-03-01" and course["Course number"] == "CA12345" and course["Amount"] == "0.30"
    assert course["Source"] == "Entered by the person"
    assert course["Kind"] == "Approved course"  # the pages' words, not the engine's plural "Approved courses"
    assert (course["ACE-CPT applied"], course["ACE-CPT reason"]) == ("0.30", "")
    assert (course["ACSM-CPT applied"], course["ACSM-CPT reason"]) == ("3.00", "")

    teaching = rows["Taught a mobility workshop"]
    assert teaching["ACE-CPT applied"] == "0.00" and "petition" in teaching["ACE-CPT reason"]
    assert teaching["ACSM-CPT applied"] == "4.00"
    assert "never credits" in rows["Leg day"]["ACSM-CPT reason"]


def test_an_activity_outside_every_cycle_says_so(client, holder):
    ActivityFactory(user=holder["user"], title="Old course", completed_on=dt.date(2019, 1, 1), amount=Decimal("1"))
    client.force_login(holder["user"])
    old = next(r for r in _rows(client.get(reverse("activities_csv"))) if r["Title"] == "Old course")
    assert old["ACE-CPT applied"] == "0.00" and "outside this cycle" in old["ACE-CPT reason"]


def test_cells_that_look_like_formulas_are_neutralised(client, holder):
    for title in ['=HYPERLINK("http://evil")', "+SUM(A1)", "-2+3", "@cmd", "\tTabbed", "\rReturn"]:
        ActivityFactory(user=holder["user"], title=title, completed_on=dt.date(2025, 6, 1))
    client.force_login(holder["user"])
    titles = {row["Title"] for row in _rows(client.get(reverse("activities_csv")))}
    assert {'\'=HYPERLINK("http://evil")', "'+SUM(A1)", "'-2+3", "'@cmd", "'\tTabbed", "'\rReturn"} <= titles
    assert not any(t[:1] in "=+-@\t\r" for t in titles)


def test_safe_cell_leaves_ordinary_values_alone():
    assert safe_cell("Kettlebell") == "Kettlebell"
    assert safe_cell(Decimal("0.30")) == "0.30"
    assert safe_cell(None) == ""
    assert safe_cell("a=b") == "a=b"


def test_only_your_own_activities(client, holder, other_trainer):
    ActivityFactory(user=other_trainer, title="Someone else's course")
    client.force_login(other_trainer)
    rows = _rows(client.get(reverse("activities_csv")))
    assert [r["Title"] for r in rows] == ["Someone else's course"]
    assert "ACE-CPT applied" not in rows[0]


def test_needs_a_login(client):
    assert client.get(reverse("activities_csv")).status_code == 302
