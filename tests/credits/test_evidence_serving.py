"""Evidence files are served only through /evidence/<pk>/, to whoever `evidence_visible_to` admits."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from credits.models import Petition
from credits.services import evidence_attach
from tests.credits.conftest import make_pdf, make_png, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_evidence(trainer, activity):
    return evidence_attach(actor=trainer, activity=activity, upload=upload("my certificate.pdf", make_pdf()))


def test_the_owner_gets_the_file_with_safe_headers(client, trainer, pdf_evidence):
    client.force_login(trainer)
    response = client.get(reverse("evidence_file", args=[pdf_evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline") and "my certificate.pdf" in disposition
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    download = client.get(reverse("evidence_file", args=[pdf_evidence.pk]), {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")


def test_images_are_sandboxed(client, trainer, activity):
    evidence = evidence_attach(actor=trainer, activity=activity, upload=upload("photo.png", make_png()))
    client.force_login(trainer)
    response = client.get(reverse("evidence_file", args=[evidence.pk]))
    assert response["Content-Type"] == "image/png" and "sandbox" in response["Content-Security-Policy"]


def test_another_trainer_gets_404(client, other_trainer, pdf_evidence):
    client.force_login(other_trainer)
    assert client.get(reverse("evidence_file", args=[pdf_evidence.pk])).status_code == 404
    assert client.get(reverse("evidence_delete", args=[pdf_evidence.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, pdf_evidence):
    response = client.get(reverse("evidence_file", args=[pdf_evidence.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_staff_of_an_organization_with_a_petition_get_the_file(client, reviewer_a, org_a, activity, pdf_evidence):
    Petition.objects.create(organization=org_a, activity=activity, hours=Decimal("4"), description="x")
    client.force_login(reviewer_a)
    assert client.get(reverse("evidence_file", args=[pdf_evidence.pk])).status_code == 200
    # ...but may not delete the trainer's files.
    assert client.post(reverse("evidence_delete", args=[pdf_evidence.pk])).status_code == 404


def test_staff_of_another_organization_get_404(client, reviewer_b, org_a, activity, pdf_evidence):
    Petition.objects.create(organization=org_a, activity=activity, hours=Decimal("4"), description="x")
    client.force_login(reviewer_b)
    assert client.get(reverse("evidence_file", args=[pdf_evidence.pk])).status_code == 404


def test_an_admin_without_two_factor_does_not_get_the_file(client, org_a, admin_a, activity, pdf_evidence):
    from allauth.mfa.models import Authenticator

    Petition.objects.create(organization=org_a, activity=activity, hours=Decimal("4"), description="x")
    client.force_login(admin_a)
    assert client.get(reverse("evidence_file", args=[pdf_evidence.pk])).status_code == 200
    Authenticator.objects.filter(user=admin_a).delete()  # two-factor off: no staff rights anywhere
    assert client.get(reverse("evidence_file", args=[pdf_evidence.pk])).status_code == 404


def test_a_missing_id_is_404(client, trainer):
    client.force_login(trainer)
    assert client.get(reverse("evidence_file", args=[999999])).status_code == 404


def test_media_is_not_served_and_files_live_outside_static(client, trainer, pdf_evidence):
    assert not settings.MEDIA_URL.startswith("/static")
    client.force_login(trainer)
    assert client.get(settings.MEDIA_URL + pdf_evidence.file.name).status_code == 404
    assert client.get("/media/" + pdf_evidence.file.name).status_code == 404
    assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT or "")
