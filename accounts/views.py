from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .models import ActionLog, Membership
from .services import api_token_regenerate, api_token_revoke
from .tenancy import staff_view


def home(request):
    """Landing page for visitors; the trainer's dashboard once signed in."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """Create, regenerate or revoke the trainer's API token. A new key is shown once: it waits in the session
    only until the redirected page shows it, so a reload neither repeats the POST nor shows the key again."""
    from rest_framework.authtoken.models import Token

    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if api_token_revoke(user=request.user):
                messages.success(request, "Your API token is revoked: requests that use it are now refused.")
        else:
            request.session["new_api_token"] = api_token_regenerate(user=request.user)
        return redirect("api_token")
    token = Token.objects.filter(user=request.user).first()
    new_key = request.session.pop("new_api_token", None)
    return render(request, "accounts/api_token.html", {"token": token, "new_key": new_key if token else None})


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
