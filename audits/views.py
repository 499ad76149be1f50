"""The audited person's page: what is missing, with links to add evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from .models import Audit
from .selectors import audit_documentation, audit_for_person
from .services import audit_submit


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
