"""The exports page links every export; the navigation reaches it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_exports_page_links_the_csv_each_cycles_transcript_and_the_calendar(client, holder):
    client.force_login(holder["user"])
    page = client.get(reverse("exports")).content.decode()
    assert reverse("activities_csv") in page and reverse("calendar_feed") in page
    for certification in (holder["ace"], holder["acsm"]):
        assert reverse("transcript_pdf", args=[certification.cycles.get().pk]) in page
    assert reverse("exports") in client.get(reverse("dashboard")).content.decode()  # in the user menu


def test_the_exports_page_shows_only_your_cycles(client, holder, other_trainer):
    client.force_login(other_trainer)
    page = client.get(reverse("exports")).content.decode()
    assert reverse("transcript_pdf", args=[holder["ace"].cycles.get().pk]) not in page
    assert "Add a certification first" in page


def test_the_exports_page_needs_a_login(client):
    assert client.get(reverse("exports")).status_code == 302
