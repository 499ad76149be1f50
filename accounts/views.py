from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scopes_disabled

from accounts.forms import ApiKeyForm, ProfileForm, ProviderForm, ProviderStaffForm
from accounts.models import ActionLog, Membership, Provider, ProviderApiKey
from accounts.services import (
    api_token_regenerate,
    api_token_revoke,
    provider_api_key_create,
    provider_api_key_revoke,
    provider_create,
    provider_staff_add,
    provider_staff_remove,
)
from accounts.tenancy import staff_view
from cectracker.forms import add_service_errors
from certifications.backoffice.selectors import work_queue


def home(request):
    """Landing page for visitors; once signed in, the trainer's dashboard, or for staff who hold no
    certification of their own, their organization's work queue or their provider's portal."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    with scopes_disabled():
        has_certifications = request.user.certifications.exists()
        membership = None if has_certifications else request.user.memberships.select_related("organization").first()
        provider = None if has_certifications else request.user.providers.filter(is_active=True).first()
    if membership is not None:
        if membership.organization.kind == membership.organization.EMPLOYER:
            return redirect("employer_roster", membership.organization.slug)
        return redirect("org_home", membership.organization.slug)
    if provider is not None:
        return redirect("provider_home", provider.pk)
    return redirect("dashboard")


@transaction.non_atomic_requests  # reads only: no transaction (and no savepoints) around it
@require_GET
@login_required
def dashboard(request):
    """One card per certification: progress, days left, what is missing, a forecast and a chart."""
    from django.utils import timezone

    from audits.selectors import audits_open_for
    from certifications.statements.selectors import statements_dashboard

    today = timezone.localdate()
    cards = statements_dashboard(user=request.user, as_of=today)
    audits = audits_open_for(user=request.user)
    return render(request, "accounts/dashboard.html", {"cards": cards, "today": today, "open_audits": audits})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Name, time zone and date of birth, and where each other account setting lives, with its state."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from rest_framework.authtoken.models import Token

    from accounts.notifications.services import KINDS, preferences

    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Profile saved.")
            return redirect("profile")
    context = {
        "form": form,
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "two_factor": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        "token": Token.objects.filter(user=user).first(),
        "notifications_off": [KINDS[kind] for kind, on in preferences(user=user).items() if not all(on.values())],
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


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


# Who may read the action log: its page and the overview's recent entries (one rule for both).
LOG_READERS = (Membership.ADMIN, Membership.AUDITOR)


@staff_view()
def org_home(request):
    can_read_log = request.membership.role in LOG_READERS
    recent = ActionLog.objects.select_related("actor")[:10] if can_read_log else None
    queue = work_queue(organization=request.organization)
    return render(request, "accounts/org_home.html", {"recent": recent, "queue": queue})


@staff_view(*LOG_READERS)
def org_action_log(request):
    page = Paginator(ActionLog.objects.select_related("actor", "subject_user"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/org_action_log.html", {"page": page})


@staff_view(Membership.ADMIN)
def org_staff(request):
    members = Membership.objects.select_related("user").order_by("role", "user__email")
    return render(request, "accounts/org_staff.html", {"members": members})


@staff_view(Membership.ADMIN)
def org_providers(request):
    """The organization's approved course providers; an admin adds one here."""
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = provider_create(actor=request.user, organization=request.organization, **form.cleaned_data)
        except ValidationError:
            form.add_error("name", "A provider with this name already exists.")
        else:
            messages.success(request, f"{provider.name} added. Create an API key for it below.")
            return redirect("org_provider", request.organization.slug, provider.pk)
    providers = Provider.objects.annotate(
        key_count=Count("api_keys", filter=Q(api_keys__revoked_at__isnull=True), distinct=True),
        course_count=Count("courses", distinct=True),
    )
    return render(request, "accounts/org_providers.html", {"providers": providers, "form": form})


@staff_view(Membership.ADMIN, owned=(Provider, "provider_id"))
def org_provider(request, provider_id: int):
    """One provider: its API keys (a new key is shown once, here) and its courses."""
    provider = get_object_or_404(Provider, pk=provider_id)
    form = ApiKeyForm(request.POST if request.POST.get("action") == "create_key" else None)
    staff_form = ProviderStaffForm()
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "create_key" and form.is_valid():
            _, new_key = provider_api_key_create(actor=request.user, provider=provider, name=form.cleaned_data["name"])
            form = ApiKeyForm()
        elif request.POST.get("action") == "revoke_key":
            key_id = request.POST.get("key_id", "")
            if not key_id.isdigit():  # a non-number would be a ValueError (500) in the lookup
                raise Http404("No such key.")
            api_key = get_object_or_404(ProviderApiKey, pk=int(key_id), provider=provider)
            provider_api_key_revoke(actor=request.user, api_key=api_key)
            messages.success(request, f"Key {api_key.prefix}… revoked: requests with it are refused from now on.")
            return redirect("org_provider", request.organization.slug, provider.pk)
        elif request.POST.get("action") == "add_staff":
            staff_form = ProviderStaffForm(request.POST)
            if staff_form.is_valid():
                try:
                    person = provider_staff_add(actor=request.user, provider=provider, **staff_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(staff_form, exc)
                else:
                    messages.success(request, f"{person.email} can now use the {provider.name} portal.")
                    return redirect("org_provider", request.organization.slug, provider.pk)
        elif request.POST.get("action") == "remove_staff":
            user_id = request.POST.get("user_id", "")
            if not user_id.isdigit():
                raise Http404("No such person.")
            person = get_object_or_404(provider.users, pk=int(user_id))
            provider_staff_remove(actor=request.user, provider=provider, user=person)
            messages.success(request, f"{person.email} no longer has the {provider.name} portal.")
            return redirect("org_provider", request.organization.slug, provider.pk)
    response = render(
        request,
        "accounts/org_provider.html",
        {
            "provider": provider,
            "keys": provider.api_keys.select_related("created_by"),
            # 50 a page: a provider may have hundreds; the catalog page searches them.
            "courses": Paginator(provider.courses.order_by("course_number"), 50).get_page(request.GET.get("page")),
            "form": form,
            "new_key": new_key,
            "staff": provider.users.order_by("email"),
            "staff_form": staff_form,
        },
    )
    if new_key:
        response["Cache-Control"] = "no-store"  # the key is shown once; no cache keeps a copy
    return response
