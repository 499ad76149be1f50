"""Staff pages for renewals, certifications (reinstatement) and emeritus applications."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.models import Membership
from accounts.tenancy import staff_view
from cectracker.forms import add_service_errors

from .backoffice_selectors import emeritus_eligibility
from .backoffice_services import certification_reinstate, emeritus_decide
from .emeritus_models import EmeritusApplication
from .models import Certification, Renewal
from .org_forms import EmeritusDecisionForm, ReinstateForm
from .selectors import cycle_progress, renewal_quote


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
        "certifications/org_renewals.html",
        {"page": page, "fee_kind": fee_kind, "fee_kinds": Renewal.FEE_CHOICES, "query": f"fee_kind={fee_kind}"},
    )


@staff_view()
def org_certifications(request):
    q = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL in a query
    rows = Certification.objects.select_related("credential", "user").order_by("user__email", "credential__code")
    if q:
        rows = rows.filter(Q(user__email__icontains=q) | Q(user__name__icontains=q) | Q(number__iexact=q))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "certifications/org_certifications.html", {"page": page, "q": q, "query": f"q={q}"})


@staff_view()
def org_certification(request, pk):
    certification = get_object_or_404(Certification.objects.select_related("credential", "user"), pk=pk)
    cycle = certification.cycles.order_by("-start").first()
    today = timezone.localdate()
    form = ReinstateForm(initial={"on": today})
    can_reinstate = request.membership.role == Membership.ADMIN
    if request.method == "POST":
        if not can_reinstate:
            return render(request, "403.html", status=403)
        form = ReinstateForm(request.POST)
        if form.is_valid():
            try:
                certification_reinstate(
                    actor=request.user,
                    organization=request.organization,
                    certification_id=certification.pk,
                    on=form.cleaned_data["on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Reinstated; the fee is recorded with the renewal.")
                return redirect("org_certification", request.organization.slug, certification.pk)
    return render(
        request,
        "certifications/org_certification.html",
        {
            "certification": certification,
            "progress": cycle_progress(cycle=cycle, as_of=today) if cycle else None,
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
        "certifications/org_emeritus.html",
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
    form = EmeritusDecisionForm()
    if request.method == "POST":
        if request.membership.role not in (Membership.ADMIN, Membership.REVIEWER):
            return render(request, "403.html", status=403)
        form = EmeritusDecisionForm(request.POST)
        if form.is_valid():
            try:
                emeritus_decide(
                    actor=request.user,
                    organization=request.organization,
                    application_id=application.pk,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Decision recorded.")
                return redirect("org_emeritus_application", request.organization.slug, application.pk)
    return render(
        request,
        "certifications/org_emeritus_application.html",
        {
            "application": application,
            "eligibility": emeritus_eligibility(certification=application.certification, on=timezone.localdate()),
            "form": form,
            "can_decide": can_decide,
        },
        status=400 if request.method == "POST" else 200,
    )
