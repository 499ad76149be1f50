"""Reads for the organization back office: emeritus eligibility, the rules in force."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from audits.models import Audit
from certifications.backoffice.models import EmeritusApplication
from certifications.models import Certification, Cycle, Renewal
from certifications.rules.dates import add_years
from certifications.selectors import params_in_force
from credits.models import Petition


@dataclass
class Eligibility:
    """What the emeritus conditions (RULES §5) found; `problems` says what is not met, in plain words."""

    offered: bool
    age: int | None = None
    years_certified: int = 0
    continuous: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.offered and not self.problems

    def as_dict(self) -> dict:
        return {
            "age": self.age,
            "years_certified": self.years_certified,
            "continuous": self.continuous,
            "problems": self.problems,
        }


def _whole_years(start: date, on: date) -> int:
    years = on.year - start.year
    return years if add_years(start, years) <= on else years - 1


def emeritus_eligibility(*, certification: Certification, on: date) -> Eligibility:
    """Age from the date of birth, and the rule set's years of certification without a break (no gap
    between cycles, no inactive cycle) up to now; the retired attestation is asked for separately."""
    params = params_in_force(organization_id=certification.credential.organization_id, on=on)
    rules = params.emeritus
    if rules is None:
        return Eligibility(offered=False, problems=["This organization does not offer emeritus status."])
    out = Eligibility(offered=True)
    if certification.emeritus_on:
        out.problems.append("This certification is already emeritus.")
    birth = certification.user.date_of_birth
    if birth is None:
        out.problems.append("Add your date of birth to your profile: it decides the age condition.")
    else:
        out.age = _whole_years(birth, on)
        if out.age < rules.min_age:
            out.problems.append(f"You must be {rules.min_age} or older (you are {out.age}).")
    with scopes_disabled():
        cycles = list(Cycle.objects.filter(certification=certification).order_by("start"))
    # The years count from the start of the current unbroken run: a gap between cycles or an inactive
    # cycle ends a run, but an old break does not disqualify someone certified without one since.
    since = certification.certified_on
    for before, after in zip(cycles, cycles[1:], strict=False):
        if after.start != before.end + timedelta(days=1) or before.recorded_status == Cycle.INACTIVE:
            since = after.start
    current = cycles[-1] if cycles else None
    # Past the end date and not renewed, the certification is expired: in ACSM's grace period too, which
    # is "expired and inactive" (RULES §3). The holder renews (late fee) first.
    ended = current is not None and current.end < on
    out.continuous = current is not None and current.recorded_status != Cycle.INACTIVE and not ended
    out.years_certified = _whole_years(since, on) if out.continuous else 0
    if not out.continuous:
        out.problems.append("The certification has not been held continuously (a lapse, gap or inactive period).")
    if out.years_certified < rules.min_years_certified:
        out.problems.append(
            f"You must have been certified without a break for {rules.min_years_certified} years or more "
            f"(since {date_format(since)}: {out.years_certified})."
        )
    return out


@dataclass(frozen=True)
class WorkItem:
    """One line of the back office's work queue: how many things wait, and the page that lists them."""

    label: str
    count: int
    url_name: str
    query: str = ""


def work_queue(*, organization) -> list[WorkItem]:
    """What waits for the organization's staff, for the overview they land on (one count query each)."""
    since = timezone.now() - timedelta(days=30)
    return [
        WorkItem(
            "Petitions waiting for a decision",
            Petition.objects.filter(organization=organization, status=Petition.PENDING).count(),
            "org_petitions",
            "status=pending",
        ),
        WorkItem(
            "Audits with documents to review",
            Audit.objects.filter(organization=organization, status=Audit.SUBMITTED).count(),
            "org_audits",
            "status=submitted",
        ),
        WorkItem(
            "Audits waiting for the person's documents",
            Audit.objects.filter(organization=organization, status=Audit.OPEN).count(),
            "org_audits",
            "status=open",
        ),
        WorkItem(
            "Emeritus applications to decide",
            EmeritusApplication.objects.filter(
                certification__credential__organization=organization, status=EmeritusApplication.PENDING
            ).count(),
            "org_emeritus",
        ),
        WorkItem(
            "Renewals in the last 30 days",
            Renewal.objects.filter(
                cycle__certification__credential__organization=organization, submitted_at__gte=since
            ).count(),
            "org_renewals",
        ),
    ]
