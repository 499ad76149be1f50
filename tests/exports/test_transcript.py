"""The per-cycle transcript PDF: the holder, the cycle's figures, every activity; no network; yours only."""

import datetime as dt
import io
import logging
import socket

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cectracker import pdf as pdf_module
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def fetches(monkeypatch):
    """Every URL WeasyPrint asks our fetcher for, and whether it was refused."""
    seen = []
    original = pdf_module.SafeURLFetcher.__new__

    def recording(cls, allowed_files=()):
        fetcher = original(cls, allowed_files)
        inner = fetcher.fetch

        def fetch(url, headers=None):
            try:
                response = inner(url, headers)
            except pdf_module.FetchRefused:
                seen.append((url, "refused"))
                raise
            seen.append((url, "served"))
            return response

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(pdf_module.SafeURLFetcher, "__new__", recording)
    return seen


def _text(content: bytes) -> str:
    """The PDF's text with runs of whitespace (table cells wrap) made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_transcript_lists_the_cycle_and_each_activity_with_its_applied_amount(client, holder, no_network):
    client.force_login(holder["user"])
    cycle = holder["acsm"].cycles.get()
    response = client.get(reverse("transcript_pdf", args=[cycle.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="transcript-ACSM-CPT-2024-06-01.pdf"'
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    for expected in [
        "Tess Trainer",
        "ACSM-CPT",
        "ACSM-4455",
        "Jun 1, 2024",
        "May 31, 2027",
        "Nov 30, 2027",
        "Kettlebell Foundations",
        "Taught a mobility workshop",
        "Leg day",
        "45.00",  # required
        "7.00",  # earned
        "38.00",  # remaining
        "3.00",  # the ACE course, converted
        "never credits",  # the workout's reason
        "Kettlebell Foundations Approved course",  # the kind in the pages' words
    ]:
        assert expected in text, expected
    assert "Approved courses" not in text


def test_activities_of_another_cycle_are_left_out(client, holder, no_network):
    ActivityFactory(user=holder["user"], title="Course from 2019", completed_on=dt.date(2019, 5, 5))
    client.force_login(holder["user"])
    text = _text(client.get(reverse("transcript_pdf", args=[holder["ace"].cycles.get().pk])).content)
    assert "Kettlebell Foundations" in text and "Course from 2019" not in text


def test_another_persons_cycle_is_a_404(client, holder, other_trainer):
    client.force_login(other_trainer)
    assert client.get(reverse("transcript_pdf", args=[holder["ace"].cycles.get().pk])).status_code == 404


def test_needs_a_login(client, holder):
    response = client.get(reverse("transcript_pdf", args=[holder["ace"].cycles.get().pk]))
    assert response.status_code == 302


def test_the_transcript_fetches_nothing_and_escapes_what_people_typed(client, holder, no_network, fetches):
    ActivityFactory(
        user=holder["user"],
        title='<img src="http://169.254.169.254/latest/meta-data/"><link rel="stylesheet" href="file:///etc/passwd">',
        completed_on=dt.date(2025, 7, 1),
    )
    client.force_login(holder["user"])
    response = client.get(reverse("transcript_pdf", args=[holder["acsm"].cycles.get().pk]))
    assert response.status_code == 200
    assert fetches == []  # our template loads nothing, and the typed markup stays text
    assert "169.254.169.254" in _text(response.content)


def test_a_template_with_external_urls_is_refused_by_the_fetcher(no_network, fetches, caplog):
    html = (
        '<html><head><link rel="stylesheet" href="https://cdn.example.com/x.css"></head><body>'
        '<img src="http://169.254.169.254/latest/meta-data/"><img src="file:///etc/passwd">Hello</body></html>'
    )
    with caplog.at_level(logging.WARNING):
        content = pdf_module.html_to_pdf(html)
    assert content.startswith(b"%PDF")
    assert {url for url, _ in fetches} == {
        "https://cdn.example.com/x.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
    }
    assert all(outcome == "refused" for _, outcome in fetches)
    assert "root:" not in _text(content)
