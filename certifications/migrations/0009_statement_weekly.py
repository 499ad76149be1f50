from datetime import date
from decimal import Decimal

from django.db import migrations


def regroup(apps, schema_editor):
    """The per-day sums already stored, added up per week of their cycle (as `certifications.forecast.weekly` does)."""
    CycleStatement = apps.get_model("certifications", "CycleStatement")
    for statement in CycleStatement.objects.only("pk", "start", "weekly").iterator(chunk_size=2000):
        weeks: dict[int, list] = {}
        for day, amount in sorted((date.fromisoformat(d), Decimal(a)) for d, a in statement.weekly):
            week = weeks.setdefault((day - statement.start).days // 7, [day, Decimal(0)])
            week[1] += amount
        regrouped = [[day.isoformat(), str(amount)] for day, amount in weeks.values()]
        if regrouped != statement.weekly:
            CycleStatement.objects.filter(pk=statement.pk).update(weekly=regrouped)


class Migration(migrations.Migration):
    dependencies = [("certifications", "0008_statement_lines_waiting")]

    operations = [
        migrations.RenameField(model_name="cyclestatement", old_name="daily", new_name="weekly"),
        # Going back leaves weekly sums under the old name: the chart draws them the same, and the next write
        # of each statement stores per-day sums again.
        migrations.RunPython(regroup, migrations.RunPython.noop),
    ]
