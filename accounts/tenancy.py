"""The one place where organization staff are admitted: membership, role, MFA, then the scope; and the one
place where a course provider's staff are admitted to its portal.

Both kinds of tenant come in here: certifying organizations (the back office, `/org/<slug>/`) and
employers (`/employer/<slug>/`). A view names the kind it serves; staff of the other kind get the
same 404 as outsiders, so an employer's staff never see a back office and the reverse."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Organization, Provider
from cectracker.forms import add_service_errors


def staff_membership(user, org_slug: str, kind: str = Organization.CERTIFYING) -> Membership | None:
    """The user's membership of the organization of this kind with this slug, or None."""
    if not user.is_authenticated:
        return None
    with scopes_disabled():
        return (
            Membership.objects.select_related("organization")
            .filter(user=user, organization__slug=org_slug, organization__kind=kind)
            .first()
        )


def mfa_satisfied(user, membership: Membership) -> bool:
    """False for an organization admin without two-factor where it is required: they act as staff nowhere."""
    if not (settings.CECT_REQUIRE_MFA_FOR_ADMINS and membership.role == Membership.ADMIN):
        return True
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


def staff_view(*roles: str, owned: tuple[type[Model], str] | None = None, kind: str = Organization.CERTIFYING):
    """Decorate a view under /org/<org_slug>/ (or /employer/<org_slug>/ with `kind=Organization.EMPLOYER`):
    outsiders and staff of the other kind of tenant get 404, members without the role 403.

    `owned` names the model and URL argument of the object the view acts on: it is looked up in the
    organization before the role is checked, so another organization's or a missing id is a 404 for
    everyone and a 403 never confirms that an id exists. The view runs inside the organization's
    scope, so every scoped query is limited to it."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, org_slug, *args, **kwargs):
            membership = staff_membership(request.user, org_slug, kind)
            if membership is None:
                raise Http404("No such organization.")
            if roles and membership.role not in roles:
                if owned is not None:
                    model, argument = owned
                    with scope(organization=membership.organization):
                        get_object_or_404(model, pk=kwargs[argument])
                raise PermissionDenied("Your role does not allow this.")
            if not mfa_satisfied(request.user, membership):
                messages.warning(request, "Organization admins must turn on two-factor authentication first.")
                return redirect("mfa_activate_totp")
            request.organization = membership.organization
            request.membership = membership
            return _in_scope(membership.organization, view, request, *args, **kwargs)

        return wrapper

    return decorator


def _in_scope(organization, view, request, *args, **kwargs):
    """Run the view in the organization's scope, rendering a lazy response there too."""
    with scope(organization=organization):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    return response


def staff_form_post(request, form, *, act, success: str, roles: tuple[str, ...] = ()) -> bool:
    """The back office's one POST shape. A member outside `roles` is refused (403); then the bound form
    is validated and `act(cleaned_data)` calls the service, whose ValidationError lands on the form.
    True when the service went through: `success` is queued as a message and the view redirects."""
    if roles and request.membership.role not in roles:
        raise PermissionDenied("Your role does not allow this.")
    if not form.is_valid():
        return False
    try:
        act(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, success)
    return True


def provider_staff_view(view):
    """Decorate a view under /provider/<provider_id>/: only the provider's own staff (its `users`) get in;
    everyone else, and a provider switched off, get 404. The view runs in the provider's organization scope
    with `request.provider`; it fetches objects through `request.provider`, so another provider's are 404."""

    @wraps(view)
    @login_required
    def wrapper(request, provider_id, *args, **kwargs):
        with scopes_disabled():
            provider = (
                Provider.objects.select_related("organization")
                .filter(pk=provider_id, users=request.user, is_active=True)
                .first()
            )
        if provider is None:
            raise Http404("No such provider.")
        request.provider = provider
        return _in_scope(provider.organization, view, request, *args, **kwargs)

    return wrapper
