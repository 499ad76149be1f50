"""Platform operator pages: every organization with its file, and the import (preview, then publish).

Only superusers operate the platform (as for /admin/); anyone else gets a 404, so the pages don't show."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_scopes import scopes_disabled

from accounts.models import Organization
from certifications.orgfile.format import OrgFileInvalid, dump, load, schema
from certifications.orgfile.forms import ImportForm
from certifications.orgfile.services import organization_export, organization_import


def platform_operator(view):
    """Superusers only (others: 404); with two-factor where organization admins need it."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise Http404("No such page.")
        if settings.CECT_REQUIRE_MFA_FOR_ADMINS:
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(request.user):
                messages.warning(request, "Platform operators must turn on two-factor authentication first.")
                return redirect("mfa_activate_totp")
        with scopes_disabled():
            return view(request, *args, **kwargs)

    return wrapper


@platform_operator
def platform_organizations(request):
    organizations = Organization.objects.order_by("short_name")
    return render(
        request,
        "certifications/orgfile/platform_organizations.html",
        {"organizations": organizations, "form": ImportForm()},
    )


@platform_operator
def platform_import(request):
    """POST `action=preview`: a dry run, with every problem by path; `action=publish`: the import itself.

    The page carries the file's text on, so "Publish" sends exactly what was previewed."""
    if request.method != "POST":
        return redirect("platform_organizations")
    form = ImportForm(request.POST, request.FILES)
    report, problems = None, []
    if form.is_valid():
        raw = form.cleaned_data["raw"]
        publish = request.POST.get("action") == "publish"
        try:
            report = organization_import(
                actor=request.user,
                data=load(raw),
                effective_from=form.cleaned_data.get("effective_from"),
                dry_run=not publish,
            )
        except OrgFileInvalid as exc:
            problems = exc.errors
        else:
            if publish:
                messages.success(request, " ".join(report.changes))
                return redirect("platform_organizations")
        shown = ImportForm(
            {"text": raw.decode("utf-8", errors="replace"), "effective_from": request.POST.get("effective_from", "")}
        )
        shown.is_valid()
        if problems:
            shown.add_error("text", f"The file has {len(problems)} problem(s), listed above by where they are.")
        form = shown
    status = 200 if report is not None else 400
    context = {"form": form, "report": report, "errors": problems}
    return render(request, "certifications/orgfile/platform_import.html", context, status=status)


@platform_operator
@require_GET
def platform_export(request, slug):
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise Http404("No such organization.")
    try:
        data = organization_export(organization=organization)
    except ValidationError as exc:  # no published rules yet
        messages.error(request, " ".join(exc.messages))
        return redirect("platform_organizations")
    response = HttpResponse(dump(data), content_type="application/yaml; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{organization.slug}-{stamp}.yaml"'
    return response


@require_GET
def platform_schema(request):
    """The file format's JSON Schema, public: providers and bodies may check their files before sending them."""
    return JsonResponse(schema(), json_dumps_params={"indent": 2, "ensure_ascii": False})
