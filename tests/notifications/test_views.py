"""In-app list, unread badge, mark read, preferences page, signed one-click unsubscribe."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from accounts.notifications.services import KINDS, notify, unsubscribe_token

pytestmark = pytest.mark.django_db


def note(user, key="petition:1", kind="petition_decided"):
    pk = notify(user=user, kind=kind, key=key, context={"organization": "ACE", "status": "approved"})
    return Notification.objects.get(pk=pk)


def test_the_list_shows_my_notifications_and_the_unread_count(client, trainer, other_trainer):
    note(trainer, "petition:1")
    note(trainer, "petition:2")
    note(other_trainer, "petition:3")
    client.force_login(trainer)
    response = client.get(reverse("notification_list"))
    assert response.status_code == 200
    assert [n.key for n in response.context["page"]] == ["petition:2", "petition:1"]
    assert response.context["unread"] == 2
    assert b'<span class="badge badge-pending">2</span>' in response.content  # the nav badge


def test_the_nav_badge_costs_one_query(client, trainer, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from accounts.context_processors import navigation

    note(trainer)
    request = RequestFactory().get("/")
    request.user = trainer
    context = navigation(request)
    with django_assert_num_queries(1):
        assert Template("{{ n }}").render(Context({"n": context["nav_unread_notifications"]})) == "1"


def test_mark_read_and_open_goes_to_the_notification_page(client, trainer):
    n = note(trainer)
    client.force_login(trainer)
    response = client.post(reverse("notification_read", args=[n.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == reverse("petition_list")
    n.refresh_from_db()
    assert n.read_at is not None
    assert client.get(reverse("notification_list")).context["unread"] == 0


def test_mark_all_read(client, trainer, other_trainer):
    note(trainer, "petition:1")
    note(trainer, "petition:2")
    theirs = note(other_trainer, "petition:3")
    client.force_login(trainer)
    assert client.post(reverse("notification_read_all")).status_code == 302
    assert not Notification.objects.filter(user=trainer, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_persons_notification_is_a_404(client, trainer, other_trainer):
    theirs = note(other_trainer)
    client.force_login(trainer)
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_post(client, trainer):
    n = note(trainer)
    client.force_login(trainer)
    assert client.get(reverse("notification_read", args=[n.pk])).status_code == 405


@pytest.mark.parametrize("name", ["notification_list", "notification_preferences", "notification_read_all"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_the_preferences_page_lists_every_kind_and_saves_choices(client, trainer):
    client.force_login(trainer)
    page = client.get(reverse("notification_preferences"))
    for label in KINDS.values():
        assert label in page.content.decode()
    data = {f"{kind}__{channel}": "on" for kind in KINDS for channel in ("email", "in_app")}
    del data["cycle_ending__email"]
    del data["petition_decided__in_app"]
    assert client.post(reverse("notification_preferences"), data).status_code == 302
    trainer.refresh_from_db()
    assert trainer.notification_preferences["cycle_ending"] == {"email": False, "in_app": True}
    assert trainer.notification_preferences["petition_decided"] == {"email": True, "in_app": False}
    assert 'name="cycle_ending__email" id="id_cycle_ending__email"' in client.get(
        reverse("notification_preferences")
    ).content.decode().replace(" checked", "")


def test_a_hidden_kind_stays_out_of_the_in_app_list(client, trainer):
    trainer.notification_preferences = {"petition_decided": {"in_app": False}}
    trainer.save()
    note(trainer)
    client.force_login(trainer)
    response = client.get(reverse("notification_list"))
    assert list(response.context["page"].object_list) == [] and response.context["unread"] == 0


def test_the_email_link_unsubscribes_from_that_kind_without_login(trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note(trainer)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = urlsplit(link).path
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)
    assert page.status_code == 200 and b"Petition decided" in page.content
    trainer.refresh_from_db()
    assert trainer.notification_preferences == {}  # a GET (link scanners) changes nothing
    # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click", without any cookie or CSRF token.
    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b"Unsubscribed" in done.content
    trainer.refresh_from_db()
    assert trainer.notification_preferences["petition_decided"] == {"email": False, "in_app": True}
    assert trainer.notification_preferences["cycle_ending"] == {"email": True, "in_app": True}


def test_a_tampered_unsubscribe_token_is_a_404(client, trainer, other_trainer):
    token = unsubscribe_token(user=trainer, kind="petition_decided")
    value, signature = token.rsplit(":", 1)
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        unsubscribe_token(user=trainer, kind="petition_decided").replace(value, value[::-1]),
        f"{value}:{signature[::-1]}",
        "nonsense",
    ]
    # A token signed with another purpose (salt) is refused too.
    from django.core import signing

    forged.append(signing.dumps({"u": other_trainer.pk, "k": "petition_decided"}))
    for bad in forged:
        assert client.post(reverse("notification_unsubscribe", args=[bad])).status_code == 404, bad
    for person in (trainer, other_trainer):
        person.refresh_from_db()
        assert person.notification_preferences == {}


def test_an_unsubscribe_token_names_one_person_and_one_kind(client, trainer, other_trainer):
    client.post(reverse("notification_unsubscribe", args=[unsubscribe_token(user=trainer, kind="lapsed")]))
    trainer.refresh_from_db()
    other_trainer.refresh_from_db()
    assert trainer.notification_preferences["lapsed"]["email"] is False
    assert other_trainer.notification_preferences == {}
