"""Load the shipped ACE/ACSM defaults and a demo organization with demo users. Safe to run again."""

from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django_scopes import scopes_disabled

from accounts.models import Membership, Provider, User

DEMO_PASSWORD = "demo-password-2026"


def demo_user(email: str, name: str, **extra) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, **extra})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


class Command(BaseCommand):
    help = "Load the ACE and ACSM defaults, their staff, a demo trainer and a demo provider (idempotent)."

    def handle(self, *args, **options):
        # The demo's notification emails are kept in memory: whole bodies on the console buried the logins.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic(), scopes_disabled():
                logins = self.load()
            sent = len(getattr(mail, "outbox", []))
        self.stdout.write(f"{sent} demo notification email{'s' if sent != 1 else ''} sent (not shown).")
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at http://127.0.0.1:8000 with:"))
        for email, what in logins:
            self.stdout.write(f"  {email:<28} {DEMO_PASSWORD}   ({what})")

    def load(self):
        from certifications.defaults import load_defaults

        orgs = {org.short_name: org for org in load_defaults()}
        logins = []
        for short, org in orgs.items():
            for role in (Membership.ADMIN, Membership.REVIEWER):
                email = f"{role}@{org.slug}.demo"
                user = demo_user(email, f"{short} {role.title()}")
                Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
                logins.append((email, f"{short} {role}"))
        provider, _ = Provider.objects.get_or_create(
            organization=orgs["ACE"], name="Move Well Academy", defaults={"contact_email": "hello@movewell.demo"}
        )
        provider_user = demo_user("provider@movewell.demo", "Move Well Academy")
        provider.users.add(provider_user)
        logins.append(("provider@movewell.demo", "provider"))
        from credits.demo_catalog import demo_catalog_load

        for short, org in orgs.items():
            added = demo_catalog_load(
                organization=org, provider=provider if provider.organization_id == org.pk else None
            )
            self.stdout.write(f"{short} catalog: {added} demo courses added.")
        trainer = demo_user("trainer@cectracker.demo", "Tess Trainer", time_zone="America/Los_Angeles")
        logins.insert(0, ("trainer@cectracker.demo", "trainer"))
        from certifications.demo import load_back_office_demo, load_trainer_demo

        load_trainer_demo(trainer=trainer, organizations=orgs, provider=provider)
        renewer = demo_user("riley@cectracker.demo", "Riley Renewer")
        logins.insert(1, ("riley@cectracker.demo", "trainer whose ACSM renewal was selected for audit"))
        load_back_office_demo(trainer=trainer, renewer=renewer, organizations=orgs)
        from employers.demo import load_employer_demo

        gym_admin = demo_user("admin@northside.demo", "Nia Northside")
        gym_manager = demo_user("manager@northside.demo", "Max Manager")
        load_employer_demo(admin=gym_admin, manager=gym_manager, trainers=[trainer, renewer])
        logins += [("admin@northside.demo", "gym admin: the trainer roster"), ("manager@northside.demo", "gym manager")]
        return logins
