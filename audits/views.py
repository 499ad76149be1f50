"""The audited person's page (what is missing, with links to add evidence) and the staff audit pages
under /org/<slug>/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Membership
from accounts.services import log_action
from accounts.tenancy import staff_form_post, staff_view
from audits.forms import AuditOutcomeForm
from audits.models import Audit, AuditPacket
from audits.selectors import audit_documentation, audit_for_person, audit_list, audit_pass_gaps
from audits.services import audit_decide, audit_packet_request, audit_submit


@login_required
def audit_detail(request, pk):
    try:
        audit = audit_for_person(user=request.user, pk=pk)
    except Audit.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            audit_submit(user=request.user, audit_id=audit.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "Thank you: your documents are marked ready, and the audit is now in the auditors' queue."
            )
        return redirect("audit_detail", audit.pk)
    return render(
        request, "audits/audit_detail.html", {"audit": audit, "documentation": audit_documentation(audit=audit)}
    )


DECIDERS = (Membership.ADMIN, Membership.AUDITOR)


@staff_view()
def org_audits(request):
    status = request.GET.get("status", "")
    if status not in dict(Audit.STATUS_CHOICES):
        status = ""
    page = Paginator(audit_list(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audits/org_audits.html",
        {"page": page, "status": status, "statuses": Audit.STATUS_CHOICES, "query": f"status={status}"},
    )


@staff_view()
def org_audit(request, pk):
    audit = get_object_or_404(Audit.objects.select_related("user", "cycle__certification__credential"), pk=pk)
    documentation = audit_documentation(audit=audit)
    form = AuditOutcomeForm(request.POST or None, gaps=audit_pass_gaps(audit=audit, documentation=documentation))
    can_decide = request.membership.role in DECIDERS and audit.status not in (Audit.PASSED, Audit.FAILED)
    if request.method == "POST" and staff_form_post(
        request,
        form,
        roles=DECIDERS,
        success="Outcome recorded.",
        act=lambda data: audit_decide(
            actor=request.user,
            organization=request.organization,
            audit_id=audit.pk,
            outcome=data["outcome"],
            note=data["note"],
            more_credits_by=data["more_credits_by"],
        ),
    ):
        return redirect("org_audit", request.organization.slug, audit.pk)
    return render(
        request,
        "audits/org_audit.html",
        {
            "audit": audit,
            "documentation": documentation,
            "form": form,
            "can_decide": can_decide,
            "packet": audit.packets.first(),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_view()
def org_audit_packet_request(request, pk):
    audit = get_object_or_404(Audit, pk=pk)  # another organization's: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    packet = audit_packet_request(actor=request.user, audit=audit)
    if request.headers.get("HX-Request"):
        return render(request, "audits/_packet.html", {"audit": audit, "packet": packet})
    return redirect("org_audit", request.organization.slug, audit.pk)


@staff_view()
def org_audit_packet(request, pk):
    """The packet's state, polled by the audit page with htmx."""
    packet = get_object_or_404(AuditPacket.objects.select_related("audit"), pk=pk)
    return render(request, "audits/_packet.html", {"audit": packet.audit, "packet": packet})


@staff_view()
def org_audit_packet_download(request, pk):
    packet = get_object_or_404(AuditPacket, pk=pk, state=AuditPacket.DONE)
    if not packet.file:
        raise Http404
    # Reading a person's documents is a staff action like any other: who, when, which packet.
    log_action(
        actor=request.user,
        action="audit_packet.downloaded",
        obj=packet,
        organization=request.organization,
        subject_user=packet.audit.user,
        data={"audit": packet.audit_id},
    )
    response = FileResponse(packet.file.open("rb"), as_attachment=True, filename=f"audit-{packet.audit_id}-packet.pdf")
    response["Content-Type"] = "application/pdf"
    response["X-Content-Type-Options"] = "nosniff"
    return response
