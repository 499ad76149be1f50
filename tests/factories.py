"""factory_boy factories shared by every test module."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from accounts.models import Membership, Organization, Provider, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Mark the email verified (allauth), unless verified=False is passed."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org{n}")
    name = factory.LazyAttribute(lambda o: f"Organization {o.slug.upper()}")
    short_name = factory.LazyAttribute(lambda o: o.slug.upper())


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.REVIEWER


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Provider {n}")
    contact_email = factory.Sequence(lambda n: f"provider{n}@example.com")


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certifications.Credential"
        django_get_or_create = ("code",)

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"CRED-{n}")
    name = factory.LazyAttribute(lambda o: f"Certified {o.code}")
    level = 1
    required = Decimal("2.00")


class CertificationFactory(factory.django.DjangoModelFactory):
    """A certification with its first cycle (created by the service, as the product does)."""

    class Meta:
        model = "certifications.Certification"

    user = factory.SubFactory(UserFactory)
    credential = factory.SubFactory(CredentialFactory)
    number = factory.Sequence(lambda n: f"N{n:06d}")
    certified_on = datetime.date(2025, 1, 15)
    cpr_aed_valid_until = datetime.date(2030, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from certifications.services import certification_add

        return certification_add(actor=kwargs["user"], **kwargs)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "credits.Activity"

    user = factory.SubFactory(UserFactory)
    kind = "approved_course"
    title = factory.Faker("sentence", nb_words=4)
    completed_on = datetime.date(2025, 6, 1)
    amount = Decimal("0.50")


class ApprovedCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "credits.ApprovedCourse"

    organization = factory.SubFactory(OrganizationFactory)
    course_number = factory.Sequence(lambda n: f"CA{n + 10000:05d}")
    title = factory.Faker("sentence", nb_words=5)
    amount = Decimal("0.50")


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "credits.Petition"

    organization = factory.SubFactory(OrganizationFactory)
    activity = factory.SubFactory(ActivityFactory, kind="other_org_course", amount=None, hours=Decimal("4"))
    hours = Decimal("4")
    description = "A four-hour workshop on kettlebell progressions."
