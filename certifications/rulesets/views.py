"""Staff pages for rule sets: list, edit a draft in a form, preview its effect, publish."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from accounts.models import Membership
from accounts.tenancy import staff_view
from cectracker.forms import FlexibleDateField
from certifications.models import Credential, RuleSetVersion
from certifications.rulesets.forms import (
    CapFormSet,
    CapReadOnlyFormSet,
    KindFormSet,
    RuleSetForm,
    attach_errors,
    initial_from_params,
    params_from_forms,
)
from certifications.rulesets.selectors import ruleset_preview
from certifications.rulesets.services import ruleset_draft_create, ruleset_draft_update, ruleset_publish


class PublishForm(forms.Form):
    effective_from = FlexibleDateField(label="In force from")


@staff_view()
def org_rulesets(request):
    versions = RuleSetVersion.objects.select_related("created_by", "published_by").order_by("-effective_from", "-id")
    return render(request, "certifications/rulesets/org_rulesets.html", {"versions": versions})


@staff_view(Membership.ADMIN)
@require_POST
def org_ruleset_new(request):
    try:
        draft = ruleset_draft_create(actor=request.user, organization=request.organization)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("org_rulesets", request.organization.slug)
    return redirect("org_ruleset", request.organization.slug, draft.pk)


def _forms(version, *, editable: bool, data=None):
    """The editor's three forms; read-only ones have every field disabled and no Delete or empty caps."""
    credentials = list(Credential.objects.filter(organization=version.organization).order_by("level", "code"))
    general, kinds, caps = initial_from_params(version.params, credentials)
    general["notes"] = version.notes
    forms_ = (
        RuleSetForm(data, initial=general, credentials=credentials),
        KindFormSet(data, initial=kinds, prefix="kinds"),
        (CapFormSet if editable else CapReadOnlyFormSet)(data, initial=caps, prefix="caps"),
    )
    if not editable:
        for form in [forms_[0], *forms_[1], *forms_[2]]:
            for field in form.fields.values():
                field.disabled = True
    return forms_


@staff_view()
def org_ruleset(request, pk):
    version = get_object_or_404(RuleSetVersion, pk=pk)
    editable = version.status == RuleSetVersion.DRAFT and request.membership.role == Membership.ADMIN
    general, kinds, caps = _forms(version, editable=editable)
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Only an admin can change a draft; a published version is read-only.")
        general, kinds, caps = _forms(version, editable=editable, data=request.POST)
        if general.is_valid() and kinds.is_valid() and caps.is_valid():
            params = params_from_forms(general, kinds, caps)
            try:
                ruleset_draft_update(
                    actor=request.user,
                    organization=request.organization,
                    version_id=version.pk,
                    params=params,
                    notes=general.cleaned_data["notes"],
                )
            except ValidationError as exc:
                attach_errors({k: " ".join(v) for k, v in exc.message_dict.items()}, general, kinds, caps)
            else:
                messages.success(request, "Draft saved.")
                return redirect("org_ruleset", request.organization.slug, version.pk)
        status = 400
    return render(
        request,
        "certifications/rulesets/org_ruleset.html",
        {
            "version": version,
            "editable": editable,
            "general": general,
            "kinds": kinds,
            "caps": caps,
            # Two forms with the same field on one page: each its own ids.
            "preview": PublishForm(initial={"effective_from": timezone.localdate()}, auto_id="preview_%s"),
            "publish": PublishForm(initial={"effective_from": timezone.localdate()}, auto_id="publish_%s"),
        },
        status=status,
    )


@staff_view(Membership.ADMIN, owned=(RuleSetVersion, "pk"))
def org_ruleset_preview(request, pk):
    version = get_object_or_404(RuleSetVersion, pk=pk)
    form = PublishForm(request.GET or {"effective_from": timezone.localdate().isoformat()})
    preview = None
    if form.is_valid():
        preview = ruleset_preview(
            version=version, effective_from=form.cleaned_data["effective_from"], as_of=timezone.localdate()
        )
    return render(
        request,
        "certifications/rulesets/org_ruleset_preview.html",
        {"version": version, "form": form, "preview": preview},
    )


@staff_view(Membership.ADMIN, owned=(RuleSetVersion, "pk"))
def org_ruleset_publish(request, pk):
    version = get_object_or_404(RuleSetVersion, pk=pk)  # another organization's: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            ruleset_publish(
                actor=request.user,
                organization=request.organization,
                version_id=version.pk,
                effective_from=form.cleaned_data["effective_from"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Published: in force from {date_format(form.cleaned_data['effective_from'])}.")
    else:
        messages.error(request, "Give the date the rules come into force.")
    return redirect("org_ruleset", request.organization.slug, version.pk)
