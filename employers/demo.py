"""The demo gym for `load_demo`: two locations, an admin and a manager, and the demo trainers on its roster."""

from django.utils import timezone

from accounts.models import Membership, Organization, User
from certifications.selectors import certifications_of
from employers.models import Consent, Link, Location


def load_employer_demo(*, admin: User, manager: User, trainers: list[User]) -> Organization:
    """Create (or keep) Northside Fitness with every demo trainer sharing every certification. Idempotent."""
    gym, _ = Organization.objects.get_or_create(
        slug="northside-fitness",
        defaults={"name": "Northside Fitness", "short_name": "Northside", "kind": Organization.EMPLOYER},
    )
    for user, role in ((admin, Membership.ADMIN), (manager, Membership.MANAGER)):
        Membership.objects.get_or_create(user=user, organization=gym, defaults={"role": role})
    locations = [Location.objects.get_or_create(organization=gym, name=name)[0] for name in ("Downtown", "Riverside")]
    now = timezone.now()
    for index, trainer in enumerate(trainers):
        link, _ = Link.objects.get_or_create(
            organization=gym,
            email=trainer.email,
            defaults={"user": trainer, "location": locations[index % 2], "invited_by": admin, "answered_at": now},
        )
        for certification in certifications_of(user=trainer):
            Consent.objects.get_or_create(link=link, certification=certification, defaults={"granted_at": now})
    return gym
