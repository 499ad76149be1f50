"""Evidence PDFs are stored without JavaScript, actions, launch commands, attachments, forms or rich media:
staff open them in their own PDF readers, where such content would run."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from credits.models import Evidence
from tests.credits.conftest import upload
from tests.pdf_samples import KINDS, TEXT, active_content, active_pdf

pytestmark = pytest.mark.django_db


def _stored(evidence) -> bytes:
    with evidence.file.open("rb") as fh:
        return fh.read()


def _assert_clean_one_page_of_text(data: bytes) -> None:
    assert active_content(data) == set()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and TEXT in reader.pages[0].extract_text()


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_active_content_is_stripped_from_a_pdf_uploaded_through_the_page(client, trainer, activity, kind):
    original = active_pdf((kind,))
    assert active_content(original), "the sample must carry what it is named for"
    client.force_login(trainer)
    response = client.post(
        reverse("evidence_upload", args=[activity.pk]),
        {"file": upload("cert.pdf", original, "application/pdf")},
        follow=True,
    )
    assert "File attached." in response.content.decode()
    evidence = Evidence.objects.get(activity=activity)
    stored = _stored(evidence)
    _assert_clean_one_page_of_text(stored)
    # The row describes the file that is stored, not the one that was sent.
    assert evidence.size == len(stored) and evidence.sha256 == hashlib.sha256(stored).hexdigest()


def test_all_kinds_together_are_stripped_from_a_pdf_uploaded_through_the_api(trainer, activity):
    api = APIClient()
    api.force_authenticate(trainer)
    response = api.post(
        reverse("api-activity-evidence", args=[activity.pk]),
        {"file": upload("cert.pdf", active_pdf(), "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    _assert_clean_one_page_of_text(_stored(Evidence.objects.get(pk=response.json()["id"])))


def test_the_size_limit_still_applies_to_what_was_sent(client, trainer, activity, settings):
    settings.EVIDENCE_MAX_BYTES = len(active_pdf()) - 1
    client.force_login(trainer)
    response = client.post(
        reverse("evidence_upload", args=[activity.pk]), {"file": upload("cert.pdf", active_pdf())}, follow=True
    )
    assert "larger than" in response.content.decode()
    assert not Evidence.objects.filter(activity=activity).exists()
