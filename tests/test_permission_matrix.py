"""Every trainer page and trainer API route that takes an object, generated from the URL router: another
trainer gets 404 on GET and POST and changes nothing; an anonymous visitor is sent to log in (pages) or
refused (API). The back office has its own sweep (tests/backoffice/test_tenancy.py), the provider API
its own (tests/provider/)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ActionLog
from accounts.notifications.services import notify
from certifications.defaults import load_defaults
from certifications.models import Credential
from credits.models import Activity, Evidence

pytestmark = pytest.mark.django_db

# Routes with their own rules: staff pages, allauth, the admin, and bearer-key provider endpoints.
ELSEWHERE = ("org/", "accounts/", "admin/", "api/v1/provider/")


def routes():
    """(path, name, object arguments) of every named route outside ELSEWHERE that takes an object."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                path = prefix + str(p.pattern)
                arguments = set(p.pattern.converters) if hasattr(p.pattern, "converters") else set()
                if arguments and not path.startswith(ELSEWHERE):
                    found.append((path, p.name, arguments))

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture
def owned(trainer):
    """One of every object a trainer owns, keyed by the URL name that takes its id."""
    from bench.audit_packet import seed_audit

    load_defaults()
    audit = seed_audit(user=trainer, credential=Credential.objects.get(code="ACSM-CPT"), images=1, pdfs=0)
    activity = Activity.objects.filter(user=trainer).first()
    evidence = Evidence.objects.get(activity=activity)
    certification, cycle = audit.cycle.certification, audit.cycle
    notification = notify(user=trainer, kind="petition_decided", key="petition:1", context={"organization": "ACE"})
    ids = {"notification_read": notification, "audit_detail": audit.pk, "transcript_pdf": cycle.pk}
    ids["api-cycle"] = cycle.pk
    for name in ("certification_detail", "certification_edit", "certification_remove", "certification_renew"):
        ids[name] = certification.pk
    for name in ("emeritus_application", "api-certification", "api-certification-cycles"):
        ids[name] = certification.pk
    for name in ("activity_detail", "activity_edit", "activity_delete", "evidence_upload", "petition_create"):
        ids[name] = activity.pk
    for name in ("api-activity-detail", "api-activity-evidence", "api-activity-petitions"):
        ids[name] = activity.pk
    for name in ("evidence_file", "evidence_delete", "api-evidence-detail"):
        ids[name] = evidence.pk
    from credits.intake.models import IntakeDraft, IntakeJob

    job = IntakeJob.objects.create(user=trainer)
    draft = IntakeDraft.objects.create(job=job, position=0, original_name="c.pdf", state=IntakeDraft.FAILED)
    for name in ("intake_job", "intake_job_progress", "api-intake-job"):
        ids[name] = job.pk
    for name in (
        "intake_draft_confirm",
        "intake_draft_discard",
        "api-intake-draft-confirm",
        "api-intake-draft-discard",
    ):
        ids[name] = draft.pk
    return ids


def urls(ids):
    out = []
    for path, name, arguments in routes():
        if arguments == {"token"}:
            continue  # secret-token routes (unsubscribe, calendar): a wrong token is tested where they live
        assert name in ids, f"the permission matrix does not know which object {name} takes: add it to `owned`"
        [argument] = arguments
        out.append((name, reverse(name, kwargs={argument: ids[name]})))
    return out


def test_another_trainer_gets_404_everywhere_and_changes_nothing(client, owned, other_trainer):
    before = (ActionLog.objects.count(), Activity.objects.count(), Evidence.objects.count())
    client.force_login(other_trainer)
    for name, url in urls(owned):
        # 405 for POST-only routes says nothing about the object; everything else must be 404.
        assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
        assert client.post(url, {"confirm": "1", "open": "1"}).status_code in (404, 405), f"POST {url} ({name})"
        if name.startswith("api-"):
            assert client.delete(url).status_code in (404, 405), f"DELETE {url} ({name})"
    assert (ActionLog.objects.count(), Activity.objects.count(), Evidence.objects.count()) == before


def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, owned):
    for name, url in urls(owned):
        response = client.get(url)
        if response.status_code == 405:
            continue  # POST-only
        if name.startswith("api-"):
            assert response.status_code in (401, 403), url
        else:
            assert response.status_code == 302 and reverse("account_login") in response["Location"], url


def test_the_owner_reaches_every_page(client, owned, trainer):
    client.force_login(trainer)
    for name, url in urls(owned):
        assert client.get(url).status_code in (200, 302, 405), f"GET {url} ({name})"  # 405: POST-only
