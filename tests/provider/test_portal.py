"""The provider portal: provider staff land on it; courses, completions, keys and the log, through the
same services as the API, every action in the log with who did it."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.apikeys.models import ProviderApiKey
from accounts.models import ActionLog
from certifications.models import Credential
from credits.models import Activity, ApprovedCourse, ProviderCompletion
from credits.providers.services import completions_report
from tests.factories import CertificationFactory
from tests.provider.conftest import portal_url

pytestmark = pytest.mark.django_db


def test_provider_staff_land_on_their_portal_with_its_nav(client, staff_a, provider_a, shipped):
    client.force_login(staff_a)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == portal_url("provider_home", provider_a)
    page = client.get(response["Location"]).content.decode()
    assert f'aria-label="{provider_a.name} portal"' in page
    for name in ("provider_courses", "provider_uploads", "provider_completions", "provider_keys", "provider_log"):
        assert f'href="{portal_url(name, provider_a)}"' in page


def test_someone_who_is_not_the_providers_staff_gets_404(client, trainer, admin_a, provider_a, shipped):
    for user in (trainer, admin_a):  # not even the organization's admin: the portal is the provider's own
        client.force_login(user)
        assert client.get(portal_url("provider_home", provider_a)).status_code == 404


def test_a_switched_off_provider_has_no_portal(portal_a, provider_a):
    provider_a.is_active = False
    provider_a.save()
    assert portal_a.get(portal_url("provider_home", provider_a)).status_code == 404


def test_courses_register_edit_retire_with_confirmation_and_log(portal_a, provider_a, staff_a):
    url = portal_url("provider_courses", provider_a)
    bad = portal_a.post(url, {"course_number": "XYZ", "title": "", "amount": "0"})
    assert bad.status_code == 200
    form = bad.context["form"]
    assert "title" in form.errors and "amount" in form.errors
    assert 'aria-invalid="true"' in bad.content.decode()
    wrong_format = portal_a.post(url, {"course_number": "XYZ", "title": "Kettlebells", "amount": "0.8"})
    assert "does not follow the ACE course-number format" in wrong_format.context["form"].errors["course_number"][0]

    assert (
        portal_a.post(url, {"course_number": " cep123456 ", "title": "Kettlebells", "amount": "0.8"}).status_code == 302
    )
    course = ApprovedCourse.objects.get(provider=provider_a)
    assert course.course_number == "CEP123456" and course.organization == provider_a.organization
    listing = portal_a.get(url).content.decode()
    assert "CEP123456" in listing and "approved" in listing and "ACE" in listing

    edit = portal_url("provider_course", provider_a, course_id=course.pk)
    assert portal_a.post(edit, {"title": "Kettlebells II", "amount": "1.0"}).status_code == 302
    course.refresh_from_db()
    assert course.title == "Kettlebells II" and str(course.amount) == "1.00"

    retire = portal_url("provider_course_retire", provider_a, course_id=course.pk)
    assert "Retire the course" in portal_a.get(retire).content.decode()
    course.refresh_from_db()
    assert not course.is_retired  # asking is not retiring
    portal_a.post(retire)
    course.refresh_from_db()
    assert course.is_retired
    actions = list(ActionLog.objects.filter(actor=staff_a).values_list("action", flat=True))
    assert {"provider.course_created", "provider.course_updated", "provider.course_retired"} <= set(actions)


def test_completions_list_by_status_and_void_with_confirmation(portal_a, provider_a, course_a, trainer, staff_a):
    CertificationFactory(
        user=trainer, credential=Credential.objects.get(code="ACE-CPT"), certified_on=dt.date(2025, 1, 1)
    )
    records = [
        {"attendee_email": trainer.email, "course_number": "CEP123456", "completed_on": "2025-06-01"},
        {"attendee_email": "nobody@example.com", "course_number": "CEP123456", "completed_on": "2025-06-01"},
    ]
    import uuid

    completions_report(provider=provider_a, records=records, request_id=uuid.uuid4())
    matched = ProviderCompletion.objects.get(user=trainer)
    url = portal_url("provider_completions", provider_a)
    assert trainer.email in portal_a.get(url, {"status": "matched"}).content.decode()
    assert trainer.email not in portal_a.get(url, {"status": "pending"}).content.decode()
    assert "nobody@example.com" in portal_a.get(url, {"status": "pending"}).content.decode()

    void = portal_url("provider_completion_void", provider_a, completion_id=matched.pk)
    assert "Void the completion" in portal_a.get(void).content.decode()
    assert portal_a.post(void, {"reason": "wrong attendee"}).status_code == 302
    matched.refresh_from_db()
    assert matched.voided_at is not None and Activity.objects.get(pk=matched.activity_id).voided_at is not None
    assert trainer.email in portal_a.get(url, {"status": "voided"}).content.decode()
    entry = ActionLog.objects.get(action="provider.completion_voided")
    assert entry.actor == staff_a and entry.data["reason"] == "wrong attendee"


def test_api_keys_create_once_name_last_used_and_revoke_with_confirmation(portal_a, provider_a, staff_a):
    url = portal_url("provider_keys", provider_a)
    assert "name" in portal_a.post(url, {"name": ""}).context["form"].errors
    response = portal_a.post(url, {"name": "Booking system"}, follow=True)
    raw = response.context["new_key"]
    assert raw.startswith("cect_") and raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert raw not in portal_a.get(url).content.decode()  # shown once
    key = ProviderApiKey.objects.get(provider=provider_a)
    assert key.name == "Booking system" and key.created_by == staff_a

    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/provider/courses").status_code == 200
    assert "never" not in portal_a.get(url).content.decode().split("Booking system")[1].split("</tr>")[0]

    revoke = portal_url("provider_key_revoke", provider_a, key_id=key.pk)
    assert "Revoke the key" in portal_a.get(revoke).content.decode()
    portal_a.post(revoke)
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api.get("/api/v1/provider/courses").status_code == 401
    actions = set(ActionLog.objects.filter(actor=staff_a).values_list("action", flat=True))
    assert {"provider.api_key_created", "provider.api_key_revoked"} <= actions


def test_the_action_log_shows_this_providers_entries_only(portal_a, provider_a, course_a, course_a2, staff_a):
    import uuid

    portal_a.post(portal_url("provider_course", provider_a, course_id=course_a.pk), {"title": "Mine", "amount": "0.5"})
    other = course_a2.provider
    completions_report(
        provider=other,
        records=[{"attendee_email": "x@example.com", "course_number": "CA54321", "completed_on": "2025-06-01"}],
        request_id=uuid.uuid4(),
    )
    page = portal_a.get(portal_url("provider_log", provider_a))
    entries = list(page.context["page"].object_list)
    assert [e.action for e in entries] == ["provider.course_updated"]
    assert entries[0].actor == staff_a


def test_typing_a_roster_shows_first_name_and_last_initial_then_saves_through_the_service(
    portal_a, provider_a, course_a, trainer, staff_a
):
    CertificationFactory(
        user=trainer,
        credential=Credential.objects.get(code="ACE-CPT"),
        number="ACE-998877",
        certified_on=dt.date(2025, 1, 1),
    )
    url = portal_url("provider_course_roster", provider_a, course_id=course_a.pk)
    data = {"completed_on": "06/01/2025", "attendees": "ace-998877\nACE-000000\nnew@example.com"}
    check = portal_a.post(url, data).content.decode()
    assert "Tess T." in check and "Trainer" not in check  # first name and last initial only
    assert "ACE-000000</code>: will wait for the holder to claim it." in check
    assert ProviderCompletion.objects.count() == 0  # checking stores nothing

    saved = portal_a.post(url, {**data, "confirm": "1"})
    receipts = saved.context["result"]["receipts"]
    assert [(r["attendee"], r["match"]) for r in receipts] == [
        ("ACE-998877", "matched"),
        ("ACE-000000", "pending"),
        ("new@example.com", "pending"),
    ]
    assert Activity.objects.get(user=trainer).course_number == "CEP123456"
    again = portal_a.post(url, {**data, "confirm": "1"})
    assert all(r["duplicate"] for r in again.context["result"]["receipts"])
    assert ProviderCompletion.objects.count() == 3
    assert ActionLog.objects.filter(action="provider.completions_received", actor=staff_a).count() == 2

    lookup = portal_url("provider_holder_lookup", provider_a)
    assert "Tess T." in portal_a.get(lookup, {"number": "ace-998877"}).content.decode()
    assert "wait for the holder" in portal_a.get(lookup, {"number": "ACE-1"}).content.decode()


def test_a_typed_roster_says_what_is_wrong_with_each_line(portal_a, provider_a, course_a):
    url = portal_url("provider_course_roster", provider_a, course_id=course_a.pk)
    response = portal_a.post(url, {"completed_on": "31/31/2025", "attendees": "not-an@email@x\n"})
    errors = response.context["form"].errors
    assert "MM/DD/YYYY" in errors["completed_on"][0]
    assert "not a valid email address" in errors["attendees"][0]
    assert 'aria-invalid="true"' in response.content.decode()


def test_an_organization_admin_gives_and_takes_the_portal(client, admin_a, provider_a, trainer, shipped):
    url = reverse("org_provider", args=["ace", provider_a.pk])
    client.force_login(admin_a)
    unknown = client.post(url, {"action": "add_staff", "email": "nobody@example.com"})
    assert "ask them to create one first" in unknown.context["staff_form"].errors["email"][0]
    assert client.post(url, {"action": "add_staff", "email": trainer.email}).status_code == 302
    assert list(provider_a.users.all()) == [trainer]
    client.force_login(trainer)
    assert client.get(portal_url("provider_home", provider_a)).status_code == 200
    assert f'href="{portal_url("provider_home", provider_a)}"' in client.get(reverse("dashboard")).content.decode()
    client.force_login(admin_a)
    client.post(url, {"action": "remove_staff", "user_id": str(trainer.pk)})
    client.force_login(trainer)
    assert client.get(portal_url("provider_home", provider_a)).status_code == 404
    actions = list(ActionLog.objects.filter(actor=admin_a, subject_user=trainer).values_list("action", flat=True))
    assert sorted(actions) == ["provider.staff_added", "provider.staff_removed"]
