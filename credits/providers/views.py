"""The provider portal (`/provider/<id>/...`): pages for providers without developers. Thin: every write goes
through the same services as the partner API (`credits.providers.services`) or the back office's key services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import ApiKeyForm
from accounts.models import ProviderApiKey
from accounts.services import provider_api_key_create, provider_api_key_revoke
from accounts.tenancy import provider_staff_view
from cectracker.forms import add_service_errors
from certifications.exports.csv import csv_lines
from credits.models import ApprovedCourse
from credits.providers import roster, selectors, services
from credits.providers.forms import (
    CourseEditForm,
    CourseForm,
    RosterFileForm,
    RosterMappingForm,
    TypedRosterForm,
    VoidForm,
)
from credits.providers.models import ProviderCompletion, RosterUpload
from credits.uploads import content_length_too_big, install_upload_handlers

PREVIEW_PROBLEMS_SHOWN = 200
PREVIEW_SAMPLE = 10


def _course(request, course_id: int) -> ApprovedCourse:
    return get_object_or_404(ApprovedCourse, pk=course_id, provider=request.provider)


def _upload(request, upload_id: int):
    return get_object_or_404(RosterUpload.objects.defer("receipts"), pk=upload_id, provider=request.provider)


def _url(name: str, request, **kwargs) -> str:
    return reverse(name, kwargs={"provider_id": request.provider.pk, **kwargs})


@provider_staff_view
@require_GET
def provider_home(request):
    """The provider's landing page: what was reported, what waits to be claimed, the latest files."""
    provider = request.provider
    completions = ProviderCompletion.objects.filter(provider=provider)
    counts = {
        status: selectors.provider_completions(provider=provider, status=status).count()
        for status in selectors.STATUSES
    }
    return render(
        request,
        "credits/providers/home.html",
        {
            "counts": counts,
            "total": completions.count(),
            "courses": ApprovedCourse.objects.filter(provider=provider, is_retired=False).count(),
            "uploads": RosterUpload.objects.filter(provider=provider).defer("receipts")[:5],
        },
    )


# ----------------------------------------------------------------------------------------------- courses


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_courses(request):
    """The provider's courses with the organization's number and approval; register a new one."""
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.provider_course_create(provider=request.provider, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{course.course_number} {course.title} is in the {request.provider.organization} catalog."
            )
            return redirect(_url("provider_courses", request))
    courses = ApprovedCourse.objects.filter(provider=request.provider).order_by("is_retired", "course_number")
    return render(request, "credits/providers/courses.html", {"courses": courses, "form": form})


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_course(request, course_id: int):
    """Edit a course's title, credits or multi-session flag (the number stays)."""
    course = _course(request, course_id)
    initial = {"title": course.title, "amount": course.amount, "multi_session": course.multi_session}
    form = CourseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and not course.is_retired and form.is_valid():
        try:
            with transaction.atomic():
                services.provider_course_update(
                    provider=request.provider, course=course, changes=form.cleaned_data, actor=request.user
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{course.course_number} is saved.")
            return redirect(_url("provider_courses", request))
    return render(request, "credits/providers/course_form.html", {"course": course, "form": form})


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_course_retire(request, course_id: int):
    """Retire a course, after confirmation: no new completions; past activities keep counting."""
    course = _course(request, course_id)
    if request.method == "POST":
        services.provider_course_retire(provider=request.provider, course=course, actor=request.user)
        messages.success(request, f"{course.course_number} is retired; it takes no new completions.")
        return redirect(_url("provider_courses", request))
    return render(request, "credits/providers/course_retire.html", {"course": course})


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_course_roster(request, course_id: int):
    """Type a roster for one course: check (first name and last initial of known certification holders),
    then save through the same report service as the API."""
    course = _course(request, course_id)
    if course.is_retired:
        raise Http404("This course is retired.")
    form = TypedRosterForm(request.POST or None, course=course)
    checked = result = None
    if request.method == "POST" and form.is_valid():
        attendees = form.cleaned_data["attendees"]
        if request.POST.get("confirm") == "1":
            result = services.roster_typed_report(
                actor=request.user,
                provider=request.provider,
                course=course,
                completed_on=form.cleaned_data["completed_on"],
                attendees=attendees,
            )
            messages.success(request, f"{result['accepted']} of {result['received']} reported.")
            form = TypedRosterForm(course=course, initial={"completed_on": form.cleaned_data["completed_on"]})
            result["receipts"] = [{**r, "attendee": a} for r, a in zip(result["receipts"], attendees, strict=True)]
        else:
            names = selectors.holder_names(provider=request.provider, numbers=[a for a in attendees if "@" not in a])
            checked = [(a, names.get(a)) for a in attendees]
    return render(
        request,
        "credits/providers/course_roster.html",
        {"course": course, "form": form, "checked": checked, "result": result},
    )


@provider_staff_view
@require_GET
def provider_holder_lookup(request):
    """htmx, as a certification number is typed: the holder's first name and last initial, or that it waits."""
    number = request.GET.get("number", "").strip().upper()[:50]
    name = selectors.holder_names(provider=request.provider, numbers=[number]).get(number) if number else None
    return render(request, "credits/providers/_holder.html", {"number": number, "name": name})


# ------------------------------------------------------------------------------------------- completions


@provider_staff_view
@require_GET
def provider_completions(request):
    """Everything the provider reported, with each receipt's status today (matched, pending, voided)."""
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUSES else ""
    course_number = request.GET.get("course", "").strip().upper()[:20]
    rows = selectors.provider_completions(provider=request.provider, status=status, course_number=course_number)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for completion in page.object_list:
        completion.status = selectors.completion_status(completion)
    courses = ApprovedCourse.objects.filter(provider=request.provider).order_by("course_number")
    return render(
        request,
        "credits/providers/completions.html",
        {
            "page": page,
            "status": status,
            "course": course_number,
            "courses": courses,
            "statuses": selectors.STATUSES,
            "query": urlencode({k: v for k, v in (("status", status), ("course", course_number)) if v}),
        },
    )


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_completion_void(request, completion_id: int):
    """Void a reported completion, after confirmation: the activity stops counting; the log keeps both."""
    completion = get_object_or_404(
        ProviderCompletion.objects.select_related("course"), pk=completion_id, provider=request.provider
    )
    form = VoidForm(request.POST or None)
    if request.method == "POST" and completion.voided_at is None and form.is_valid():
        services.completion_void(
            provider=request.provider, completion=completion, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(request, "The completion is voided; it no longer counts for the attendee.")
        return redirect(_url("provider_completions", request))
    return render(request, "credits/providers/completion_void.html", {"completion": completion, "form": form})


# ------------------------------------------------------------------------------------------------ API keys


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_keys(request):
    """The provider's API keys: create one (shown once), see when each was last used, revoke."""
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, raw = provider_api_key_create(actor=request.user, provider=request.provider, name=form.cleaned_data["name"])
        request.session["new_provider_key"] = raw
        return redirect(_url("provider_keys", request))
    new_key = request.session.pop("new_provider_key", None)
    keys = ProviderApiKey.objects.filter(provider=request.provider).select_related("created_by")
    response = render(request, "credits/providers/keys.html", {"keys": keys, "form": form, "new_key": new_key})
    response["Cache-Control"] = "no-store"
    return response


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_key_revoke(request, key_id: int):
    api_key = get_object_or_404(ProviderApiKey, pk=key_id, provider=request.provider)
    if request.method == "POST":
        provider_api_key_revoke(actor=request.user, api_key=api_key)
        messages.success(request, f"{api_key} is revoked: requests that use it are now refused.")
        return redirect(_url("provider_keys", request))
    return render(request, "credits/providers/key_revoke.html", {"api_key": api_key})


@provider_staff_view
@require_GET
def provider_log(request):
    page = Paginator(selectors.provider_action_log(provider=request.provider), 50).get_page(request.GET.get("page"))
    return render(request, "credits/providers/log.html", {"page": page})


# ------------------------------------------------------------------------------------------------- rosters


@csrf_exempt
@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_uploads(request):
    """The upload history, and the roster upload form."""
    if request.method == "POST":
        # The size-capped handler must be in place before the body is read (the CSRF check reads it too).
        install_upload_handlers(request, limit=roster.max_bytes())
    return _uploads(request)


@csrf_protect
def _uploads(request):
    form = RosterFileForm()
    if request.method == "POST":
        if content_length_too_big(request, limit=roster.max_bytes()):
            form = RosterFileForm({}, {})
            form.full_clean()  # bound and invalid; the message says why
            form.errors["file"] = form.error_class([roster.too_big_message()])
        else:
            form = RosterFileForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    upload = services.roster_upload_create(
                        actor=request.user, provider=request.provider, upload=form.cleaned_data["file"]
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return redirect(_url("provider_upload", request, upload_id=upload.pk))
    uploads = RosterUpload.objects.filter(provider=request.provider).defer("receipts").select_related("uploaded_by")
    page = Paginator(uploads, 25).get_page(request.GET.get("page"))
    status = 400 if form.errors else 200
    return render(request, "credits/providers/uploads.html", {"form": form, "page": page}, status=status)


@provider_staff_view
@require_GET
def provider_roster_template(request, kind: str):
    if kind == "csv":
        body, content_type = roster.template_csv(), "text/csv; charset=utf-8"
    elif kind == "xlsx":
        body, content_type = roster.template_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404("No such template.")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="roster-template.{kind}"'
    return response


@provider_staff_view
@require_http_methods(["GET", "POST"])
def provider_upload(request, upload_id: int):
    """One roster: before submitting, the column mapping and each row's problems (nothing stored yet);
    while it is reported, a progress bar; afterwards, its receipts."""
    upload = _upload(request, upload_id)
    if upload.state not in (RosterUpload.PREVIEW, RosterUpload.FAILED):
        return _upload_result(request, upload)
    sheet = roster.stored_sheet(upload.file.name)
    courses = ApprovedCourse.objects.filter(provider=request.provider, is_retired=False).order_by("course_number")
    form = RosterMappingForm(
        request.POST or None,
        headers=sheet.headers,
        mapping=upload.mapping,
        courses=courses,
        default_course=upload.default_course_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_upload_map(
                actor=request.user,
                upload=upload,
                mapping=form.mapping(),
                default_course=form.cleaned_data["default_course"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_url("provider_upload", request, upload_id=upload.pk))
    preview = _preview(request, upload, sheet) if not form.errors else None
    earlier = (
        RosterUpload.objects.filter(provider=request.provider, sha256=upload.sha256, state=RosterUpload.DONE)
        .exclude(pk=upload.pk)
        .defer("receipts")
        .first()
    )
    return render(
        request,
        "credits/providers/upload_preview.html",
        {"upload": upload, "form": form, "preview": preview, "earlier": earlier, "headers": sheet.headers},
        status=400 if form.errors else 200,
    )


def _preview(request, upload: RosterUpload, sheet) -> dict | None:
    """Each row as the report would take it, and what the service would say of it (storing nothing)."""
    try:
        services.roster_mapping_clean(
            headers=sheet.headers, mapping=upload.mapping, default_course=upload.default_course
        )
    except ValidationError as exc:
        return {"mapping_errors": exc.messages}
    course = upload.default_course.course_number if upload.default_course else ""
    records = roster.roster_records(sheet=sheet, mapping=upload.mapping, default_course=course)
    checks = services.completion_records_check(provider=request.provider, records=records)
    problems, new, duplicates = [], 0, 0
    for (number, _), record, check in zip(sheet.rows, records, checks, strict=True):
        if check["status"] == "rejected":
            problems.append(
                {
                    "row": number,
                    "record": record,
                    "column": roster.FIELDS.get(check["field"], check["field"]),
                    "reason": check["reason"],
                }
            )
        elif check["duplicate"]:
            duplicates += 1
        else:
            new += 1
    sample = [
        (number, [record.get(field, "") for field in roster.FIELDS])
        for (number, _), record in zip(sheet.rows[:PREVIEW_SAMPLE], records, strict=False)
    ]
    return {
        "rows": len(records),
        "new": new,
        "duplicates": duplicates,
        "problem_count": len(problems),
        "problems": problems[:PREVIEW_PROBLEMS_SHOWN],
        "sample": sample,
        "fields": roster.FIELDS,
    }


def _upload_result(request, upload: RosterUpload):
    if upload.in_progress:
        return render(
            request, "credits/providers/upload_progress.html", {"upload": upload, "progress": _progress(upload)}
        )
    upload = get_object_or_404(RosterUpload, pk=upload.pk, provider=request.provider)  # with its receipts
    receipts = selectors.upload_receipts(upload=upload)
    wanted = request.GET.get("show", "")
    if wanted == "rejected":
        receipts = [r for r in receipts if r["status"] == "rejected"]
    elif wanted in selectors.STATUSES:
        receipts = [r for r in receipts if r.get("now") == wanted]
    page = Paginator(receipts, 100).get_page(request.GET.get("page"))
    query = urlencode({"show": wanted}) if wanted else ""
    context = {"upload": upload, "page": page, "show": wanted, "query": query}
    return render(request, "credits/providers/upload_receipts.html", context)


def _progress(upload: RosterUpload) -> dict:
    done = cache.get(services.roster_progress_key(upload.pk), 0) if upload.state == RosterUpload.RUNNING else 0
    return {"done": done, "total": upload.rows, "percent": int(100 * done / upload.rows) if upload.rows else 0}


@provider_staff_view
@require_POST
def provider_upload_submit(request, upload_id: int):
    upload = _upload(request, upload_id)
    try:
        services.roster_upload_submit(actor=request.user, upload=upload)
    except ValidationError as exc:
        messages.error(request, "Choose the columns first: " + " ".join(exc.messages))
    return redirect(_url("provider_upload", request, upload_id=upload.pk))


@provider_staff_view
@require_GET
def provider_upload_progress(request, upload_id: int):
    """htmx polls this while the roster is reported; once done it sends the browser to the receipts."""
    upload = _upload(request, upload_id)
    if not upload.in_progress:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _url("provider_upload", request, upload_id=upload.pk)
        return response
    return render(request, "credits/providers/_progress.html", {"upload": upload, "progress": _progress(upload)})


@provider_staff_view
@require_GET
def provider_upload_receipts_csv(request, upload_id: int):
    """The file's receipts as CSV: one line per row, with each completion's status today."""
    upload = get_object_or_404(RosterUpload, pk=upload_id, provider=request.provider)
    if upload.state != RosterUpload.DONE:
        raise Http404("This roster has no receipts yet.")
    columns = ["row", *roster.FIELDS, "status", "match", "now", "duplicate", "completion_id", "field", "reason"]
    header = [
        "Row",
        *roster.FIELDS.values(),
        "Receipt",
        "Match",
        "Status today",
        "Already reported",
        "Completion id",
        "Problem column",
        "Problem",
    ]

    receipts = selectors.upload_receipts(upload=upload)  # read here, in the provider's scope, not while streaming

    def rows():
        yield header
        for receipt in receipts:
            duplicate = receipt.get("duplicate")
            receipt = {**receipt, "duplicate": "" if duplicate is None else ("yes" if duplicate else "no")}
            yield ["" if receipt.get(column) is None else receipt[column] for column in columns]

    response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{upload.pk}-receipts.csv"'
    return response
