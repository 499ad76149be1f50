"""Reads for employers: the roster of shared certifications, evaluated live by the one engine.

The roster is built from the trainers' consents only: a certification the trainer did not share, or
withdrew, contributes nothing but a "withdrawn" line, and no activity, evidence, petition or audit of
the trainer is ever read into it beyond the engine's totals."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization, User
from certifications.explain import STATUS_LABELS
from certifications.forecast import amount_text
from certifications.rules.engine import EXPIRED, GRACE, IN_PROGRESS, INACTIVE, LAPSED, REQUIREMENTS_MET
from certifications.selectors import certifications_of
from certifications.statements.selectors import statements_progress
from employers.models import Consent, Link

WITHDRAWN = "withdrawn"
# What the digest and the roster's attention flags look ahead to.
HORIZON_DAYS = 60
STATUS_FILTERS = {
    **{code: label for code, (label, _) in STATUS_LABELS.items()},
    WITHDRAWN: "Withdrawn by the trainer",
}


@dataclass(frozen=True)
class RosterRow:
    """One shared certification of one trainer, as the employer may see it."""

    consent_id: int
    link_id: int
    trainer: str
    email: str
    location: str
    location_id: int | None
    credential: str
    organization: str
    number: str
    status: str  # an engine status (RULES §3) or "withdrawn"
    cycle_end: date | None = None
    grace_until: date | None = None
    days_left: int | None = None
    cpr_aed_valid_until: date | None = None
    required: Decimal | None = None
    earned: Decimal | None = None
    remaining: Decimal | None = None
    unit: str = ""
    missing: tuple[str, ...] = ()
    attention: int = 9
    withdrawn_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return STATUS_FILTERS.get(self.status, self.status)

    @property
    def needs_attention(self) -> bool:
        return self.attention <= 2


def _cpr_problem(*, valid_until: date | None, as_of: date, cpr_aed_ok: bool, cycle_end: date) -> str:
    """The CPR/AED line of "what is missing" (employers' insurers ask for it whatever the organization)."""
    if valid_until is None:
        return "No CPR/AED expiry date on file"
    if valid_until < as_of:
        return f"CPR/AED expired on {valid_until:%Y-%m-%d}"
    if valid_until <= as_of + timedelta(days=HORIZON_DAYS):
        return f"CPR/AED expires on {valid_until:%Y-%m-%d}"
    if not cpr_aed_ok:
        return f"CPR/AED expires on {valid_until:%Y-%m-%d}, before the cycle ends ({cycle_end:%Y-%m-%d})"
    return ""


def _row(*, consent: Consent, progress, as_of: date) -> RosterRow:
    link, certification = consent.link, consent.certification
    common = {
        "consent_id": consent.pk,
        "link_id": link.pk,
        "trainer": link.user.name or link.user.email,
        "email": link.user.email,
        "location": link.location.name if link.location else "",
        "location_id": link.location_id,
        "credential": certification.display_code,
        "organization": certification.credential.organization.short_name,
        "number": certification.number,
    }
    if consent.withdrawn_at is not None or progress is None:
        return RosterRow(**common, status=WITHDRAWN, attention=8, withdrawn_at=consent.withdrawn_at)
    result = progress.result
    cycle = result.cycle
    days_left = (cycle.end - as_of).days + 1
    status = result.status
    missing = []
    if result.remaining and status in (IN_PROGRESS, GRACE):
        missing.append(f"{amount_text(result.remaining)} {result.unit}s to go")
    if status == REQUIREMENTS_MET and days_left <= HORIZON_DAYS:
        missing.append("Renewal not submitted yet")
    if status == GRACE:
        missing.append(f"Not to be presented as certified until renewed (grace ends {cycle.grace_until:%Y-%m-%d})")
    elif status in (EXPIRED, LAPSED):
        org = certification.credential.organization.short_name
        missing.append(f"Not renewed: only {org} can reinstate it")
    elif status == INACTIVE:
        missing.append("Inactive: the organization's audit was failed or not answered")
    cpr = _cpr_problem(
        valid_until=certification.cpr_aed_valid_until, as_of=as_of, cpr_aed_ok=result.cpr_aed_ok, cycle_end=cycle.end
    )
    if cpr:
        missing.append(cpr)
    if status in (LAPSED, EXPIRED, INACTIVE):
        attention = 0
    elif status == GRACE:
        attention = 1
    elif cpr or (status in (IN_PROGRESS, REQUIREMENTS_MET) and days_left <= HORIZON_DAYS):
        attention = 2
    elif status == IN_PROGRESS:
        attention = 3
    else:
        attention = 4
    return RosterRow(
        **common,
        status=status,
        cycle_end=cycle.end,
        grace_until=cycle.grace_until,
        days_left=days_left,
        cpr_aed_valid_until=certification.cpr_aed_valid_until,
        required=result.required,
        earned=result.earned,
        remaining=result.remaining,
        unit=result.unit,
        missing=tuple(missing),
        attention=attention,
    )


def roster_rows(
    *,
    organization: Organization,
    as_of: date | None = None,
    location_id: int | None = None,
    status: str | None = None,
) -> list[RosterRow]:
    """Every certification the employer's trainers share (or withdrew), what needs attention first; a fixed
    number of queries whatever the roster's size (one for the consents, then the stored statements: no
    history is evaluated again)."""
    as_of = as_of or timezone.localdate()
    consents = (
        Consent.objects.filter(link__organization=organization, link__user__isnull=False)
        .select_related("link__user", "link__location", "certification__credential__organization")
        .order_by("pk")
    )
    if location_id is not None:
        consents = consents.filter(link__location_id=location_id)
    consents = list(consents)
    shared = [c.certification for c in consents if c.withdrawn_at is None]
    progress = {p.certification.pk: p for p in statements_progress(certifications=shared, as_of=as_of)}
    rows = [
        _row(consent=c, progress=progress.get(c.certification_id) if c.withdrawn_at is None else None, as_of=as_of)
        for c in consents
    ]
    if status:
        rows = [r for r in rows if r.status == status]
    far = 10**6
    rows.sort(key=lambda r: (r.attention, r.days_left if r.days_left is not None else far, r.trainer.casefold()))
    return rows


def links_waiting(*, organization: Organization):
    """Invitations the trainer has not answered (or declined), newest first."""
    return (
        Link.objects.filter(organization=organization)
        .filter(Q(user__isnull=True) | Q(consents__isnull=True))
        .select_related("location", "user")
        .distinct()
        .order_by("-created_at")
    )


def employer_link(*, organization: Organization, pk: int) -> Link:
    """One of the employer's links; another employer's (or none) is a 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Link.objects.select_related("user", "location"), organization=organization, pk=pk)


# --- The trainer's side: who follows which of my certifications. ---


def verified_emails(*, user: User) -> list[str]:
    """The person's verified addresses (lower case): an invitation to one of them is theirs to answer."""
    emails = {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}
    return sorted(emails)


def links_of(*, user: User) -> list[Link]:
    """The employers that follow the person or invited one of their verified addresses, with consents."""
    with scopes_disabled():
        return list(
            Link.objects.filter(
                Q(user=user) | Q(user__isnull=True, declined_at__isnull=True, email__in=verified_emails(user=user))
            )
            .select_related("organization", "location", "share_certification__credential")
            .prefetch_related("consents__certification__credential")
            .order_by("organization__name")
        )


def link_for_user(*, user: User, pk: int) -> Link:
    """One link the person may answer or change; anyone else's is a 404."""
    from django.http import Http404

    for link in links_of(user=user):
        if link.pk == pk:
            return link
    raise Http404("No such employer link.")


def sharing_choices(*, user: User, link: Link) -> list[tuple[object, bool]]:
    """Each of the person's certifications and whether this employer may currently see it."""
    shared = {c.certification_id for c in link.consents.all() if c.withdrawn_at is None}
    return [(c, c.pk in shared) for c in certifications_of(user=user)]
