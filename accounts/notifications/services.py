"""The one entry point for telling a person something (in-app list and email).

Callers say what happened; delivery (ledger, preferences, templates, email) is decided here.

Exactly once: `notify` inserts a ledger row under a unique key (user, kind, key, due date) in the
caller's transaction (a duplicate is a no-op) and, only when the row is new, enqueues the email on
commit. The send task locks the row and sends only while `email_status` is pending, so a task
delivered twice sends once. A row whose task was lost (worker killed between commit and publish)
is picked up again by `notifications_pending_enqueue`, which the daily sweep calls."""

import json
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cectracker.lookups import AnyOf

# Kinds of notification, with the label shown in preferences.
KINDS: dict[str, str] = {
    "cycle_ending": "Cycle ending with requirements not met",
    "grace_started": "Grace period started",
    "grace_ending": "Grace period ending",
    "lapsed": "Certification lapsed",
    "cpr_expiring": "CPR/AED expires before the cycle ends",
    "audit_selected": "Selected for audit",
    "audit_due": "Audit documents due soon",
    "audit_overdue": "Audit documents overdue",
    "petition_decided": "Petition decided",
    "completion_added": "A provider reported a completion",
    "staff_digest": "Daily digest for organization staff",
    "employer_invite": "An employer asks you to share certifications",
    "employer_message": "Messages from employers you share certifications with",
    "employer_digest": "Weekly roster digest for employer admins",
}
CHANNELS = ("email", "in_app")
UNSUBSCRIBE_SALT = "accounts.notifications.unsubscribe"
# Where a notification links when the caller gives no `url` in the context (first name that resolves).
DEFAULT_URL_NAMES: dict[str, tuple[str, ...]] = {
    "petition_decided": ("petition_list",),
    "completion_added": ("activity_list",),
}


@dataclass(frozen=True)
class Request:
    """One notification to decide: who, what kind, about what (`key`), due when, and the template context."""

    user: Any
    kind: str
    key: str
    context: dict[str, Any] = field(default_factory=dict)
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """What deciding a notification reads of a person: batch callers load these values instead of users."""

    pk: int
    email: str
    is_active: bool
    notification_preferences: dict | None


def notify(
    *, user, kind: str, key: str, context: dict[str, Any] | None = None, due_on: date | None = None
) -> int | None:
    """Tell `user` about `kind` once per (user, kind, key, due_on); `context` fills the templates.

    Returns the new ledger id, or None when this notification was already recorded."""
    created = notify_many(requests=[Request(user=user, kind=kind, key=key, context=context or {}, due_on=due_on)])
    return created[0] if created else None


def notify_many(*, requests: Iterable[Request]) -> list[int]:
    """Record many notifications in one INSERT (duplicates skipped); emails are enqueued on commit."""
    rows, now, titles = [], timezone.now(), _Titles()
    for req in requests:
        if req.kind not in KINDS:
            raise ValueError(f"unknown notification kind {req.kind!r}")
        prefs = _channels(user=req.user, kind=req.kind)
        context = dict(req.context)
        url = context.get("url") or default_url(kind=req.kind)
        context["url"] = url
        title = titles.render(kind=req.kind, context=context)
        wants_email = prefs["email"] and req.user.is_active and bool(req.user.email)
        rows.append(
            (
                req.user.pk,
                req.kind,
                req.key[:200],
                connection.ops.adapt_datefield_value(req.due_on),
                title,
                url[:300],
                json.dumps(context, cls=DjangoJSONEncoder),
                prefs["in_app"],
                "pending" if wants_email else "skipped",
            )
        )
    if not rows:
        return []
    inserted = _insert_new(rows=rows, now=now)
    to_send = [pk for pk, status in inserted if status == "pending"]
    if to_send:
        transaction.on_commit(lambda: _enqueue(to_send))
    return [pk for pk, _ in inserted]


class _Titles:
    """Subject lines. A subject reads a few context values (credential, days left...), so thousands of
    reminders share far fewer subjects: each is rendered once, keyed by its template and the values of
    every name the template mentions (plain str/int/bool/None, Decimal and date; anything else is rendered)."""

    _PLAIN = (str, int, bool, type(None), Decimal, date)
    _rendered: dict[tuple, str] = {}  # shared by every call, emptied when it grows past _LIMIT
    _LIMIT = 20_000

    def __init__(self) -> None:
        self.templates: dict[str, tuple[Any, tuple[str, ...]]] = {}

    def render(self, *, kind: str, context: dict[str, Any]) -> str:
        if kind not in self.templates:
            template = get_template(f"accounts/notifications/email/{kind}.subject.txt")
            self.templates[kind] = (template, _names_in(template))
        template, names = self.templates[kind]
        values = tuple(context.get(name, _ABSENT) for name in names)
        if not all(type(value) in self._PLAIN or value is _ABSENT for value in values):
            return _title(template, context)
        # The engine's template is part of the key: a reloaded template (development) renders afresh. Not the
        # backend wrapper `get_template` returns, which is new on every call: keyed on it, every batch of the
        # sweep (one `_Titles` each) missed the cache. A Decimal by its text: 1.0 == 1.00, but they read differently.
        key = (
            template.template,
            kind,
            tuple((type(value), str(value) if type(value) is Decimal else value) for value in values),
        )
        title = self._rendered.get(key)
        if title is None:
            if len(self._rendered) >= self._LIMIT:
                self._rendered.clear()
            title = self._rendered[key] = _title(template, context)
        return title


_ABSENT = object()


def _title(template, context: dict[str, Any]) -> str:
    return " ".join(template.render(context).strip().split())[:300]


def _names_in(template) -> tuple[str, ...]:
    """Every identifier inside the template's tags and variables (a superset of the context names it reads)."""
    import re

    from django.template.base import Lexer, TokenType

    names: set[str] = set()
    for token in Lexer(template.template.source).tokenize():
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", token.contents))
    return tuple(sorted(names))


def _channels(*, user, kind: str) -> dict[str, bool]:
    """`preferences(user=user)[kind]`, without building every other kind's."""
    value = (user.notification_preferences or {}).get(kind, True)
    if isinstance(value, dict):
        return {channel: bool(value.get(channel, True)) for channel in CHANNELS}
    return {channel: bool(value) for channel in CHANNELS}


def _insert_new(*, rows: list[tuple], now) -> list[tuple[int, str]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: claims each row under the unique key, in one statement.

    On PostgreSQL the rows go as one array per column (UNNEST, as Django's bulk_create does): a VALUES list of
    700 rows is 8,400 placeholders for the server to parse and plan (24 ms a batch of the sweep, was 29 ms)."""
    from accounts.notifications.models import Notification

    ops = connection.ops
    table = Notification._meta.db_table
    names = ("user_id", "kind", "key", "due_on", "title", "url", "context", "in_app", "email_status")
    # Table and column names are ours; every value is a parameter.
    head = f"INSERT INTO {table} ({', '.join(names)}, attempts, last_error, created_at)"  # noqa: S608
    tail = "ON CONFLICT DO NOTHING RETURNING id, email_status"
    created_at = ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":
        types = [Notification._meta.get_field(name).db_type(connection).split("(")[0] for name in names]
        arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
        sql = f"{head} SELECT *, 0, '', %s FROM UNNEST({arrays}) {tail}"  # noqa: S608
        params = [created_at, *(list(column) for column in zip(*rows, strict=True))]
    else:
        row = "(" + ", ".join(["%s"] * (len(names) + 3)) + ")"  # the names, then attempts, last_error, created_at
        sql = f"{head} VALUES {', '.join([row] * len(rows))} {tail}"
        params = [value for row in rows for value in (*row, 0, "", created_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def notifications_recorded(*, user_ids: Iterable[int], keys: Iterable[str]) -> set[tuple[int, str, str, date | None]]:
    """(user id, kind, key, due date) of every ledger row about one of `keys` for one of these people (one query)."""
    from accounts.notifications.models import Notification

    user_ids, keys = list(user_ids), list(keys)
    if not user_ids or not keys:
        return set()
    return set(
        Notification.objects.filter(AnyOf(F("user_id"), user_ids), AnyOf(F("key"), keys))
        .order_by()  # a set: no sort
        .values_list("user_id", "kind", "key", "due_on")
    )


SEND_BATCH = 200


def _enqueue(ids: list[int]) -> None:
    """Publish the sends: one task per notification alone, one task per `SEND_BATCH` ids otherwise, so a sweep
    deciding 100,000 reminders publishes hundreds of messages, not 100,000 (each publish is a broker round trip)."""
    if len(ids) == 1:
        notification_send_task.delay(notification_id=ids[0])
        return
    for start in range(0, len(ids), SEND_BATCH):
        notifications_send_task.delay(notification_ids=ids[start : start + SEND_BATCH])


def notifications_send(*, notification_ids: list[int]) -> int:
    """Email each of these ledger rows still pending; returns how many this call sent.

    Exactly once holds as for one: each send locks its row and sends only while it is pending, so a batch
    redelivered after a worker died skips what it had sent. A row whose SMTP send fails is handed to its own
    `notification_send_task`, which retries it with backoff, and the rest of the batch goes on."""
    sent = 0
    for pk in notification_ids:
        try:
            sent += notification_send(notification_id=pk)
        except SEND_ERRORS:
            notification_send_task.apply_async(
                kwargs={"notification_id": pk}, countdown=notification_send_task.retry_backoff
            )
    return sent


def notifications_pending_enqueue(*, created_before, batch_size: int = 1000) -> int:
    """Enqueue again every email still pending from before `created_before` (its task may have been lost).

    Safe to overlap with a task still queued: the send locks the row and sends only once."""
    from accounts.notifications.models import Notification

    ids = list(
        Notification.objects.filter(email_status=Notification.PENDING, created_at__lt=created_before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        _enqueue(ids[start : start + batch_size])
    return len(ids)


def default_url(*, kind: str) -> str:
    """The page a notification links to when its caller gives none (the dashboard as the fallback)."""
    for name in DEFAULT_URL_NAMES.get(kind, ()):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("dashboard")


def preferences(*, user) -> dict[str, dict[str, bool]]:
    """Per kind, whether to email and to show in-app. Stored as {"kind": {"email": false}};
    a plain `false` switches both channels off; absent kinds are on."""
    raw = user.notification_preferences or {}
    out = {}
    for kind in KINDS:
        value = raw.get(kind, True)
        if isinstance(value, dict):
            out[kind] = {channel: bool(value.get(channel, True)) for channel in CHANNELS}
        else:
            out[kind] = {channel: bool(value) for channel in CHANNELS}
    return out


def preferences_set(*, user, values: dict[str, dict[str, bool]]) -> None:
    """Store the person's choices for every kind (kinds not given stay as they were)."""
    current = preferences(user=user)
    for kind, channels in values.items():
        if kind in KINDS:
            current[kind] = {channel: bool(channels.get(channel, current[kind][channel])) for channel in CHANNELS}
    user.notification_preferences = current
    user.save(update_fields=["notification_preferences"])


def unsubscribe_token(*, user, kind: str) -> str:
    """A signed, non-expiring token that switches off email of one kind for one person (no login)."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=False)


def unsubscribe_parse(*, token: str) -> tuple[int, str] | None:
    """The (user id, kind) of a valid token; None when it was tampered with or names no kind."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["k"]


def absolute(path: str) -> str:
    """An absolute link for emails: our paths get the site's address; full URLs stay as given."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.CECT_SITE_URL.rstrip("/") + path


def notification_email(*, notification) -> EmailMultiAlternatives:
    """The email for a ledger row: plain text and HTML from the kind's templates, with one-click unsubscribe."""
    token = unsubscribe_token(user=notification.user, kind=notification.kind)
    unsubscribe_url = absolute(reverse("notification_unsubscribe", args=[token]))
    context = {
        **notification.context,
        "user": notification.user,
        "title": notification.title,
        "kind_label": KINDS[notification.kind],
        "link": absolute(notification.url or reverse("dashboard")),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute(reverse("notification_preferences")),
        "site_url": settings.CECT_SITE_URL.rstrip("/"),
    }
    text = render_to_string(f"accounts/notifications/email/{notification.kind}.txt", context)
    html = render_to_string(f"accounts/notifications/email/{notification.kind}.html", context)
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=text,
        to=[notification.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same id on a resend lets mail systems drop a duplicate (the SMTP boundary is at-least-once).
            "Message-ID": f"<notification-{notification.pk}@{settings.CECT_MESSAGE_ID_DOMAIN}>",
            "X-CECT-Notification": str(notification.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


SEND_ERRORS = (smtplib.SMTPException, OSError)


def notification_send(*, notification_id: int) -> bool:
    """Email one ledger row if it is still pending; True when this call sent it.

    The row stays locked while sending, so a concurrent duplicate waits and then finds it sent.
    An SMTP failure is recorded (attempts, last_error) and raised for the task to retry."""
    from accounts.notifications.models import Notification

    error = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_status != Notification.PENDING:
            return False
        if not preferences(user=notification.user)[notification.kind]["email"]:
            notification.email_status = Notification.SKIPPED  # unsubscribed since it was decided
            notification.save(update_fields=["email_status"])
            return False
        notification.attempts += 1
        try:
            notification_email(notification=notification).send()
        except SEND_ERRORS as exc:
            error = exc
            notification.last_error = f"{type(exc).__name__}: {exc}"[:300]
            notification.save(update_fields=["attempts", "last_error"])
        else:
            notification.email_status, notification.sent_at = Notification.SENT, timezone.now()
            notification.save(update_fields=["attempts", "email_status", "sent_at"])
    if error is not None:
        raise error
    return True


def notifications_for(*, user):
    """The person's in-app notifications, newest first."""
    from accounts.notifications.models import Notification

    return Notification.objects.filter(user=user, in_app=True)


def unread_count(*, user) -> int:
    """How many in-app notifications the person has not read (one indexed COUNT)."""
    return notifications_for(user=user).filter(read_at__isnull=True).count()


def notification_mark_read(*, user, notification_id: int) -> None:
    """Mark one of the person's notifications read; another person's raises DoesNotExist (a 404)."""
    from accounts.notifications.models import Notification

    mine = notifications_for(user=user).filter(pk=notification_id)
    if not mine.filter(read_at__isnull=True).update(read_at=timezone.now()) and not mine.exists():
        raise Notification.DoesNotExist


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the person read."""
    return notifications_for(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())


# Celery tasks: thin, take ids, call the service above. Each keeps the name it was first
# published under, because beat rows and queued messages carry it.
@shared_task(
    name="accounts.tasks.send_email_task",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=settings.CECT_TASK_RETRY_DELAY_MAX,
    max_retries=8,
)
def send_email_task(self, *, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Send one email; SMTP failures are retried with backoff."""
    msg = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        msg.attach_alternative(html, "text/html")
    msg.send()


@shared_task(
    name="accounts.tasks.notification_send_task",
    bind=True,
    acks_late=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,  # 30 s, 60 s, 120 s, ... capped at half the Redis visibility timeout
    retry_backoff_max=settings.CECT_TASK_RETRY_DELAY_MAX,
    retry_jitter=True,
    max_retries=8,
)
def notification_send_task(self, *, notification_id: int) -> bool:
    """Email one notification from the ledger; a no-op if it was already sent."""
    return notification_send(notification_id=notification_id)


@shared_task(name="accounts.tasks.notifications_send_task", acks_late=True, reject_on_worker_lost=True)
def notifications_send_task(*, notification_ids: list[int]) -> int:
    """Email a batch of notifications from the ledger (see `notifications_send`); safe to redeliver."""
    return notifications_send(notification_ids=notification_ids)
