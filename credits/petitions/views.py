"""Staff pages of the petition queue (under /org/<slug>/)."""

from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Membership
from accounts.tenancy import staff_form_post, staff_view
from credits.models import Petition
from credits.petitions.forms import PetitionDecisionForm, PetitionFilterForm
from credits.petitions.selectors import AGES, petition_queue, petition_queue_page, petition_suggested_amount
from credits.petitions.services import petition_decide

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
    return render(
        request, "credits/petitions/org_petitions.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@staff_view()
def org_petition(request, pk):
    petition = get_object_or_404(Petition.objects.select_related("activity__user", "decided_by"), pk=pk)
    can_decide = request.membership.role in DECIDERS and petition.status == Petition.PENDING
    suggested = petition_suggested_amount(petition=petition)
    form = PetitionDecisionForm(request.POST or None, initial={"amount": suggested})
    if request.method == "POST" and staff_form_post(
        request,
        form,
        roles=DECIDERS,
        success="Decision recorded; the trainer has been told.",
        act=lambda data: petition_decide(
            actor=request.user,
            organization=request.organization,
            petition_id=petition.pk,
            decision=data["decision"],
            amount=data["amount"],
            reason=data["reason"],
        ),
    ):
        return redirect("org_petition", request.organization.slug, petition.pk)
    evidence = list(petition.activity.evidence.all())
    certifications = petition.activity.user.certifications.filter(
        credential__organization=request.organization
    ).select_related("credential")
    return render(
        request,
        "credits/petitions/org_petition.html",
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
