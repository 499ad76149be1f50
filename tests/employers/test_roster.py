"""The roster: invite, consent per certification, live status, withdrawal at once, filters, CSV, pages."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActionLog
from accounts.notifications.models import Notification
from employers.models import Consent, Link
from tests.employers.conftest import certify, link_and_share
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


def roster(client, gym, **params):
    response = client.get(reverse("employer_roster", args=[gym.slug]), params)
    assert response.status_code == 200
    return response


def table(response) -> str:
    """The roster table's text only (the filter's options name every status too)."""
    page = response.content.decode()
    return page[page.index('<table id="roster">') : page.index("</table>")]


def test_invite_consent_roster_withdraw(
    client, shipped, gym, gym_manager, trainer, today, django_capture_on_commit_callbacks
):
    ace = certify(trainer, "ACE-CPT", start=today - dt.timedelta(days=400))
    acsm = certify(trainer, "ACSM-CPT", start=today - dt.timedelta(days=100))
    client.force_login(gym_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("employer_invite", args=[gym.slug]), {"email": "Trainer@Example.com"})
    assert response.status_code == 302
    link = Link.objects.get(organization=gym)
    assert link.email == "trainer@example.com" and link.user is None
    assert Notification.objects.filter(user=trainer, kind="employer_invite").count() == 1
    assert ActionLog.objects.filter(organization=gym, action="employer.trainer_invited", actor=gym_manager).exists()
    # Nothing is shared before the trainer answers.
    assert "Tess Trainer" not in table(roster(client, gym))

    client.force_login(trainer)
    page = client.get(reverse("sharing")).content.decode()
    assert "Northside Fitness invites you" in page
    response = client.post(reverse("sharing_detail", args=[link.pk]), {"certifications": [ace.pk], "action": "share"})
    assert response.status_code == 302
    assert ActionLog.objects.filter(organization=gym, action="employer.consent_granted", actor=trainer).exists()

    client.force_login(gym_manager)
    page = table(roster(client, gym))
    assert "Tess Trainer" in page and "ACE-CPT" in page and "In progress" in page
    assert "ACSM-CPT" not in page  # not shared
    assert "1.8 CECs to go" in page or "2.0 CECs to go" in page

    client.force_login(trainer)
    consent = Consent.objects.get(link=link, certification=ace)
    assert client.post(reverse("sharing_withdraw", args=[consent.pk])).status_code == 302
    client.force_login(gym_manager)
    page = table(roster(client, gym))
    assert "Withdrawn by the trainer" in page and "In progress" not in page and "CECs to go" not in page
    # The reminder page for a withdrawn certification is gone too.
    assert client.get(reverse("employer_remind", args=[gym.slug, consent.pk])).status_code == 404
    assert ActionLog.objects.filter(organization=gym, action="employer.consent_withdrawn", actor=trainer).exists()
    del acsm


def test_an_invitation_to_an_address_without_account_is_emailed(
    client, gym, gym_admin, django_capture_on_commit_callbacks
):
    client.force_login(gym_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("employer_invite", args=[gym.slug]), {"email": "new@example.com"})
    [message] = mail.outbox
    assert message.to == ["new@example.com"] and "Northside Fitness" in message.subject
    assert reverse("account_signup") in message.body


def test_invite_form_errors_are_in_words_and_tied_to_the_field(client, gym, gym_admin, trainer):
    client.force_login(gym_admin)
    url = reverse("employer_invite", args=[gym.slug])
    page = client.post(url, {"email": "not-an-address"}).content.decode()
    assert "Enter an email address such as" in page and 'aria-invalid="true"' in page
    client.post(url, {"email": trainer.email})
    page = client.post(url, {"email": trainer.email}).content.decode()
    assert "already on your roster or invited" in page and Link.objects.count() == 1


def test_a_trainer_cannot_share_someone_elses_certification(
    client, shipped, gym, gym_admin, trainer, other_trainer, today
):
    theirs = certify(other_trainer, "ACE-CPT", start=today)
    certify(trainer, "ACE-CPT", start=today)
    link_and_share(employer=gym, actor=gym_admin, trainer=trainer, certifications=[])
    client.force_login(trainer)
    link = Link.objects.get()
    page = client.post(reverse("sharing_detail", args=[link.pk]), {"certifications": [theirs.pk]}).content.decode()
    assert "Choose among your own certifications" in page
    assert not Consent.objects.exists()


def test_roster_sorts_attention_first_and_filters(client, shipped, gym, gym_admin, downtown, today):
    current = UserFactory(name="Cora Current")
    ended = UserFactory(name="Ed Ended")
    soon = UserFactory(name="Sam Soon")
    c1 = certify(current, "ACE-CPT", start=today - dt.timedelta(days=100))
    ActivityFactory(user=current, kind="approved_course", awarding_org="ACE", course_number="CEP12345",
                    amount="2.0", completed_on=today - dt.timedelta(days=5))  # fmt: skip
    c2 = certify(ended, "ACE-CPT", start=today - dt.timedelta(days=800))  # ended: expired (no grace at ACE)
    c3 = certify(soon, "ACSM-CPT", start=today - dt.timedelta(days=100), cpr=today + dt.timedelta(days=20))
    for user, cert, loc in ((current, c1, downtown), (ended, c2, None), (soon, c3, downtown)):
        link_and_share(employer=gym, actor=gym_admin, trainer=user, certifications=[cert], location=loc)
    client.force_login(gym_admin)
    page = table(roster(client, gym))
    assert page.index("Ed Ended") < page.index("Sam Soon") < page.index("Cora Current")
    assert "CPR/AED expires on" in page and "Expired" in page and "Requirements met" in page
    page = table(roster(client, gym, location=downtown.pk))
    assert "Ed Ended" not in page and "Sam Soon" in page
    page = table(roster(client, gym, status="expired"))
    assert "Ed Ended" in page and "Sam Soon" not in page
    page = roster(client, gym, status="nonsense").content.decode()
    assert "Choose a status from the list." in page


def test_csv_export_is_the_filtered_roster_and_escapes_formulas(client, shipped, gym, gym_admin, today):
    sneaky = UserFactory(name="=HYPERLINK(1)")
    link_and_share(employer=gym, actor=gym_admin, trainer=sneaky,
                   certifications=[certify(sneaky, "ACE-CPT", start=today)])  # fmt: skip
    client.force_login(gym_admin)
    response = client.get(reverse("employer_roster_csv", args=[gym.slug]))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("Trainer,Email,Location,Certification")
    assert "'=HYPERLINK(1)" in body and "ACE-CPT" in body and "In progress" in body


def test_a_reminder_reaches_the_trainer_once_a_day(client, shipped, gym, gym_manager, trainer, today):
    cert = certify(trainer, "ACE-CPT", start=today - dt.timedelta(days=700))
    link_and_share(employer=gym, actor=gym_manager, trainer=trainer, certifications=[cert])
    consent = Consent.objects.get()
    client.force_login(gym_manager)
    url = reverse("employer_remind", args=[gym.slug, consent.pk])
    assert "ends in 30 days; 2.0 CECs to go" in client.get(url).content.decode()
    client.post(url, {"note": "See you Monday"})
    client.post(url, {"note": "again"})
    [note] = Notification.objects.filter(user=trainer, kind="employer_message")
    assert note.title == "Northside Fitness: Your ACE-CPT ends in 30 days; 2.0 CECs to go."
    assert note.context["note"] == "See you Monday"
    assert ActionLog.objects.filter(action="employer.trainer_reminded", organization=gym).count() == 1


def test_roster_pages_hold_50_and_the_query_count_does_not_grow(client, shipped, gym, gym_admin, today):
    def add(n):
        for i in range(n):
            user = UserFactory(name=f"Trainer {i:04d}")
            cert = certify(user, "ACE-CPT" if i % 2 else "ACSM-CPT", start=today - dt.timedelta(days=i % 700))
            ActivityFactory(user=user, kind="cpr", amount=None, hours="1", completed_on=today - dt.timedelta(days=3))
            link = Link.objects.create(organization=gym, email=user.email, user=user)
            Consent.objects.create(link=link, certification=cert, granted_at=timezone.now())

    client.force_login(gym_admin)
    add(50)
    with CaptureQueriesContext(connection) as small:
        page = roster(client, gym).content.decode()
    add(450)
    with CaptureQueriesContext(connection) as large:
        page = roster(client, gym, page=10).content.decode()
    assert page.count('<tr class="attention">') + page.count("<tr>\n      <td><a") == 50
    assert "Page 10 of 10" in page
    assert len(large) == len(small) <= 20, [q["sql"] for q in large.captured_queries]
