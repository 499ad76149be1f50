from datetime import date

from django.core.management.base import BaseCommand, CommandError

from certifications.reminders import reminders_sweep, reminders_sweep_fanout


class Command(BaseCommand):
    help = (
        "Run the daily reminder sweep for a date (today by default); running it twice sends nothing twice. "
        "By default the batches run here, one after the other (and the command prints what they created); "
        "with --fanout they are published to the Celery workers as the daily beat task does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the day to sweep for, YYYY-MM-DD")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--fanout",
            action="store_true",
            help="publish one Celery task per batch (any worker on any host takes the next) instead of running "
            "them in this process; prints the candidates and batches published",
        )

    def handle(self, *args, as_of=None, batch_size=1000, fanout=False, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from exc
        sweep = reminders_sweep_fanout if fanout else reminders_sweep
        stats = sweep(as_of=day, batch_size=batch_size)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in stats.items()))
