from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled


class Command(BaseCommand):
    help = "Install the shipped ACE and ACSM organizations, credentials and rule sets (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        from certifications.defaults import load_defaults

        with scopes_disabled():
            orgs = load_defaults()
        self.stdout.write(self.style.SUCCESS(f"Defaults present for {', '.join(o.short_name for o in orgs)}."))
