"""The person's in-app notifications, their preferences, and the one-click unsubscribe (no login)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Notification, User
from accounts.notifications.services import (
    KINDS,
    notification_mark_read,
    notifications_for,
    notifications_mark_all_read,
    preferences,
    preferences_set,
    unread_count,
    unsubscribe_parse,
)


@login_required
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request, "accounts/notifications/list.html", {"page": page, "unread": unread_count(user=request.user)}
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read; with `open`, go on to what it is about."""
    try:
        notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if request.POST.get("open"):
        url = notifications_for(user=request.user).values_list("url", flat=True).get(pk=pk)
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            return redirect(url)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'' if count == 1 else 's'} as read.")
    return redirect("notification_list")


class PreferencesForm(forms.Form):
    """Two checkboxes per kind: email and in-app."""

    def __init__(self, *args, initial_preferences: dict[str, dict[str, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, label in KINDS.items():
            for channel in ("email", "in_app"):
                name = f"{kind}__{channel}"
                self.fields[name] = forms.BooleanField(
                    required=False, initial=initial_preferences[kind][channel], label=label
                )
            self.rows.append((label, self[f"{kind}__email"], self[f"{kind}__in_app"]))

    def values(self) -> dict[str, dict[str, bool]]:
        return {
            kind: {channel: self.cleaned_data[f"{kind}__{channel}"] for channel in ("email", "in_app")}
            for kind in KINDS
        }


@login_required
def notification_preferences(request):
    form = PreferencesForm(request.POST or None, initial_preferences=preferences(user=request.user))
    if request.method == "POST" and form.is_valid():
        preferences_set(user=request.user, values=form.values())
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notification_preferences")
    return render(request, "accounts/notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the authorization; mail clients POST here (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request, token: str):
    """GET shows what the link does (link scanners must not unsubscribe anyone); POST switches the
    kind's email off. A tampered token is a 404."""
    parsed = unsubscribe_parse(token=token)
    if parsed is None:
        raise Http404
    user = User.objects.filter(pk=parsed[0]).first()
    if user is None:
        raise Http404
    kind = parsed[1]
    if request.method == "POST":
        preferences_set(user=user, values={kind: {"email": False}})
        return render(request, "accounts/notifications/unsubscribed.html", {"label": KINDS[kind], "done": True})
    return render(request, "accounts/notifications/unsubscribed.html", {"label": KINDS[kind], "done": False})
