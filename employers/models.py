"""Employers (a kind of `accounts.Organization`) and the trainers who share certifications with them.

A `Link` ties one trainer to one employer: the employer invites an email address, or the trainer offers
it a share link. The employer sees a certification only while the trainer's `Consent` for it stands;
withdrawing sets `withdrawn_at` and the roster stops showing anything of it at once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class Location(models.Model):
    """One club or studio of an employer (a chain has several); trainers are placed at one."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_location_name")]

    def __str__(self):
        return self.name


class Link(models.Model):
    """A trainer an employer follows. Invited by email, `user` is empty until the person answers; linked by
    the trainer's share link, `user` is the link's holder at once, but nothing is shared until they answer
    (`answered_at`) and the employer sees only what the share page showed (no email address)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="trainer_links")
    email = models.EmailField(help_text="The address the employer invited (lower case).")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="employer_links"
    )
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="links")
    # The certification whose share link the employer pasted: offered first when the trainer answers.
    share_certification = models.ForeignKey(
        "certifications.Certification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "email"], name="one_link_per_employer_email"),
            models.UniqueConstraint(
                fields=["organization", "user"], condition=Q(user__isnull=False), name="one_link_per_employer_trainer"
            ),
        ]

    def __str__(self):
        return f"{self.email} · {self.organization_id}"

    @property
    def shown_as(self) -> str:
        """How the employer names the trainer: a share link's holder by the name the share page shows, until
        they answer (their email address was not shared); an invitee by the address the employer typed."""
        if self.share_certification_id and self.answered_at is None:
            return self.user.name if self.user and self.user.name else "The share link's holder"
        return (self.user.name if self.user and self.user.name else "") or self.email


class Consent(models.Model):
    """The trainer lets the employer follow one certification; withdrawn at any time."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="consents")
    certification = models.ForeignKey(
        "certifications.Certification", on_delete=models.CASCADE, related_name="employer_consents"
    )
    granted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="link__organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "certification"], name="one_consent_per_certification")]
        indexes = [models.Index(fields=["link"], condition=Q(withdrawn_at__isnull=True), name="consent_active")]

    def __str__(self):
        return f"consent {self.certification_id} → link {self.link_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
