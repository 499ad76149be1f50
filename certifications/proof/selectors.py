"""Reads for proof of certification: the link behind a token, a holder's links, the public status."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django_scopes import scopes_disabled

from certifications.exports.models import feed_token_hash
from certifications.models import Certification, Cycle
from certifications.proof.models import ShareLink
from certifications.rules.engine import Cycle as CycleDates
from certifications.rules.engine import cycle_status
from certifications.selectors import params_in_force

# A token as share_link_create writes it (43 URL-safe characters); anything else can't be one.
TOKEN_MAX_LENGTH = 100


def share_link_for_token(*, token: str) -> ShareLink | None:
    """The active share link a token opens (with certification, credential, organization and holder), or None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    with scopes_disabled():
        return (
            ShareLink.objects.filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
            .select_related("certification__credential__organization", "certification__user")
            .first()
        )


def share_link_of_user(*, user, pk: int) -> ShareLink:
    """One of the person's own share links (any of their certifications); anyone else's is a 404."""
    from django.shortcuts import get_object_or_404

    with scopes_disabled():
        return get_object_or_404(ShareLink.objects.select_related("certification"), certification__user=user, pk=pk)


def credential_cycles(*, certification: Certification, as_of: date) -> list[Cycle]:
    """The cycles a credential can be issued for: not over yet, oldest first. After an early renewal that is the
    renewed cycle (in effect today) and the next one (valid from its start)."""
    with scopes_disabled():
        return list(Cycle.objects.filter(certification=certification, end__gte=as_of).order_by("start"))


def share_links_of(*, certification: Certification) -> list[ShareLink]:
    """The certification's share links, newest first, revoked ones included (the holder sees their history)."""
    with scopes_disabled():
        return list(ShareLink.objects.filter(certification=certification))


# The public standing of a certification, from the engine's status of its latest cycle (RULES §3). A cycle in
# progress is a current certification: credits still to earn do not make the holder uncertified. A renewed
# cycle is followed by the next one, so the latest cycle is the one that decides.
CURRENT, GRACE, EXPIRED, LAPSED, INACTIVE, EMERITUS, NO_CYCLE = (
    "current",
    "grace",
    "expired",
    "lapsed",
    "inactive",
    "emeritus",
    "no_cycle",
)
_STANDING_OF_STATUS = {
    "in_progress": CURRENT,
    "requirements_met": CURRENT,
    "renewed": CURRENT,
    "grace": GRACE,
    "expired": EXPIRED,
    "lapsed": LAPSED,
    "inactive": INACTIVE,
    "emeritus": EMERITUS,
}


@dataclass(frozen=True)
class Standing:
    """Whether a certification may be presented as current today, in plain words, and through when."""

    code: str  # one of CURRENT ... NO_CYCLE
    text: str
    as_of: date
    cycle: Cycle | None
    current_through: date | None  # the end of the latest cycle, while current
    cpr_aed_valid_until: date | None  # shown where the organization requires CPR/AED (ACSM)
    cpr_aed_required: bool

    @property
    def is_current(self) -> bool:
        return self.code in (CURRENT, EMERITUS)  # the status lists' LIVE


def _standing_text(code: str, cycle: Cycle | None, organization: str) -> str:
    if code == CURRENT:
        return f"Current through {cycle.end:%B %-d, %Y}."
    if code == GRACE:
        return (
            f"Expired on {cycle.end:%B %-d, %Y}; in {organization}'s grace period until "
            f"{cycle.grace_until:%B %-d, %Y}. Not to be presented as certified until renewed."
        )
    if code == EXPIRED:
        return f"Expired on {cycle.end:%B %-d, %Y}: not currently certified."
    if code == LAPSED:
        return f"Lapsed: the grace period ended on {cycle.grace_until:%B %-d, %Y}. Not currently certified."
    if code == INACTIVE:
        return f"Inactive: not to be presented as certified. {organization} can say more."
    if code == EMERITUS:
        return "Emeritus: retired with emeritus status; no renewal needed."
    return "No certification cycle is on record."


def standing_code(*, cycle, as_of: date) -> str:
    """The standing (CURRENT ... EMERITUS) that a certification's latest cycle gives it on `as_of`; `cycle`
    needs start, end, grace_until and recorded_status (a Cycle row or plain values)."""
    status = cycle_status(
        cycle=CycleDates(cycle.start, cycle.end, cycle.grace_until),
        as_of=as_of,
        met=False,  # credits don't decide the standing
        recorded_status=cycle.recorded_status or None,
    )
    return _STANDING_OF_STATUS[status]


def certifications_standing(*, certifications: Iterable[Certification], as_of: date) -> dict[int, Standing]:
    """The standing of each certification by id, in two queries whatever their number: the engine's
    `cycle_status` of each latest cycle. Credits don't decide it (in progress and requirements met are both
    current), so no activity is loaded, which keeps the public status lists cheap."""
    certifications = list(certifications)
    with scopes_disabled():
        latest: dict[int, Cycle] = {}
        for row in Cycle.objects.filter(certification_id__in=[c.pk for c in certifications]).order_by("start"):
            latest[row.certification_id] = row
    cpr_required: dict[int, bool] = {}
    out = {}
    for certification in certifications:
        organization = certification.credential.organization
        if organization.pk not in cpr_required:
            params = params_in_force(organization_id=organization.pk, on=as_of)
            cpr_required[organization.pk] = bool(params and params.cpr_aed_required)
        cycle = latest.get(certification.pk)
        code = NO_CYCLE if cycle is None else standing_code(cycle=cycle, as_of=as_of)
        out[certification.pk] = Standing(
            code=code,
            text=_standing_text(code, cycle, organization.short_name),
            as_of=as_of,
            cycle=cycle,
            current_through=cycle.end if code == CURRENT else None,
            cpr_aed_valid_until=certification.cpr_aed_valid_until if cpr_required[organization.pk] else None,
            cpr_aed_required=cpr_required[organization.pk],
        )
    return out


def certification_standing(*, certification: Certification, as_of: date | None = None) -> Standing:
    """One certification's standing today (or on `as_of`)."""
    as_of = as_of or timezone.localdate()
    return certifications_standing(certifications=[certification], as_of=as_of)[certification.pk]


@dataclass(frozen=True)
class PublicProof:
    """Everything the public share page and `GET /api/v1/verify/<token>` show: nothing else leaks."""

    holder: str
    credential_code: str
    credential_name: str
    organization: str
    number_last4: str
    standing: Standing


def public_proof(*, link: ShareLink, as_of: date | None = None) -> PublicProof:
    """What a share link shows about its certification, live as of today."""
    certification = link.certification
    number = certification.number.strip()
    return PublicProof(
        holder=certification.user.name.strip() or "Name not given",  # never the email address
        credential_code=certification.display_code,
        credential_name=certification.display_name,
        organization=certification.credential.organization.name,
        number_last4=number[-4:] if number else "",
        standing=certification_standing(certification=certification, as_of=as_of),
    )
