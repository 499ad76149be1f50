"""The dashboard: one card per certification, built on user_progress, in a bounded number of queries."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from certifications.selectors import user_dashboard, user_progress
from credits.models import Activity
from tests.certifications.conftest import certify, earn, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_t(client, trainer):
    client.force_login(trainer)
    return client


def test_a_new_user_sees_what_to_do_first(client_t):
    page = client_t.get(reverse("dashboard")).content.decode()
    assert "Add your first certification" in page and reverse("certification_add") in page


def test_cards_show_progress_days_left_missing_and_forecast(client_t, shipped, trainer, today):
    ace = certify(trainer, "ACE-CPT", start=years_ago(today, 1))
    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 2), cpr=today + dt.timedelta(days=30))
    earn(trainer, "0.5", years_ago(today, 0, 6), org="ACE")
    earn(trainer, 20, years_ago(today, 1))
    page = client_t.get(reverse("dashboard")).content.decode()
    cards = {c.progress.certification: c for c in user_dashboard(user=trainer, as_of=today)}
    assert cards[ace].progress.result.earned == Decimal("0.50") and cards[ace].percent == 25
    # the ACE course counts 0.5 -> 5 for ACSM (RULES §5)
    assert cards[acsm].progress.result.earned == Decimal("25.00") and cards[acsm].percent == 55
    assert "0.5</strong> of 2.0 CECs" in page and "25.0</strong> of 45.0 CECs" in page
    assert f"<strong>{cards[ace].days_left}</strong> days left" in page
    assert "<li>1.5 CECs</li>" in page and "<li>20.0 CECs</li>" in page  # what is still missing
    assert "CPR/AED expires on" in page and "before the cycle ends" in page  # only ACSM requires it
    assert page.count("CPR/AED expires on") == 1
    assert cards[ace].forecast.message in page.replace("&#x27;", "'")
    assert page.count('<svg class="dash-chart"') == 2 and 'class="required"' in page
    assert reverse("certification_detail", args=[ace.pk]) in page


def test_the_forecast_and_chart_use_the_engines_applied_amounts(shipped, trainer, today):
    certify(trainer, "ACE-CPT", start=years_ago(today, 1))
    earn(trainer, "0.4", years_ago(today, 0, 6), org="ACE", course_number="CA11111")
    earn(trainer, "0.4", years_ago(today, 0, 3), org="ACE", course_number="CA11111")  # the same course: 0
    (card,) = user_dashboard(user=trainer, as_of=today)
    assert card.chart.total == Decimal("0.40") == card.progress.result.earned
    assert card.forecast.pace == Decimal("0.03")  # 0.4 over 12 months


# The chart as the dashboard's template wrote it before a tag did (the tag is plain Python, for speed).
CHART_TEMPLATE = (Path(__file__).parent / "chart_as_the_template_wrote_it.html").read_text()


def test_the_chart_tag_writes_what_the_template_did(shipped, trainer, today):
    """Same SVG, whitespace aside, for a card in its grace period (the cycle-end line), escaping included."""
    import re

    from django.template import Context, Template

    from certifications.templatetags.certifications_tags import chart_svg

    certify(trainer, "ACSM-CPT", start=years_ago(today, 3, 2))  # ended two months ago: in the grace period
    certify(trainer, "ACE-CPT", start=years_ago(today, 1))
    earn(trainer, 20, years_ago(today, 2))
    earn(trainer, "0.5", years_ago(today, 0, 6), org="ACE")
    cards = user_dashboard(user=trainer, as_of=today)
    assert any(card.chart.end_x is not None for card in cards) and all(card.chart.today_x for card in cards)
    for card in cards:
        object.__setattr__(card.progress.result, "credential", 'A<&>"B')
        by_template = Template(CHART_TEMPLATE).render(Context({"card": card}))
        squeeze = lambda html: re.sub(r">\s+<", "><", html.strip())  # noqa: E731
        assert squeeze(chart_svg(card)) == squeeze(by_template)
        assert "A&lt;&amp;&gt;&quot;B" in chart_svg(card)


def test_another_persons_certifications_are_not_on_my_dashboard(client_t, shipped, other_trainer, today):
    certify(other_trainer, "ACSM-EP", start=years_ago(today, 1))
    page = client_t.get(reverse("dashboard")).content.decode()
    assert "ACSM-EP" not in page and "Add your first certification" in page


def test_an_emeritus_certification_shows_its_emeritus_code(client_t, shipped, trainer, today):
    certification = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    certification.emeritus_on, certification.emeritus_code_suffix = today, "-E"
    certification.save()
    page = client_t.get(reverse("dashboard")).content.decode()
    assert "ACSM-CPT-E" in page


@pytest.mark.postgres
def test_five_certifications_and_a_thousand_activities_in_at_most_12_queries(
    client_t, shipped, trainer, today, django_assert_max_num_queries
):
    start = years_ago(today, 1)
    for code in ("ACE-CPT", "ACE-GFI", "ACE-HC", "ACSM-CPT", "ACSM-EP"):
        certify(trainer, code, start=start)
    kinds = ["approved_course", "other_org_course", "cpr", "teaching", "college_course"]
    Activity.objects.bulk_create(
        Activity(
            user=trainer,
            kind=kinds[i % 5],
            awarding_org="ACE" if i % 2 else "ACSM",
            course_number=f"CA{10000 + i}",
            amount=Decimal("0.10"),
            hours=Decimal("1"),
            credit_hours=Decimal("1"),
            term="semester",
            grade="B",
            completed_on=start + dt.timedelta(days=i % 360),
        )
        for i in range(1000)
    )
    assert len(user_progress(user=trainer, as_of=today)) == 5
    with django_assert_max_num_queries(12):
        response = client_t.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.content.decode().count('<svg class="dash-chart"') == 5


def test_an_emeritus_card_asks_for_no_credits(client, shipped, trainer, today):
    from certifications.models import Cycle

    acsm = certify(trainer, "ACSM-CPT", start=years_ago(today, 1))
    acsm.emeritus_on, acsm.emeritus_code_suffix = today, "-E"
    acsm.save(update_fields=["emeritus_on", "emeritus_code_suffix"])
    Cycle.objects.filter(certification=acsm).update(recorded_status=Cycle.EMERITUS)
    client.force_login(trainer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "ACSM-CPT-E" in page and "needs no renewal" in page
    assert "Still missing" not in page and "gets you to" not in page and "days left" not in page


def test_a_cpr_aed_that_already_expired_is_said_to_have_expired(client_t, shipped, trainer, today):
    certify(trainer, "ACSM-CPT", start=years_ago(today, 1), cpr=today - dt.timedelta(days=3))
    page = client_t.get(reverse("dashboard")).content.decode()
    expired = today - dt.timedelta(days=3)
    assert f"CPR/AED expired on {date_format(expired)}, before the cycle ends" in page
    assert "CPR/AED expires on" not in page
