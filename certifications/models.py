from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from accounts.models import Organization


class Credential(models.Model):
    """A certification an organization issues, e.g. ACSM-CPT."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="credentials")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(
        default=1, help_text="Higher is more advanced (ACSM: GEI < CPT < EP < CEP)."
    )
    required = models.DecimalField(max_digits=8, decimal_places=2, help_text="Amount required per cycle.")
    renewal_fee = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization__short_name", "level", "code"]

    def __str__(self):
        return self.code


class RuleSetVersion(models.Model):
    """An organization's rules from an effective date on; `params` is `RuleParams.to_dict()`.

    Published versions are never edited: a change is a new version with a later effective date."""

    DRAFT, PUBLISHED = "draft", "published"
    STATUS_CHOICES = [(DRAFT, "Draft"), (PUBLISHED, "Published")]

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rule_set_versions")
    effective_from = models.DateField()
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    params = models.JSONField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "effective_from"],
                condition=models.Q(status="published"),
                name="one_published_version_per_date",
            )
        ]

    def __str__(self):
        return f"{self.organization} rules from {self.effective_from} ({self.status})"


class Certification(models.Model):
    """One person holding one credential."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications")
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="certifications")
    number = models.CharField("certification number", max_length=50, blank=True)
    certified_on = models.DateField(help_text="The date first certified (emeritus counts years from it).")
    cpr_aed_valid_until = models.DateField("CPR/AED valid until", null=True, blank=True)
    # Set when the organization grants emeritus status; the suffixes come from its rule set (RULES §5).
    emeritus_on = models.DateField(null=True, blank=True)
    emeritus_code_suffix = models.CharField(max_length=10, blank=True)
    emeritus_name_suffix = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="credential__organization")

    class Meta:
        ordering = ["credential__organization__short_name", "credential__code"]
        constraints = [models.UniqueConstraint(fields=["user", "credential"], name="one_certification_per_credential")]
        indexes = [models.Index(fields=["credential", "number"])]

    def __str__(self):
        return f"{self.credential.code} · {self.user}"

    @property
    def display_code(self) -> str:
        """The credential as the holder may show it: `ACSM-CPT`, or `ACSM-CPT-E` once emeritus."""
        return self.credential.code + (self.emeritus_code_suffix if self.emeritus_on else "")

    @property
    def display_name(self) -> str:
        """`ACSM Certified Personal Trainer`, or `... – Emeritus` once emeritus."""
        return self.credential.name + (self.emeritus_name_suffix if self.emeritus_on else "")


class Cycle(models.Model):
    """One recertification period. Dates are stored for queries; the engine recomputes them from `start`."""

    RENEWED, INACTIVE, EMERITUS = "renewed", "inactive", "emeritus"
    RECORDED_CHOICES = [("", "—"), (RENEWED, "Renewed"), (INACTIVE, "Inactive"), (EMERITUS, "Emeritus")]

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="cycles")
    start = models.DateField()
    end = models.DateField()
    grace_until = models.DateField(null=True, blank=True)
    # A status decided by a person or an event, which overrides the computed one (RULES §3).
    recorded_status = models.CharField(max_length=20, choices=RECORDED_CHOICES, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    fee_due = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    objects = ScopedManager(organization="certification__credential__organization")

    class Meta:
        ordering = ["certification", "start"]
        constraints = [models.UniqueConstraint(fields=["certification", "start"], name="one_cycle_per_start")]
        indexes = [models.Index(fields=["end"])]

    def __str__(self):
        return f"{self.certification.credential.code} {self.start}…{self.end}"


class Renewal(models.Model):
    """A renewal submitted for a cycle: the next cycle starts on the anniversary, whatever the day."""

    RENEWAL, LATE, REINSTATEMENT, EMERITUS_REINSTATEMENT = "renewal", "late", "reinstatement", "emeritus_reinstatement"
    FEE_CHOICES = [
        (RENEWAL, "Renewal fee"),
        (LATE, "Late fee (grace period)"),
        (REINSTATEMENT, "Reinstatement after lapse"),
        (EMERITUS_REINSTATEMENT, "Reinstatement from emeritus"),
    ]

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="renewal")
    next_cycle = models.OneToOneField(Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    fee_kind = models.CharField(max_length=30, choices=FEE_CHOICES, default=RENEWAL)
    fee = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    earned = models.DecimalField(max_digits=8, decimal_places=2, help_text="Earned when submitted.")

    objects = ScopedManager(organization="cycle__certification__credential__organization")

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"Renewal of {self.cycle}"


from certifications.backoffice.models import EmeritusApplication  # noqa: E402,F401
from certifications.exports.models import CalendarFeed  # noqa: E402,F401  (private calendar feeds, see certifications/exports/)
from certifications.proof.models import IssuedCredential, ShareLink  # noqa: E402,F401  (see certifications/proof/)
