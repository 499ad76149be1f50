"""Fixtures for certificate intake: the shipped rules in the test organizations, and real certificates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications.defaults import load_defaults


def certificate_html(lines: list[str]) -> str:
    body = "".join(f"<p>{line}</p>" for line in lines)
    return f"<html><body style='font-family: DejaVu Sans; font-size: 14pt'>{body}</body></html>"


def certificate_pdf(lines: list[str]) -> bytes:
    from cectracker.pdf import html_to_pdf

    return html_to_pdf(certificate_html(lines))


def certificate_png(lines: list[str]) -> bytes:
    """A certificate as a phone would see it: the PDF page as an image (read by OCR)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(certificate_pdf(lines))
    image = document[0].render(scale=200 / 72).to_pil().convert("L")
    document.close()
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


ACE_LINES = [
    "Certificate of Completion",
    "This certifies that",
    "Tess Trainer",
    "has successfully completed",
    "Kettlebell Basics",
    "Course Number: CEP12345",
    "Completion date: 03/14/2026",
    "CECs: 0.7",
    "Provider: Move Well Academy",
]


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def shipped(org_a, org_b):
    """The shipped defaults installed into the test organizations "ace" and "acsm"."""
    load_defaults()
    return {"ACE": org_a, "ACSM": org_b}
