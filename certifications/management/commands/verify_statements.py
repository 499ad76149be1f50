"""`manage.py verify_statements [--sample N]`: stored cycle statements against a fresh evaluation by the engine."""

from django.core.management.base import BaseCommand, CommandError

from certifications.statements.services import REFRESH_BATCH, statements_verify


class Command(BaseCommand):
    help = "Compare stored cycle statements with a fresh evaluation and report any drift (exit 1 on drift)."

    def add_arguments(self, parser):
        parser.add_argument("--sample", type=int, default=None, help="Check N certifications chosen at random.")
        parser.add_argument("--batch-size", type=int, default=REFRESH_BATCH, help="Certifications per batch.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed for --sample (repeatable runs).")

    def handle(self, *args, sample=None, batch_size=REFRESH_BATCH, seed=None, **options):
        if sample is not None and sample < 1:
            raise CommandError("--sample must be 1 or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        report = statements_verify(sample=sample, batch_size=batch_size, seed=seed)
        for problem in report["drift"]:
            self.stdout.write(f"DRIFT {problem}")
        checked = report["certifications"]
        if report["drift"]:
            raise CommandError(f"{len(report['drift'])} drifted cycle(s) in {checked} certification(s) checked.")
        self.stdout.write(f"{checked} certification(s) checked: every stored statement matches the engine.")
