from datetime import date

from django.core.management.base import BaseCommand, CommandError

from certifications.reminders import reminders_sweep


class Command(BaseCommand):
    help = "Run the daily reminder sweep for a date (today by default); running it twice sends nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the day to sweep for, YYYY-MM-DD")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, as_of=None, batch_size=1000, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from exc
        stats = reminders_sweep(as_of=day, batch_size=batch_size)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in stats.items()))
