"""Every provider-portal route, generated from the URL router: another provider's staff get 404 for this
provider's pages and for its courses, completions, keys and uploads (even under their own provider id), and
change nothing; anonymous visitors are sent to log in."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ActionLog
from accounts.services import provider_api_key_create
from credits.models import ApprovedCourse, ProviderCompletion
from credits.providers.models import RosterUpload
from credits.providers.services import completions_report, roster_upload_create, roster_upload_submit
from tests.factories import ApprovedCourseFactory, ProviderFactory
from tests.provider.conftest import portal_staff

pytestmark = pytest.mark.django_db


def portal_routes():
    """(name, object argument or None) of every named route under provider/<provider_id>/."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("provider/") and p.name:
                others = set(p.pattern.converters) - {"provider_id"}
                assert len(others) <= 1, p.name
                found.append((p.name, others.pop() if others else None))

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture
def objects_a(provider_a, staff_a, shipped, django_capture_on_commit_callbacks):
    """One of each object provider A's portal shows, by URL argument."""
    course = ApprovedCourseFactory(organization=provider_a.organization, provider=provider_a, course_number="CEP123456")
    completions_report(
        provider=provider_a,
        records=[{"attendee_email": "a@example.com", "course_number": "CEP123456", "completed_on": "2025-06-01"}],
        request_id=uuid.uuid4(),
    )
    key, _ = provider_api_key_create(actor=staff_a, provider=provider_a, name="LMS")
    body = b"Email,Course number,Completed on\nb@example.com,CEP123456,2025-06-01\n"
    upload = roster_upload_create(actor=staff_a, provider=provider_a, upload=SimpleUploadedFile("r.csv", body))
    with django_capture_on_commit_callbacks(execute=True):
        roster_upload_submit(actor=staff_a, upload=upload)
    return {
        "course_id": course.pk,
        "completion_id": ProviderCompletion.objects.get(attendee_email="a@example.com").pk,
        "key_id": key.pk,
        "upload_id": upload.pk,
        "kind": "csv",
    }


def urls(provider_id, ids):
    out = []
    for name, argument in portal_routes():
        kwargs = {"provider_id": provider_id}
        if argument:
            assert argument in ids, f"the portal tenancy test does not know which object {name} takes"
            kwargs[argument] = ids[argument]
        out.append((name, argument, reverse(name, kwargs=kwargs)))
    return out


def test_the_sweep_covers_every_portal_page():
    names = {name for name, _ in portal_routes()}
    assert {"provider_home", "provider_uploads", "provider_upload", "provider_upload_receipts"} <= names
    assert len(names) >= 15


def state():
    return (
        ActionLog.objects.count(),
        ApprovedCourse.objects.filter(is_retired=True).count(),
        ProviderCompletion.objects.filter(voided_at__isnull=False).count(),
        RosterUpload.objects.count(),
        ProviderCompletion.objects.count(),
    )


def test_another_providers_staff_get_404_everywhere_and_change_nothing(
    client, objects_a, provider_a, provider_b, staff_b
):
    rival = ProviderFactory(organization=provider_a.organization, name="Rival Studio")  # same organization
    before = state()
    for user, own in ((staff_b, provider_b), (portal_staff(rival, "rival@example.com"), rival)):
        client.force_login(user)
        for name, argument, url in urls(provider_a.pk, objects_a):  # provider A's pages
            assert client.get(url).status_code == 404, f"GET {url} ({name})"
            assert client.post(url, {"confirm": "1", "name": "x"}).status_code == 404, f"POST {url} ({name})"
        for name, argument, url in urls(own.pk, objects_a):  # provider A's objects under their own provider
            if argument and argument != "kind":
                # 405 for a POST-only route says nothing about the object; everything else must be 404.
                assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
                assert client.post(url, {"confirm": "1", "reason": "x"}).status_code in (404, 405), f"POST {url}"
    assert state() == before


def test_anonymous_visitors_are_sent_to_log_in(client, objects_a, provider_a):
    for name, _, url in urls(provider_a.pk, objects_a):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], name


def test_the_providers_own_staff_reach_every_page(client, objects_a, provider_a, staff_a):
    client.force_login(staff_a)
    for name, _, url in urls(provider_a.pk, objects_a):
        assert client.get(url).status_code in (200, 204, 302, 405), f"GET {url} ({name})"  # 204: progress, done
