"""Staff pages of the petition queue (under /org/<slug>/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Membership
from accounts.tenancy import staff_view
from cectracker.forms import add_service_errors

from .models import Petition
from .org_forms import PetitionDecisionForm, PetitionFilterForm
from .petition_selectors import AGES, petition_queue, petition_queue_page, petition_suggested_amount
from .petition_services import petition_decide

DECIDERS = (Membership.ADMIN, Membership.REVIEWER)


@staff_view()
def org_petitions(request):
    form = PetitionFilterForm(request.GET or None, organization=request.organization)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = petition_queue(
        organization=request.organization,
        status=filters.get("status", ""),
        credential_id=filters["credential"].pk if filters.get("credential") else None,
        min_age_days=AGES.get(filters.get("age", "")),
    )
    page = petition_queue_page(rows=rows, number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "credits/org_petitions.html", {"form": form, "page": page, "query": query.urlencode()})


@staff_view()
def org_petition(request, pk):
    petition = get_object_or_404(Petition.objects.select_related("activity__user", "decided_by"), pk=pk)
    can_decide = request.membership.role in DECIDERS and petition.status == Petition.PENDING
    suggested = petition_suggested_amount(petition=petition)
    form = PetitionDecisionForm(initial={"amount": suggested})
    if request.method == "POST":
        if request.membership.role not in DECIDERS:
            return render(request, "403.html", status=403)
        form = PetitionDecisionForm(request.POST)
        if form.is_valid():
            try:
                petition_decide(
                    actor=request.user,
                    organization=request.organization,
                    petition_id=petition.pk,
                    decision=form.cleaned_data["decision"],
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Decision recorded; the trainer has been told.")
                return redirect("org_petition", request.organization.slug, petition.pk)
    evidence = list(petition.activity.evidence.all())
    certifications = petition.activity.user.certifications.filter(
        credential__organization=request.organization
    ).select_related("credential")
    return render(
        request,
        "credits/org_petition.html",
        {
            "petition": petition,
            "form": form,
            "can_decide": can_decide,
            "suggested": suggested,
            "evidence": evidence,
            "certifications": certifications,
        },
        status=400 if request.method == "POST" else 200,
    )
