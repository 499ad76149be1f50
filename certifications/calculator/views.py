from django.core.exceptions import ValidationError
from django.shortcuts import render

from certifications.calculator.forms import (
    KIND_CHOICES,
    PREFIX,
    ActivityFormSet,
    CalculatorForm,
    credential_choices,
    rows_changed,
)
from certifications.calculator.throttles import EvaluateThrottle
from certifications.explain import REASON_LABELS, STATUS_LABELS
from certifications.selectors import evaluate_request


def calculator(request):
    """Will it count? Anyone describes a cycle and its activities; the calculator selector answers (RULES §8).

    Buttons post an `action`: calculate, add (a row), remove-<n>, refresh (the kind changed). With htmx
    only the form and results are swapped; without JavaScript the whole page comes back."""
    credentials = credential_choices()
    result, lines, status, show_errors, throttled = None, [], 200, False, None
    if request.method == "POST":
        action = request.POST.get("action", "calculate")
        data = request.POST
        if action == "add":
            data = rows_changed(data, add=True)
        elif action.startswith("remove-") and action[7:].isdigit():
            data = rows_changed(data, remove=int(action[7:]))
        form = CalculatorForm(data, credentials=credentials)
        rows = ActivityFormSet(data, prefix=PREFIX, credentials=credentials)
        if action == "calculate":
            show_errors = True
            throttle = EvaluateThrottle()
            if not throttle.allow_request(request, None):
                throttled, status = int(throttle.wait() or 1), 429
            elif form.is_valid() and rows.is_valid():
                activities = [row.request_item(index=i) for i, row in enumerate(rows.forms)]
                try:
                    result = evaluate_request(**form.request_data(), activities=activities)
                except ValidationError as exc:
                    _attach_errors(exc, form=form, rows=rows)
                    status = 400
                else:
                    kinds = dict(KIND_CHOICES)
                    lines = [
                        (kinds[row.cleaned_data["kind"]], row.cleaned_data, applied, REASON_LABELS.get(applied.reason))
                        for row, applied in zip(rows.forms, result.activities, strict=True)
                    ]
            else:
                status = 400
    else:
        form = CalculatorForm(credentials=credentials)
        rows = ActivityFormSet(prefix=PREFIX, credentials=credentials, initial=[{"kind": "approved_course"}])
    context = {
        "form": form,
        "rows": rows,
        "result": result,
        "lines": lines,
        "status_label": STATUS_LABELS.get(result.status) if result else None,
        "percent": min(100, int(100 * result.earned / result.required)) if result and result.required else 100,
        "show_errors": show_errors,
        "throttled": throttled,
    }
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: errors and the rate limit are shown in the fragment itself.
        return render(request, "certifications/calculator/_calculator.html", context)
    return render(request, "certifications/calculator/calculator.html", context, status=status)


def _attach_errors(exc: ValidationError, *, form, rows) -> None:
    """The selector's `field` / `activities.<i>.<field>` errors, shown next to the field they name."""
    for key, messages in exc.message_dict.items():
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[0] == "activities" and parts[1].isdigit() and int(parts[1]) < len(rows.forms):
            row = rows.forms[int(parts[1])]
            field = parts[2] if parts[2] in row.fields else None
            for message in messages:
                row.add_error(field, message)
        else:
            for message in messages:
                form.add_error(key if key in form.fields else None, message)
