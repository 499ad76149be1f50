"""Back office pages for renewals, certifications (reinstatement) and emeritus applications, and the
holder's emeritus application (RULES §5) that staff decide here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Membership
from accounts.tenancy import staff_form_post, staff_view
from certifications.backoffice.forms import EmeritusApplicationForm, EmeritusDecisionForm, ReinstateForm
from certifications.backoffice.models import EmeritusApplication
from certifications.backoffice.selectors import emeritus_eligibility
from certifications.backoffice.services import certification_reinstate, emeritus_apply, emeritus_decide
from certifications.models import Certification, Renewal
from certifications.selectors import renewal_quote
from certifications.statements.selectors import statements_cycle_progress


@staff_view()
def org_renewals(request):
    fee_kind = request.GET.get("fee_kind", "")
    rows = Renewal.objects.select_related(
        "cycle__certification__credential", "cycle__certification__user", "next_cycle", "submitted_by", "audit"
    ).order_by("-submitted_at", "-id")
    if fee_kind in dict(Renewal.FEE_CHOICES):
        rows = rows.filter(fee_kind=fee_kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certifications/backoffice/org_renewals.html",
        {"page": page, "fee_kind": fee_kind, "fee_kinds": Renewal.FEE_CHOICES, "query": f"fee_kind={fee_kind}"},
    )


@staff_view()
def org_certifications(request):
    q = request.GET.get("q", "").strip()
    rows = Certification.objects.select_related("credential", "user").order_by("user__email", "credential__code")
    if q:
        rows = rows.filter(Q(user__email__icontains=q) | Q(user__name__icontains=q) | Q(number__iexact=q))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "certifications/backoffice/org_certifications.html", {"page": page, "q": q, "query": f"q={q}"}
    )


@staff_view()
def org_certification(request, pk):
    certification = get_object_or_404(Certification.objects.select_related("credential", "user"), pk=pk)
    cycle = certification.cycles.order_by("-start").first()
    today = timezone.localdate()
    form = ReinstateForm(request.POST or None, initial={"on": today})
    can_reinstate = request.membership.role == Membership.ADMIN
    if request.method == "POST" and staff_form_post(
        request,
        form,
        roles=(Membership.ADMIN,),
        success="Reinstated; the fee is recorded with the renewal.",
        act=lambda data: certification_reinstate(
            actor=request.user, organization=request.organization, certification_id=certification.pk, on=data["on"]
        ),
    ):
        return redirect("org_certification", request.organization.slug, certification.pk)
    return render(
        request,
        "certifications/backoffice/org_certification.html",
        {
            "certification": certification,
            "progress": statements_cycle_progress(cycle=cycle, as_of=today) if cycle else None,
            "quote": renewal_quote(certification=certification, cycle=cycle, on=today) if cycle else None,
            "cycles": certification.cycles.select_related("renewal").order_by("-start"),
            "form": form,
            "can_reinstate": can_reinstate,
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_view()
def org_emeritus(request):
    status = request.GET.get("status", EmeritusApplication.PENDING)
    rows = EmeritusApplication.objects.select_related("certification__credential", "certification__user")
    if status in dict(EmeritusApplication.STATUS_CHOICES):
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certifications/backoffice/org_emeritus.html",
        {"page": page, "status": status, "statuses": EmeritusApplication.STATUS_CHOICES, "query": f"status={status}"},
    )


@staff_view()
def org_emeritus_application(request, pk):
    application = get_object_or_404(
        EmeritusApplication.objects.select_related("certification__credential", "certification__user"), pk=pk
    )
    can_decide = (
        request.membership.role in (Membership.ADMIN, Membership.REVIEWER)
        and application.status == EmeritusApplication.PENDING
    )
    form = EmeritusDecisionForm(request.POST or None)
    if request.method == "POST" and staff_form_post(
        request,
        form,
        roles=(Membership.ADMIN, Membership.REVIEWER),
        success="Decision recorded.",
        act=lambda data: emeritus_decide(
            actor=request.user,
            organization=request.organization,
            application_id=application.pk,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        ),
    ):
        return redirect("org_emeritus_application", request.organization.slug, application.pk)
    return render(
        request,
        "certifications/backoffice/org_emeritus_application.html",
        {
            "application": application,
            "eligibility": emeritus_eligibility(certification=application.certification, on=timezone.localdate()),
            "form": form,
            "can_decide": can_decide,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def emeritus_application(request, pk):
    """The holder's emeritus application: the conditions checked, a retired attestation, one click."""
    with scopes_disabled():
        certification = get_object_or_404(
            Certification.objects.select_related("credential__organization"), pk=pk, user=request.user
        )
        pending = certification.emeritus_applications.filter(status="pending").first()
    eligibility = emeritus_eligibility(certification=certification, on=timezone.localdate())
    form = EmeritusApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            emeritus_apply(user=request.user, certification=certification, retired_attested=True)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Application sent; the organization will decide.")
            return redirect("emeritus_application", certification.pk)
    return render(
        request,
        "certifications/backoffice/emeritus_application.html",
        {"certification": certification, "eligibility": eligibility, "form": form, "pending": pending},
        status=400 if request.method == "POST" else 200,
    )
