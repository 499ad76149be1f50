"""The holder's emeritus application (RULES §5); staff decide it in the back office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_scopes import scopes_disabled

from .backoffice_selectors import emeritus_eligibility
from .backoffice_services import emeritus_apply
from .models import Certification
from .org_forms import EmeritusApplicationForm


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
        "certifications/emeritus_application.html",
        {"certification": certification, "eligibility": eligibility, "form": form, "pending": pending},
        status=400 if request.method == "POST" else 200,
    )
