from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled


class Command(BaseCommand):
    help = "Install the shipped organizations (certifications/orgfile/bodies/*.yaml), idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        from certifications.defaults import load_defaults

        with scopes_disabled():
            orgs = load_defaults()
        self.stdout.write(self.style.SUCCESS(f"Defaults present for {', '.join(o.short_name for o in orgs)}."))
