"""The petition queue and decisions: filters, the rule set's suggested amount, one decision, the log."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActionLog, Membership
from credits.models import Evidence, Petition
from credits.petitions.services import petition_decide
from tests.factories import CertificationFactory, MembershipFactory, PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(shipped, trainer, ace_cpt):
    CertificationFactory(user=trainer, credential=ace_cpt, certified_on=dt.date(2025, 1, 1))
    return PetitionFactory(organization=shipped["ACE"], activity__user=trainer, hours=Decimal("4"))


def test_the_queue_filters_by_status_credential_and_age(client, reviewer_a, petition, shipped, other_trainer):
    old = PetitionFactory(organization=shipped["ACE"], activity__user=other_trainer, status=Petition.DENIED)
    Petition.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    PetitionFactory(organization=shipped["ACSM"])  # another organization's: never listed
    client.force_login(reviewer_a)
    url = reverse("org_petitions", args=["ace"])

    def listed(**params):
        return [p.pk for p in client.get(url, params).context["page"]]

    assert listed() == [petition.pk, old.pk]  # pending first, though the denied one is older
    Evidence.objects.create(
        activity=petition.activity,
        file=ContentFile(b"%PDF-1.4", name="c.pdf"),
        original_name="c.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    assert [p.evidence_count for p in client.get(url).context["page"]] == [1, 0]
    assert listed(status="pending") == [petition.pk]
    assert listed(age="30") == [old.pk]
    credential = petition.activity.user.certifications.get().credential_id
    assert listed(credential=credential) == [petition.pk]


def test_each_filter_label_holds_its_field(client, reviewer_a, petition):
    # Bare label tags in a flex row left "Age:" on one line and its list on the next.
    client.force_login(reviewer_a)
    html = client.get(reverse("org_petitions", args=["ace"])).content.decode()
    for label, name in (("Status", "status"), ("Credential", "credential"), ("Age", "age")):
        assert re.search(rf'<label>{label}\s*<select name="{name}"', html), label


def test_the_petition_page_suggests_the_rule_sets_amount_and_shows_evidence_slots(client, reviewer_a, petition):
    client.force_login(reviewer_a)
    response = client.get(reverse("org_petition", args=["ace", petition.pk]))
    assert response.status_code == 200
    assert response.context["suggested"] == Decimal("0.40")  # ACE guide 0.1 per hour × 4 hours
    assert b"ACE-CPT" in response.content


def test_approving_records_amount_log_and_notification(client, reviewer_a, petition, notified):
    client.force_login(reviewer_a)
    response = client.post(
        reverse("org_petition", args=["ace", petition.pk]), {"decision": "approve", "amount": "0.35"}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.status, petition.amount, petition.decided_by) == ("approved", Decimal("0.35"), reviewer_a)
    log = ActionLog.objects.get(action="petition.approved")
    assert log.actor == reviewer_a and log.subject_user == petition.activity.user
    assert log.data == {
        "before": {"status": "pending", "amount": None, "reason": ""},
        "after": {"status": "approved", "amount": "0.35", "reason": ""},
    }
    assert [(u, kind, key) for u, kind, key, _ in notified] == [
        (petition.activity.user, "petition_decided", f"petition:{petition.pk}")
    ]


def test_denying_needs_a_reason(client, reviewer_a, petition, notified):
    client.force_login(reviewer_a)
    url = reverse("org_petition", args=["ace", petition.pk])
    response = client.post(url, {"decision": "deny", "reason": "  "})
    assert response.status_code == 400 and b"Say why" in response.content
    assert Petition.objects.get(pk=petition.pk).status == "pending" and notified == []
    client.post(url, {"decision": "deny", "reason": "Not structured learning."})
    petition.refresh_from_db()
    assert petition.status == "denied" and petition.decision_reason == "Not structured learning."
    assert ActionLog.objects.filter(action="petition.denied", object_id=str(petition.pk)).count() == 1


def test_deciding_twice_is_refused(reviewer_a, admin_a, petition, shipped, notified):
    petition_decide(
        actor=reviewer_a, organization=shipped["ACE"], petition_id=petition.pk, decision="approve", amount=Decimal("1")
    )
    with pytest.raises(Exception) as exc:
        petition_decide(
            actor=admin_a, organization=shipped["ACE"], petition_id=petition.pk, decision="deny", reason="x"
        )
    assert "already approved" in str(exc.value)
    assert ActionLog.objects.filter(action__startswith="petition.").count() == 1


def test_an_auditor_sees_but_cannot_decide(client, petition, shipped):
    auditor = MembershipFactory(organization=shipped["ACE"], role=Membership.AUDITOR).user
    client.force_login(auditor)
    url = reverse("org_petition", args=["ace", petition.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "approve", "amount": "1"}).status_code == 403
    assert Petition.objects.get(pk=petition.pk).status == "pending"


def test_another_organizations_petition_is_404(client, reviewer_b, petition):
    client.force_login(reviewer_b)
    assert client.get(reverse("org_petition", args=["acsm", petition.pk])).status_code == 404


def test_the_queue_of_10000_petitions_answers_in_few_queries(
    client, reviewer_a, shipped, trainer, django_assert_max_num_queries
):
    from bench.petition_queue import seed_petitions

    seed_petitions(organization=shipped["ACE"], user=trainer, count=10_000)
    client.force_login(reviewer_a)
    url = reverse("org_petitions", args=["ace"])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"status": "pending", "page": "3"})
    assert response.status_code == 200 and len(response.context["page"]) == 50


def test_the_evidence_viewer_shows_images_inline_and_pdfs_in_an_object(client, reviewer_a, petition, settings):
    settings.ROOT_URLCONF = "tests.backoffice.urls_with_evidence"
    files = {}
    for name, ctype in (("photo.png", "image/png"), ("transcript.pdf", "application/pdf")):
        files[name] = Evidence.objects.create(
            activity=petition.activity,
            file=ContentFile(b"x", name=name),
            original_name=name,
            content_type=ctype,
            size=1,
            sha256="0" * 64,
        )
    client.force_login(reviewer_a)
    html = client.get(reverse("org_petition", args=["ace", petition.pk])).content.decode()
    assert f'<img src="/evidence/{files["photo.png"].pk}/file/"' in html
    assert f'<object data="/evidence/{files["transcript.pdf"].pk}/file/" type="application/pdf"' in html


def test_the_queue_lists_pending_petitions_before_decided_ones_each_oldest_first(
    client, reviewer_a, petition, shipped, other_trainer
):
    ages = {}
    for status, days in ((Petition.APPROVED, 90), (Petition.PENDING, 60), (Petition.DENIED, 30), (Petition.PENDING, 5)):
        p = PetitionFactory(organization=shipped["ACE"], activity__user=other_trainer, status=status)
        Petition.objects.filter(pk=p.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
        ages[(status, days)] = p.pk
    client.force_login(reviewer_a)
    listed = [p.pk for p in client.get(reverse("org_petitions", args=["ace"])).context["page"]]
    assert listed == [
        ages[(Petition.PENDING, 60)],
        ages[(Petition.PENDING, 5)],
        petition.pk,  # pending, created just now
        ages[(Petition.APPROVED, 90)],
        ages[(Petition.DENIED, 30)],
    ]


def test_the_evidence_viewer_names_each_embedded_pdf(client, reviewer_a, petition):
    # An <object> without a text alternative is an axe and Nu checker error.
    Evidence.objects.create(
        activity=petition.activity,
        file=ContentFile(b"%PDF-1.4", name="c.pdf"),
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    client.force_login(reviewer_a)
    html = client.get(reverse("org_petition", args=["ace", petition.pk])).content.decode()
    assert re.search(r'<object [^>]*type="application/pdf"[^>]*aria-label="Evidence: certificate.pdf"', html)


def test_the_decision_email_gives_the_amount_in_the_organizations_unit(client, reviewer_a, petition, notified):
    from django.template.loader import render_to_string

    client.force_login(reviewer_a)
    client.post(reverse("org_petition", args=["ace", petition.pk]), {"decision": "approve", "amount": "0.35"})
    [(_, _, _, context)] = notified
    assert context["unit"] == "CEC"
    for ext in ("txt", "html"):
        text = render_to_string(f"accounts/notifications/email/petition_decided.{ext}", context)
        assert "It counts for 0.35 CECs." in text, ext


def test_the_decision_email_links_start_with_site_url_whatever_host_the_request_used(
    client, reviewer_a, petition, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.CECT_SITE_URL = "https://cec.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    client.force_login(reviewer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("org_petition", args=["ace", petition.pk]),
            {"decision": "approve", "amount": "0.35"},
            HTTP_HOST="evil.example",
        )
    [message] = mail.outbox
    links = re.findall(r"https?://[^\s\"'<>)]+", message.body + "".join(b for b, _ in message.alternatives))
    assert links and all(link.startswith("https://cec.example.org/") for link in links), links
