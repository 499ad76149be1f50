"""Linking by the trainer's share link: the employer pastes it, the holder consents, only then is it shared."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import ActionLog
from accounts.notifications.models import Notification
from certifications.proof.services import share_link_create, share_link_revoke
from employers.models import Consent, Link
from tests.employers.conftest import certify

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_link(shipped, trainer, today):
    certification = certify(trainer, "ACSM-CPT", start=today - dt.timedelta(days=30))
    certify(trainer, "ACE-CPT", start=today - dt.timedelta(days=30))
    share, token = share_link_create(actor=trainer, certification=certification)
    return certification, share, token


def test_paste_the_link_then_the_trainer_consents(client, gym, gym_manager, trainer, shared_link):
    certification, _, token = shared_link
    client.force_login(gym_manager)
    url = reverse("employer_invite", args=[gym.slug])
    pasted = f"https://cect.example/verify/{token}"
    assert client.post(url, {"action": "share_link", "share_link": pasted}).status_code == 302
    link = Link.objects.get()
    assert link.user == trainer and link.answered_at is None and link.share_certification == certification
    assert not Consent.objects.exists()  # nothing shared yet
    roster = client.get(reverse("employer_roster", args=[gym.slug])).content.decode()
    assert "Tess Trainer" in roster and "asked through their share link" in roster
    assert trainer.email not in roster  # the share page never showed the address
    assert Notification.objects.filter(user=trainer, kind="employer_invite").count() == 1
    assert ActionLog.objects.filter(organization=gym, action="employer.trainer_linked_by_share").count() == 1

    client.force_login(trainer)
    assert "with the share link of your ACSM-CPT" in client.get(reverse("sharing")).content.decode()
    page = client.get(reverse("sharing_detail", args=[link.pk])).content.decode()
    assert re.search(rf'value="{certification.pk}"[^>]*checked', page)  # offered first
    assert len(re.findall(r"<input[^>]*checked", page)) == 1  # and only that one
    client.post(reverse("sharing_detail", args=[link.pk]), {"certifications": [certification.pk], "action": "share"})
    client.force_login(gym_manager)
    roster = client.get(reverse("employer_roster", args=[gym.slug])).content.decode()
    assert "ACSM-CPT" in roster[roster.index('<table id="roster">') :] and "In progress" in roster


def test_a_revoked_or_made_up_link_is_refused_in_words(client, gym, gym_manager, trainer, shared_link):
    _, share, token = shared_link
    share_link_revoke(actor=trainer, link=share)
    client.force_login(gym_manager)
    url = reverse("employer_invite", args=[gym.slug])
    for pasted in (token, "https://cect.example/verify/nothing-here", "x" * 300):
        page = client.post(url, {"action": "share_link", "share_link": pasted}).content.decode()
        assert "opens no certification" in page or "at most 300" in page
        assert 'aria-invalid="true"' in page
    assert not Link.objects.exists()


def test_a_certification_already_shared_is_not_linked_twice(client, gym, gym_manager, trainer, shared_link):
    from employers.services import sharing_set, trainer_link_by_share

    certification, _, token = shared_link
    link = trainer_link_by_share(actor=gym_manager, organization=gym, share_link=token)
    sharing_set(user=trainer, link=link, certification_ids={certification.pk})
    client.force_login(gym_manager)
    page = client.post(reverse("employer_invite", args=[gym.slug]), {"action": "share_link", "share_link": token})
    assert "already shares this ACSM-CPT" in page.content.decode()
    assert Link.objects.count() == 1
