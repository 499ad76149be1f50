"""The private iCal feed: a secret URL (stored hashed) serving deadlines as all-day events; revocable."""

import datetime as dt
import re

import icalendar
import pytest
from django.urls import reverse

from accounts.models import ActionLog
from certifications.exports.ical import AllDayEvent, ical_calendar
from certifications.exports.models import CalendarFeed
from certifications.exports.services import calendar_feed_create
from certifications.services import cycle_create

pytestmark = pytest.mark.django_db


def _events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _token(response) -> str:
    return re.search(r"/calendar/([A-Za-z0-9_-]+)\.ics", response.content.decode()).group(1)


def test_the_feed_has_cycle_ends_grace_ends_and_cpr_aed_expiry(client, holder):
    _, token = calendar_feed_create(user=holder["user"])
    response = client.get(reverse("calendar_ics", args=[token]))  # no login: calendar apps fetch it
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content and all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    events = _events(response)
    ace_cycle, acsm_cycle = holder["ace"].cycles.get(), holder["acsm"].cycles.get()
    by_uid = {uid: (e.decoded("DTSTART"), str(e["SUMMARY"])) for uid, e in events.items()}
    last_day = ": last day of the certification cycle"
    assert by_uid == {
        f"cycle-{ace_cycle.pk}-end@cectracker": (dt.date(2026, 12, 31), "ACE-CPT" + last_day),
        f"cycle-{acsm_cycle.pk}-end@cectracker": (dt.date(2027, 5, 31), "ACSM-CPT" + last_day),
        f"cycle-{acsm_cycle.pk}-grace@cectracker": (dt.date(2027, 11, 30), "ACSM-CPT: grace period ends"),
        f"certification-{holder['ace'].pk}-cpr-aed@cectracker": (dt.date(2027, 5, 31), "CPR/AED expires (ACE-CPT)"),
        f"certification-{holder['acsm'].pk}-cpr-aed@cectracker": (dt.date(2027, 5, 31), "CPR/AED expires (ACSM-CPT)"),
    }
    for event in events.values():  # all-day: DATE values, one day long
        assert type(event.decoded("DTSTART")) is dt.date
        assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(days=1)
        assert event.get("DTSTAMP") is not None


def test_uids_are_stable_and_follow_the_current_cycle(client, holder):
    _, token = calendar_feed_create(user=holder["user"])
    first = set(_events(client.get(reverse("calendar_ics", args=[token]))))
    assert first == set(_events(client.get(reverse("calendar_ics", args=[token]))))
    new_cycle = cycle_create(certification=holder["ace"], start=dt.date(2027, 1, 1))
    events = _events(client.get(reverse("calendar_ics", args=[token])))
    assert events[f"cycle-{new_cycle.pk}-end@cectracker"].decoded("DTSTART") == dt.date(2028, 12, 31)
    assert f"cycle-{holder['ace'].cycles.order_by('start').first().pk}-end@cectracker" not in events


def test_unknown_and_revoked_tokens_are_404(client, holder):
    assert client.get(reverse("calendar_ics", args=["x" * 43])).status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404
    client.force_login(holder["user"])
    token = _token(client.post(reverse("calendar_feed"), {"action": "create"}, follow=True))
    assert client.get(reverse("calendar_ics", args=[token])).status_code == 200
    client.post(reverse("calendar_feed"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("calendar_ics", args=[token])).status_code == 404
    assert ActionLog.objects.filter(action="calendar_feed.revoked", subject_user=holder["user"]).exists()


def test_regenerating_replaces_the_address(client, holder):
    client.force_login(holder["user"])
    old = _token(client.post(reverse("calendar_feed"), {"action": "create"}, follow=True))
    page = client.post(reverse("calendar_feed"), {"action": "regenerate"}, follow=True)
    new = _token(page)
    assert new != old and "no-store" in page["Cache-Control"]
    assert client.get(reverse("calendar_ics", args=[old])).status_code == 404
    assert client.get(reverse("calendar_ics", args=[new])).status_code == 200
    assert CalendarFeed.objects.filter(user=holder["user"], revoked_at__isnull=True).count() == 1
    assert new not in client.get(reverse("calendar_feed")).content.decode()  # shown only once
    actions = set(ActionLog.objects.filter(subject_user=holder["user"]).values_list("action", flat=True))
    assert {"calendar_feed.created", "calendar_feed.regenerated"} <= actions


def test_only_a_hash_of_the_token_is_stored(holder):
    feed, token = calendar_feed_create(user=holder["user"])
    assert token not in feed.token_hash and len(token) >= 43
    assert not CalendarFeed.objects.filter(token_hash=token).exists()


def test_a_feed_shows_only_its_owners_dates(client, holder, other_trainer):
    _, token = calendar_feed_create(user=other_trainer)
    assert _events(client.get(reverse("calendar_ics", args=[token]))) == {}


def test_the_feed_page_needs_a_login(client):
    assert client.get(reverse("calendar_feed")).status_code == 302


def test_text_is_escaped_and_long_lines_folded():
    text = ical_calendar(
        name="Deadlines; mine, all",
        events=[AllDayEvent(uid="u1@x", day=dt.date(2026, 1, 2), summary="A, b; c\\d", description="é" * 80)],
        stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert "SUMMARY:A\\, b\\; c\\\\d\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]) == "é" * 80 and str(event["SUMMARY"]) == "A, b; c\\d"


def test_an_emeritus_certification_has_no_renewal_deadlines(client, holder):
    acsm = holder["acsm"]
    acsm.emeritus_on = dt.date(2025, 6, 1)
    acsm.save(update_fields=["emeritus_on"])
    _, token = calendar_feed_create(user=holder["user"])
    uids = set(_events(client.get(reverse("calendar_ics", args=[token]))))
    cycle = acsm.cycles.get()
    assert f"cycle-{cycle.pk}-end@cectracker" not in uids and f"cycle-{cycle.pk}-grace@cectracker" not in uids
    assert f"cycle-{holder['ace'].cycles.get().pk}-end@cectracker" in uids  # the others stay


def test_every_deadline_reminds_thirty_and_seven_days_before(client, holder):
    _, token = calendar_feed_create(user=holder["user"])
    events = _events(client.get(reverse("calendar_ics", args=[token])))
    assert events
    for event in events.values():
        alarms = [c for c in event.subcomponents if c.name == "VALARM"]
        assert sorted(a.decoded("TRIGGER") for a in alarms) == [dt.timedelta(days=-30), dt.timedelta(days=-7)]
        assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
        assert {str(a["DESCRIPTION"]) for a in alarms} == {str(event["SUMMARY"])}


def test_changing_the_password_revokes_the_calendar_feed(client, holder):
    from accounts.models import ActionLog

    _, token = calendar_feed_create(user=holder["user"])
    assert client.get(reverse("calendar_ics", args=[token])).status_code == 200
    client.force_login(holder["user"])
    new = "a-brand-new-passphrase-77"
    data = {"oldpassword": "correct-horse-battery", "password1": new, "password2": new}
    assert client.post(reverse("account_change_password"), data).status_code == 302
    client.logout()
    assert client.get(reverse("calendar_ics", args=[token])).status_code == 404
    assert ActionLog.objects.filter(action="calendar_feed.revoked", subject_user=holder["user"]).exists()
