"""Trainer pages for activities, evidence and petitions. Thin: forms collect, services write, selectors read."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organization
from cectracker.forms import add_service_errors
from credits import selectors, services
from credits.forms import ActivityFilterForm, ActivityForm, EvidenceForm, KindChoiceForm, PetitionForm
from credits.kinds import KIND_FIELDS, KIND_LABELS, NUMBER_FIELDS, short_label
from credits.models import Activity, Evidence
from credits.uploads import content_length_too_big, install_upload_handlers

PAGE_SIZE = 25


@transaction.non_atomic_requests  # reads only: no transaction (and no savepoints) around it
@require_GET
@login_required
def activity_list(request):
    """The person's activities with, for each, what it applies to every certification they hold."""
    filters = ActivityFilterForm(request.GET or None)
    kind, date_from, date_to = "", None, None
    if filters.is_bound and filters.is_valid():
        kind = filters.cleaned_data["kind"]
        date_from, date_to = filters.cleaned_data["date_from"], filters.cleaned_data["date_to"]
    activities = selectors.activity_list(user=request.user, kind=kind, date_from=date_from, date_to=date_to)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    applications = selectors.activity_applications_stored(
        user=request.user, activity_ids=[activity.pk for activity in page.object_list]
    )
    rows = [(activity, short_label(activity.kind), applications.get(activity.pk, [])) for activity in page.object_list]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "credits/activity_list.html",
        {"filters": filters, "page": page, "rows": rows, "query": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request):
    """Log an activity: choose the kind, then fill in only that kind's fields."""
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    chooser = KindChoiceForm(initial={"kind": kind})
    if kind not in KIND_FIELDS:
        return render(request, "credits/activity_form.html", {"chooser": chooser, "form": None})
    form = ActivityForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Activity saved.")
            return redirect("activity_detail", pk=activity.pk)
    return render(
        request,
        "credits/activity_form.html",
        {"chooser": chooser, "form": form, "kind": kind, "kind_label": KIND_LABELS[kind]},
    )


@login_required
@require_GET
def activity_amount_preview(request):
    """htmx: beside the amount field, what the entry is worth to each of the person's certifications."""
    kind = request.GET.get("kind", "")
    previews = []
    if kind in KIND_FIELDS:
        form = ActivityForm(request.GET, kind=kind)
        form.is_valid()  # a half-filled form still gives the fields that are right
        values = {name: form.cleaned_data.get(name) for name in KIND_FIELDS[kind] if name != "new_credential"}
        if any(values.get(name) is not None for name in NUMBER_FIELDS):
            completed_on = form.cleaned_data.get("completed_on")
            activity = Activity(user=request.user, kind=kind, completed_on=completed_on, **values)
            previews = selectors.amount_preview(user=request.user, activity=activity)
    return render(request, "credits/_amount_preview.html", {"previews": previews})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    if activity.source == Activity.PROVIDER or activity.kind not in KIND_FIELDS:
        messages.error(request, "This activity was reported by a provider; ask the provider to correct it.")
        return redirect("activity_detail", pk=activity.pk)
    initial = {name: getattr(activity, name) for name in ("kind", "completed_on", "title", "notes")}
    initial.update({name: getattr(activity, name) for name in KIND_FIELDS.get(activity.kind, ())})
    form = ActivityForm(request.POST or None, kind=activity.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:
            services.activity_update(actor=request.user, activity=activity, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Activity updated.")
            return redirect("activity_detail", pk=activity.pk)
    return render(
        request,
        "credits/activity_form.html",
        {"form": form, "kind": activity.kind, "kind_label": KIND_LABELS.get(activity.kind), "activity": activity},
    )


@login_required
def activity_detail(request, pk):
    return _activity_page(request, selectors.activity_get(user=request.user, pk=pk))


def _activity_page(request, activity, *, evidence_form=None, petition_form=None):
    """The activity page; a refused upload or petition comes back here with its form bound, so each error
    sits under its own field (marked aria-invalid) instead of in a banner at the top."""
    refused = evidence_form is not None or petition_form is not None
    applications = selectors.activity_applications(user=request.user).get(activity.pk, [])
    petitions = list(selectors.petition_list(user=request.user).filter(activity=activity))
    holds = selectors.evidence_retention(activity=activity)
    if petition_form is None:
        # Offer a petition where it can help: organizations whose rules do not approve this activity.
        organizations = selectors.petition_organizations(
            user=request.user, activity=activity, applications=applications
        )
        petition_form = PetitionForm(organizations=organizations) if organizations else None
    return render(
        request,
        "credits/activity_detail.html",
        {
            "activity": activity,
            "kind_label": short_label(activity.kind),
            "applications": applications,
            "evidence": list(activity.evidence.all()),
            "petitions": petitions,
            "retention": selectors.retention_summary(holds),
            "evidence_form": evidence_form or EvidenceForm(),
            "petition_form": petition_form,
            "history": selectors.activity_history(user=request.user, activity=activity),
        },
        status=400 if refused else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.activity_delete(actor=request.user, activity=activity)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect("activity_detail", pk=activity.pk)
        messages.success(request, "Activity deleted.")
        return redirect("activity_list")
    holds = selectors.evidence_retention(activity=activity) if activity.evidence.exists() else []
    return render(
        request,
        "credits/activity_confirm_delete.html",
        {"activity": activity, "retention": selectors.retention_summary(holds)},
    )


@login_required
@require_GET
def course_lookup(request):
    """htmx, as the person types: is this course number well formed, known, and what is it worth?"""
    organization = (
        Organization.objects.certifying().filter(short_name__iexact=request.GET.get("awarding_org", "").strip()).first()
    )
    result = None
    if organization is not None:
        result = selectors.course_lookup(number=request.GET.get("course_number", ""), organization=organization)
    return render(request, "credits/_course_lookup.html", {"result": result, "organization": organization})


@csrf_exempt
@login_required
@require_POST
def evidence_upload(request, pk):
    # The size-capped upload handler must be installed before the body is read (CSRF reads it too).
    install_upload_handlers(request)
    return _evidence_upload(request, pk)


@csrf_protect
def _evidence_upload(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    if content_length_too_big(request):
        form = EvidenceForm(data={}, files={})
        form.errors.clear()  # the file came, too big: not "this field is required"
        form.add_error("file", "This file is larger than 10 MB. Upload a smaller scan or photo.")
        return _activity_page(request, activity, evidence_form=form)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_attach(actor=request.user, activity=activity, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.message_dict.get("file", error.messages))
        else:
            messages.success(request, "File attached.")
            return redirect("activity_detail", pk=activity.pk)
    return _activity_page(request, activity, evidence_form=form)


@login_required
@require_GET
def evidence_file(request, pk):
    """Serve an evidence file to whoever `evidence_visible_to` admits; 404 to everyone else."""
    evidence = selectors.evidence_get_visible(user=request.user, pk=pk)
    try:
        handle = default_storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("No such file.") from exc
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in the response may load or run anything; images are also sandboxed (browsers refuse to
    # show a PDF in a sandbox, and their PDF viewers run no page script under default-src 'none').
    csp = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    response["Content-Security-Policy"] = csp if evidence.content_type == "application/pdf" else csp + "; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request, pk):
    evidence = Evidence.objects.select_related("activity").filter(pk=pk, activity__user=request.user).first()
    if evidence is None:
        raise Http404("No such file.")
    if request.method == "POST":
        try:
            services.evidence_delete(actor=request.user, evidence=evidence)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, "File deleted.")
        return redirect("activity_detail", pk=evidence.activity_id)
    holds = selectors.evidence_retention(activity=evidence.activity)
    return render(
        request,
        "credits/evidence_confirm_delete.html",
        {"evidence": evidence, "retention": selectors.retention_summary(holds)},
    )


@login_required
@require_POST
def petition_create(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    organizations = selectors.petition_organizations(user=request.user, activity=activity)
    form = PetitionForm(request.POST, organizations=organizations)
    if form.is_valid():
        try:
            services.petition_submit(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Petition sent to {form.cleaned_data['organization'].short_name}.")
            return redirect("activity_detail", pk=activity.pk)
    return _activity_page(request, activity, petition_form=form)


@login_required
def petition_list(request):
    page = Paginator(selectors.petition_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credits/petition_list.html", {"page": page})
