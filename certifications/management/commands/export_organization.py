"""`manage.py export_organization SLUG [--effective-from YYYY-MM-DD] [--output FILE]`: the body as a file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from certifications.management.commands.import_organization import _day
from certifications.orgfile.format import dump
from certifications.orgfile.services import organization_export


class Command(BaseCommand):
    help = "Write an organization as an organization file (YAML), the format import_organization reads."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--effective-from", type=_day, help="the rule-set version published from this date")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, slug, effective_from, output, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {slug!r}.")
        try:
            text = dump(organization_export(organization=organization, effective_from=effective_from))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
