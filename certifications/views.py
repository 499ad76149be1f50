"""Trainer pages for certifications, cycles and renewals: thin views over services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from audits.selectors import audits_of
from cectracker.forms import add_service_errors
from certifications.forecast import percent
from certifications.forms import CertificationAddForm, CertificationEditForm, credential_choices
from certifications.selectors import (
    certification_current_cycle,
    certification_cycle,
    certification_for_user,
    credentials_available,
    renewal_preview,
)
from certifications.services import certification_add, certification_remove, certification_renew, certification_update
from certifications.statements.selectors import statements_certification_cycles, statements_user_progress


@login_required
def certification_list(request):
    return render(
        request,
        "certifications/certification_list.html",
        {"progress": statements_user_progress(user=request.user, as_of=timezone.localdate())},
    )


@login_required
def certification_add_view(request):
    credentials = credentials_available()
    form = CertificationAddForm(request.POST or None, credentials=credentials)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certification = certification_add(
                actor=request.user,
                user=request.user,
                credential=data["credential"],
                certified_on=data["certified_on"],
                number=data["number"],
                cycle_start=data["cycle_start"],
                cpr_aed_valid_until=data["cpr_aed_valid_until"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{certification.credential.code} added.")
            return redirect("certification_detail", pk=certification.pk)
    return render(request, "certifications/certification_add.html", {"form": form})


@login_required
@require_GET
def credential_options(request):
    """htmx: the credential <option>s of the chosen organization."""
    try:
        organization_id = int(request.GET.get("organization", ""))
    except ValueError:
        organization_id = None
    credentials = credentials_available(organization_id=organization_id) if organization_id else []
    if not organization_id:
        credentials = credentials_available()
    return render(request, "certifications/_credential_options.html", {"groups": credential_choices(credentials)[1:]})


@login_required
def certification_detail(request, pk: int):
    certification = certification_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    cycles = statements_certification_cycles(certification=certification, as_of=today)
    current = cycles[-1] if cycles else None
    return render(
        request,
        "certifications/certification_detail.html",
        {
            "certification": certification,
            "cycles": list(reversed(cycles)),
            "current": current,
            "percent": percent(earned=current.result.earned, required=current.result.required) if current else 0,
            "days_left": (current.result.cycle.end - today).days + 1 if current else None,
            "today": today,
            "audits": audits_of(certification=certification),
        },
    )


@login_required
def certification_edit(request, pk: int):
    certification = certification_for_user(user=request.user, pk=pk)
    initial = {"number": certification.number, "cpr_aed_valid_until": certification.cpr_aed_valid_until}
    form = CertificationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            certification_update(
                actor=request.user,
                certification=certification,
                number=form.cleaned_data["number"],
                cpr_aed_valid_until=form.cleaned_data["cpr_aed_valid_until"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("certification_detail", pk=certification.pk)
    return render(request, "certifications/certification_edit.html", {"certification": certification, "form": form})


@login_required
def certification_remove_view(request, pk: int):
    certification = certification_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            certification_remove(actor=request.user, certification=certification)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("certification_detail", pk=certification.pk)
        messages.success(request, f"{certification.credential.code} removed. Your activities are kept.")
        return redirect("certification_list")
    return render(request, "certifications/certification_remove.html", {"certification": certification})


@login_required
def certification_renew_view(request, pk: int):
    certification = certification_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    cycle = certification_current_cycle(certification=certification)
    if request.method == "POST":
        # The cycle shown on the page is the one renewed: submitting twice returns the same renewal.
        shown = certification_cycle(certification=certification, pk=request.POST.get("cycle"))
        try:
            renewal = certification_renew(actor=request.user, certification=certification, on=today, cycle=shown)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            next_cycle = renewal.next_cycle
            messages.success(
                request,
                f"Renewal recorded. Your next cycle runs {date_format(next_cycle.start)} "
                f"to {date_format(next_cycle.end)}."
                if next_cycle
                else "Renewal recorded.",
            )
            return redirect("certification_detail", pk=certification.pk)
    preview = renewal_preview(certification=certification, cycle=cycle, on=today) if cycle else None
    return render(
        request,
        "certifications/certification_renew.html",
        {"certification": certification, "preview": preview, "today": today},
    )
