"""Trainer pages of certificate intake: drop files, watch them being read, confirm or discard each draft."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import TooManyFilesSent, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cectracker.forms import add_service_errors
from credits.intake import selectors, services
from credits.intake.forms import DraftConfirmForm, IntakeUploadForm
from credits.intake.reader import ocr_available
from credits.uploads import content_length_too_big, install_upload_handlers

TOO_MANY = f"At most {services.MAX_FILES} files an upload: choose fewer and upload the rest next."


def body_too_big(request) -> bool:
    """An upload body far beyond 50 files of the size limit is refused before it is read."""
    return content_length_too_big(request, files=services.MAX_FILES)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def intake_upload(request):
    if request.method == "POST":
        install_upload_handlers(request)  # before the body is read (CSRF reads it too): files capped, on disk
        if body_too_big(request):
            return _too_many(request)
    try:
        return _intake_upload(request)
    except TooManyFilesSent:  # raised while the body is parsed, before anything is written
        return _too_many(request)


def _too_many(request):
    form = IntakeUploadForm(data={}, files={})
    form.is_valid()
    form.errors["files"] = form.error_class([TOO_MANY])
    return _upload_page(request, form)


def _upload_page(request, form):
    status = 400 if form.errors else 200
    return render(request, "credits/intake/upload.html", {"form": form, "ocr": ocr_available()}, status=status)


@csrf_protect
def _intake_upload(request):
    form = IntakeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.intake_start(actor=request.user, uploads=form.cleaned_data["files"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("intake_job", pk=job.pk)
    return _upload_page(request, form)


def _job_context(request, job, forms=None):
    progress = selectors.intake_job_progress(job=job)
    forms = forms or {}
    rows = []
    for draft in progress.drafts:
        form = forms.get(draft.pk)
        if form is None and draft.is_open:
            form = DraftConfirmForm(prefix=f"d{draft.pk}", initial=services.initial_values(draft))
        _with_sources(draft, form)
        rows.append((draft, form))
    return {"job": job, "progress": progress, "rows": rows, "ocr": ocr_available()}


def _confidence(found: dict) -> str:
    sure = Decimal(found.get("confidence") or "0")
    return "high" if sure >= Decimal("0.85") else "medium" if sure >= Decimal("0.6") else "low"


def _with_sources(draft, form) -> None:
    """Each field's help says what was read for it, how sure, and the line it came from (linked to the
    input by aria-describedby, as every help text is)."""
    if form is None:
        return
    found = draft.fields if isinstance(draft.fields, dict) else {}
    for name, field in form.fields.items():
        item = found.get(name)
        if isinstance(item, dict) and item.get("value") not in (None, ""):
            read = f"Read with {_confidence(item)} confidence ({item['confidence']}) from: “{item['source']}”."
            field.help_text = f"{field.help_text} {read}".strip()


@login_required
@require_GET
def intake_job(request, pk):
    job = selectors.intake_job_get(user=request.user, pk=pk)
    return render(request, "credits/intake/job.html", _job_context(request, job))


@login_required
@require_GET
def intake_job_progress(request, pk):
    """htmx polls this while files are being read: the progress bar, then the drafts once all are read."""
    job = selectors.intake_job_get(user=request.user, pk=pk)
    return render(request, "credits/intake/_job.html", _job_context(request, job))


@login_required
@require_POST
def draft_confirm(request, pk):
    draft = selectors.intake_draft_get(user=request.user, pk=pk)
    form = DraftConfirmForm(request.POST, prefix=f"d{draft.pk}")
    if form.is_valid():
        try:
            activity = services.intake_confirm(actor=request.user, draft=draft, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{activity}” saved with its certificate.")
            return redirect("intake_job", pk=draft.job_id)
    context = _job_context(request, draft.job, forms={draft.pk: form})
    return render(request, "credits/intake/job.html", context, status=400)


@login_required
@require_POST
def draft_discard(request, pk):
    draft = selectors.intake_draft_get(user=request.user, pk=pk)
    try:
        services.intake_discard(actor=request.user, draft=draft)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"“{draft.original_name}” discarded.")
    return redirect("intake_job", pk=draft.job_id)
