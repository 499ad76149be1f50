from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .models import ActionLog, Membership
from .tenancy import staff_view


def home(request):
    """Landing page for visitors; the trainer's dashboard once signed in."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request):
    """One card per certification: progress, days left, what is missing, a forecast and a chart."""
    from django.utils import timezone

    from certifications.selectors import user_dashboard

    today = timezone.localdate()
    cards = user_dashboard(user=request.user, as_of=today)
    return render(request, "accounts/dashboard.html", {"cards": cards, "today": today})


@require_GET
def healthz(request):
    """Liveness for the load balancer: no database or broker round trip."""
    return JsonResponse({"status": "ok"})


@staff_view()
def org_home(request):
    return render(request, "accounts/org_home.html", {"recent": ActionLog.objects.select_related("actor")[:10]})


@staff_view(Membership.ADMIN, Membership.AUDITOR)
def org_action_log(request):
    page = Paginator(ActionLog.objects.select_related("actor", "subject_user"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/org_action_log.html", {"page": page})


@staff_view(Membership.ADMIN)
def org_staff(request):
    members = Membership.objects.select_related("user").order_by("role", "user__email")
    return render(request, "accounts/org_staff.html", {"members": members})
