"""Reads of the provider portal: always through the provider, so another provider's rows are never seen."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django_scopes import scopes_disabled

from accounts.models import ActionLog, Provider, ProviderApiKey, User
from credits.providers.models import ProviderCompletion, RosterUpload
from credits.providers.services import certification_holders

STATUSES = ("matched", "pending", "voided")


def provider_completions(*, provider: Provider, status: str = "", course_number: str = "") -> QuerySet:
    """The provider's reported completions, newest first, optionally by status and course."""
    rows = ProviderCompletion.objects.filter(provider=provider).select_related("course").order_by("-id")
    if status == "voided":
        rows = rows.filter(voided_at__isnull=False)
    elif status in ("matched", "pending"):
        rows = rows.filter(voided_at__isnull=True, user__isnull=status == "pending")
    if course_number:
        rows = rows.filter(course__course_number=course_number)
    return rows


def completion_status(completion: ProviderCompletion) -> str:
    if completion.voided_at is not None:
        return "voided"
    return "pending" if completion.user_id is None else "matched"


def provider_action_log(*, provider: Provider) -> QuerySet:
    """What was done for this provider: by its staff in the portal, by its API keys, and by the organization's
    admins to its keys. The per-person entries of a report stay in the people's own history."""
    key_type = ContentType.objects.get_for_model(ProviderApiKey)
    provider_type = ContentType.objects.get_for_model(Provider)
    upload_type = ContentType.objects.get_for_model(RosterUpload)
    with scopes_disabled():
        key_ids = [str(pk) for pk in ProviderApiKey.objects.filter(provider=provider).values_list("pk", flat=True)]
        upload_ids = [str(pk) for pk in RosterUpload.objects.filter(provider=provider).values_list("pk", flat=True)]
    mine = (
        Q(data__provider=provider.name)
        | Q(content_type=provider_type, object_id=str(provider.pk))
        | Q(content_type=key_type, object_id__in=key_ids)
        | Q(content_type=upload_type, object_id__in=upload_ids)
    )
    return (
        ActionLog.objects.filter(organization=provider.organization)
        .filter(mine)
        .exclude(action="provider.completion_reported")
        .select_related("actor")
    )


def holder_names(*, provider: Provider, numbers: list[str]) -> dict[str, str | None]:
    """For each certification number of the provider's organization: the holder's first name and last initial
    ("Tess T."), or None when nobody (or more than one person) holds it. Nothing more about anyone."""
    holders = certification_holders(organization=provider.organization, numbers={n.upper() for n in numbers})
    names = dict(User.objects.filter(pk__in={u for u in holders.values() if u}).values_list("pk", "name"))
    return {n: _short_name(names.get(holders.get(n.upper()) or 0)) for n in numbers}


def _short_name(name: str | None) -> str | None:
    if name is None:
        return None
    words = name.split()
    if not words:
        return "the holder (no name on file)"
    return words[0] if len(words) == 1 else f"{words[0]} {words[-1][0]}."


def upload_receipts(*, upload: RosterUpload) -> list[dict[str, Any]]:
    """The upload's receipts with each completion's status today (matched, pending or voided)."""
    ids = [r["completion_id"] for r in upload.receipts if r.get("completion_id")]
    now = {c.pk: completion_status(c) for c in ProviderCompletion.objects.filter(provider=upload.provider, pk__in=ids)}
    return [{**r, "now": now.get(r.get("completion_id"), "")} for r in upload.receipts]
