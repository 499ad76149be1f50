"""`manage.py import_organization FILE [--dry-run] [--effective-from YYYY-MM-DD]`: onboard or update a body."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from certifications.orgfile.format import OrgFileInvalid, load
from certifications.orgfile.services import organization_import


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--effective-from: {text!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Import an organization file (YAML or JSON, see certifications/orgfile/schema.json): create or update the "
        "organization, its credentials, providers and catalog, and publish its rules as a new rule-set version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the organization file; - reads standard input")
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change, change nothing")
        parser.add_argument("--effective-from", type=_day, help="rules in force from this date, not the file's")
        parser.add_argument("--actor", help="the operator's email (a superuser): the action log names them")

    def handle(self, *args, file, dry_run, effective_from, actor, **options):
        operator = None
        if actor:
            operator = User.objects.filter(email__iexact=actor.strip(), is_superuser=True).first()
            if operator is None:
                raise CommandError(f"--actor: no superuser has the email {actor!r}.")
        try:
            raw = self.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            report = organization_import(actor=operator, data=load(raw), effective_from=effective_from, dry_run=dry_run)
        except OrgFileInvalid as exc:
            for path, message in exc.errors:
                self.stderr.write(f"{path or '(file)'}: {message}")
            raise CommandError(f"{file}: {len(exc.errors)} problem(s); nothing was imported.") from None
        for line in report.changes + report.notes:
            self.stdout.write(line)
        done = "Dry run: nothing was changed." if dry_run else f"Imported {report.slug}."
        self.stdout.write(self.style.SUCCESS(done))
