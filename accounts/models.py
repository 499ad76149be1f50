import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django_scopes import ScopedManager

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person: trainer, organization staff or provider staff. Email is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", choices=TIME_ZONE_CHOICES)
    date_of_birth = models.DateField(null=True, blank=True, help_text="Used only for emeritus eligibility.")
    # {"<notification kind>": false} switches a kind off; absent kinds are on.
    notification_preferences = models.JSONField(default=dict, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class OrganizationQuerySet(models.QuerySet):
    def certifying(self):
        """Certifying bodies only: the organizations a trainer's credentials, courses and petitions name."""
        return self.filter(kind=Organization.CERTIFYING)

    def employers(self):
        return self.filter(kind=Organization.EMPLOYER)


class Organization(models.Model):
    """A tenant: a certifying body such as ACE or ACSM, or an employer (a gym, a chain of clubs) that
    follows the certifications its trainers share with it. Both kinds have staff (`Membership`) and
    are scoped the same way; `kind` decides which pages their staff may enter (`accounts.tenancy`)."""

    CERTIFYING, EMPLOYER = "certifying", "employer"
    KIND_CHOICES = [(CERTIFYING, "Certifying organization"), (EMPLOYER, "Employer")]

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, unique=True, help_text="e.g. ACE, ACSM")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES, default=CERTIFYING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name


class Membership(models.Model):
    """A staff member of one organization with one role (employers: admin or manager)."""

    ADMIN, REVIEWER, AUDITOR, MANAGER = "admin", "reviewer", "auditor", "manager"
    ROLE_CHOICES = [(ADMIN, "Admin"), (REVIEWER, "Reviewer"), (AUDITOR, "Auditor"), (MANAGER, "Manager")]
    ROLES_BY_KIND = {Organization.CERTIFYING: (ADMIN, REVIEWER, AUDITOR), Organization.EMPLOYER: (ADMIN, MANAGER)}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.role}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.organization_id is None:
            return  # the form reports the missing organization
        allowed = self.ROLES_BY_KIND[self.organization.kind]
        if self.role not in allowed:
            raise ValidationError({"role": f"This organization's staff are {' or '.join(allowed)}."})


class Provider(models.Model):
    """A course provider approved by one organization; reports completions through the API."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="providers")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_provider_name")]

    def __str__(self):
        return self.name


class ActionLog(models.Model):
    """A domain event: who did what to which object, with the values before and after."""

    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The person whose credits or account the action touched (for the trainer's own history).
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100, help_text='Namespaced, e.g. "petition.approved".')
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="before/after values and context")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["subject_user", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)


def action_label(action: str) -> str:
    """An action code in words for people: "audit.selected" is "Audit selected",
    "provider.api_key_created" is "Provider API key created"."""
    words = action.replace(".", " ").replace("_", " ").split()
    text = " ".join("API" if word == "api" else "iCal" if word == "ical" else word for word in words)
    return text[:1].upper() + text[1:]


from accounts.apikeys.models import EmployerApiKey, ProviderApiKey  # noqa: E402, F401
from accounts.notifications.models import Notification  # noqa: E402, F401
