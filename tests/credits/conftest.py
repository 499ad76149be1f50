"""Fixtures for credits: the shipped ACE/ACSM rules, certifications, and real small evidence files."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications.defaults import load_defaults
from certifications.models import Credential
from tests.factories import ActivityFactory, ApprovedCourseFactory, CertificationFactory


def make_png(size=(4, 4)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def make_jpeg(size=(8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(out, format="JPEG")
    return out.getvalue()


def make_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pdf_of_size(total: int) -> bytes:
    """A real, parseable PDF of exactly `total` bytes (an attachment pads it)."""
    from pypdf import PdfWriter

    def build(padding):
        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        writer.add_attachment("pad.bin", b"x" * padding)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    first = build(total - 2000)
    data = build(total - 2000 + (total - len(first)))
    assert len(data) == total
    return data


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def shipped(db):
    return {o.short_name: o for o in load_defaults()}


@pytest.fixture
def ace(shipped):
    return shipped["ACE"]


@pytest.fixture
def acsm(shipped):
    return shipped["ACSM"]


@pytest.fixture
def ace_cert(shipped, trainer):
    return CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )


@pytest.fixture
def acsm_cert(shipped, trainer):
    return CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), certified_on=dt.date(2024, 6, 1)
    )


@pytest.fixture
def course(ace):
    return ApprovedCourseFactory(organization=ace, course_number="CA23456", title="Kettlebells", amount=Decimal("0.7"))


@pytest.fixture
def activity(trainer):
    return ActivityFactory(
        user=trainer,
        kind="other_org_course",
        awarding_org="Kettlebell Guild",
        title="Swing school",
        amount=None,
        hours=Decimal("4"),
        completed_on=dt.date(2025, 3, 1),
    )


@pytest.fixture
def other_activity(other_trainer):
    return ActivityFactory(user=other_trainer, kind="teaching", amount=Decimal("2"), completed_on=dt.date(2025, 3, 1))
