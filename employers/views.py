"""Employer pages (`/employer/<slug>/...`, through `accounts.tenancy.staff_view`) and the trainer's
sharing pages (`/sharing/...`, the person's own links only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_scopes import scopes_disabled

from accounts.apikeys.models import EmployerApiKey
from accounts.forms import ApiKeyForm
from accounts.models import ActionLog, Membership, Organization, User
from accounts.tenancy import staff_form_post, staff_view
from cectracker.forms import add_service_errors
from certifications.exports.csv import csv_lines
from employers import services
from employers.forms import (
    InviteForm,
    LocationForm,
    ReminderForm,
    RosterFilterForm,
    ShareLinkForm,
    SharingForm,
    StaffForm,
    TrainerLocationForm,
)
from employers.models import Consent, Link, Location
from employers.selectors import (
    employer_link,
    link_for_user,
    links_of,
    links_waiting,
    roster_rows,
    sharing_choices,
)

EMPLOYER = Organization.EMPLOYER
STAFF = (Membership.ADMIN, Membership.MANAGER)
PAGE_SIZE = 50


def employer_view(*roles, owned=None):
    """`staff_view` for employer pages: certifying organizations' staff get a 404 like anyone else."""
    return staff_view(*roles, owned=owned, kind=EMPLOYER)


def _filtered_rows(request):
    form = RosterFilterForm(request.GET or None, locations=list(Location.objects.all()))
    location = status = None
    if form.is_bound and form.is_valid():
        location, status = form.cleaned_data["location"], form.cleaned_data["status"] or None
    rows = roster_rows(
        organization=request.organization,
        as_of=timezone.localdate(),
        location_id=location.pk if location else None,
        status=status,
    )
    return form, rows


@employer_view()
def employer_roster(request):
    """Every shared certification with its live status, what needs attention first; 50 a page."""
    form, rows = _filtered_rows(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "employers/roster.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "total": len(rows),
            "attention": sum(1 for r in rows if r.needs_attention),
            "waiting": links_waiting(organization=request.organization)[:20],
            "query": query.urlencode(),
        },
    )


@employer_view()
def employer_roster_csv(request):
    """The filtered roster as CSV (cells that look like formulas are escaped)."""
    _, rows = _filtered_rows(request)
    header = [
        "Trainer", "Email", "Location", "Certification", "Organization", "Number", "Status", "Cycle ends",
        "Days left", "Grace ends", "CPR/AED valid until", "Required", "Earned", "Remaining", "Unit", "What is missing",
    ]  # fmt: skip

    def lines():
        yield header
        for r in rows:
            yield [
                r.trainer, r.email, r.location, r.credential, r.organization, r.number, r.status_label,
                r.cycle_end or "", "" if r.days_left is None else r.days_left, r.grace_until or "",
                r.cpr_aed_valid_until or "", r.required or "", r.earned if r.earned is not None else "",
                r.remaining if r.remaining is not None else "", r.unit, "; ".join(r.missing),
            ]  # fmt: skip

    response = StreamingHttpResponse(csv_lines(lines()), content_type="text/csv; charset=utf-8")
    filename = f"roster-{request.organization.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@employer_view(*STAFF)
def employer_invite(request):
    """Invite a trainer by email, or follow the one who gave you a share link; nothing is shared until they consent."""
    locations = list(Location.objects.all())
    by_share = request.POST.get("action") == "share_link"
    form = InviteForm(request.POST if request.method == "POST" and not by_share else None, locations=locations)
    share_form = ShareLinkForm(request.POST if by_share else None, locations=locations)
    if (
        request.method == "POST"
        and not by_share
        and staff_form_post(
            request,
            form,
            act=lambda data: services.trainer_invite(
                actor=request.user, organization=request.organization, email=data["email"], location=data["location"]
            ),
            success="Invitation sent. The trainer's certifications appear here once they choose to share them.",
        )
    ):
        return redirect("employer_roster", request.organization.slug)
    if by_share and staff_form_post(
        request,
        share_form,
        act=lambda data: services.trainer_link_by_share(
            actor=request.user,
            organization=request.organization,
            share_link=data["share_link"],
            location=data["location"],
        ),
        success="We asked the trainer to consent. Their certification appears here once they do.",
    ):
        return redirect("employer_roster", request.organization.slug)
    return render(request, "employers/invite.html", {"form": form, "share_form": share_form})


@employer_view(*STAFF, owned=(Link, "link_id"))
def employer_trainer(request, link_id: int):
    """One trainer: their shared certifications, their location; the employer may stop following them."""
    link = employer_link(organization=request.organization, pk=link_id)
    form = TrainerLocationForm(
        request.POST if request.POST.get("action") == "location" else None,
        locations=list(Location.objects.all()),
        initial={"location": str(link.location_id or "")},
    )
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            services.link_remove(actor=request.user, link=link)
            messages.success(request, f"{link.shown_as} is no longer on your roster.")
            return redirect("employer_roster", request.organization.slug)
        if staff_form_post(
            request,
            form,
            act=lambda data: services.link_location_set(actor=request.user, link=link, location=data["location"]),
            success="Location saved.",
        ):
            return redirect("employer_trainer", request.organization.slug, link.pk)
    rows = [r for r in roster_rows(organization=request.organization) if r.link_id == link.pk]
    return render(request, "employers/trainer.html", {"link": link, "rows": rows, "form": form})


@employer_view(*STAFF, owned=(Consent, "consent_id"))
@require_http_methods(["GET", "POST"])
def employer_remind(request, consent_id: int):
    """Send the trainer a reminder about one shared certification, with an optional note."""
    get_object_or_404(Consent, pk=consent_id, link__organization=request.organization)
    rows = [r for r in roster_rows(organization=request.organization) if r.consent_id == consent_id]
    if not rows or rows[0].status == "withdrawn":
        raise Http404("The trainer no longer shares this certification.")
    row = rows[0]
    form = ReminderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = services.trainer_message_send(
            actor=request.user, organization=request.organization, row=row, note=form.cleaned_data["note"],
            on=timezone.localdate(),
        )  # fmt: skip
        if sent:
            messages.success(request, f"Reminder sent to {row.trainer}.")
        else:
            messages.info(request, f"{row.trainer} already got a reminder about {row.credential} today.")
        return redirect("employer_roster", request.organization.slug)
    text = services.trainer_message_text(row=row)
    return render(request, "employers/remind.html", {"row": row, "form": form, "text": text})


@employer_view(Membership.ADMIN)
def employer_locations(request):
    form = LocationForm(request.POST or None)
    if request.method == "POST" and staff_form_post(
        request,
        form,
        act=lambda data: services.location_create(
            actor=request.user, organization=request.organization, name=data["name"]
        ),
        success="Location added.",
    ):
        return redirect("employer_locations", request.organization.slug)
    return render(request, "employers/locations.html", {"form": form, "locations": Location.objects.all()})


@employer_view(Membership.ADMIN)
def employer_staff(request):
    """The employer's admins and managers; an admin adds a person who has an account."""
    form = StaffForm(request.POST or None)

    def add(data):
        with scopes_disabled():
            user = User.objects.filter(email__iexact=data["email"].strip()).first()
            if user is None:
                raise ValidationError(
                    {"email": "No CEC Tracker account uses this address: ask them to create one first."}
                )
            if Membership.objects.filter(user=user, organization=request.organization).exists():
                raise ValidationError({"email": "This person is already on your staff."})
        services.employer_staff_add(actor=request.user, organization=request.organization, user=user, role=data["role"])

    if request.method == "POST" and request.POST.get("action") in ("manager", "admin", "remove"):
        key = request.POST.get("membership_id", "")
        if not key.isdigit():
            raise Http404("No such staff member.")
        membership = get_object_or_404(Membership.objects.select_related("user", "organization"), pk=int(key))
        action = request.POST["action"]
        try:
            services.employer_staff_change(
                actor=request.user, membership=membership, role=None if action == "remove" else action
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{membership.user.email}: {'removed' if action == 'remove' else action}.")
        return redirect("employer_staff", request.organization.slug)
    if request.method == "POST" and staff_form_post(request, form, act=add, success="Staff member added."):
        return redirect("employer_staff", request.organization.slug)
    members = Membership.objects.select_related("user").order_by("role", "user__email")
    return render(request, "employers/staff.html", {"form": form, "members": members})


@employer_view(Membership.ADMIN)
def employer_api_keys(request):
    """Roster API keys for HR systems: a new key is shown once, here."""
    form = ApiKeyForm(request.POST if request.POST.get("action") == "create_key" else None)
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "create_key" and form.is_valid():
            _, new_key = services.employer_api_key_create(
                actor=request.user, organization=request.organization, name=form.cleaned_data["name"]
            )
            form = ApiKeyForm()
        elif request.POST.get("action") == "revoke_key":
            key_id = request.POST.get("key_id", "")
            if not key_id.isdigit():
                raise Http404("No such key.")
            api_key = get_object_or_404(EmployerApiKey, pk=int(key_id))
            services.employer_api_key_revoke(actor=request.user, api_key=api_key)
            messages.success(request, f"Key {api_key.prefix}… revoked: requests with it are refused from now on.")
            return redirect("employer_api_keys", request.organization.slug)
    keys = EmployerApiKey.objects.select_related("created_by")
    response = render(request, "employers/api_keys.html", {"keys": keys, "form": form, "new_key": new_key})
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@employer_view(Membership.ADMIN)
def employer_action_log(request):
    page = Paginator(ActionLog.objects.select_related("actor", "subject_user"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/org_action_log.html", {"page": page})


# --- The trainer's side ---


@login_required
def sharing(request):
    """Which employers follow which of my certifications, and invitations waiting for an answer."""
    return render(request, "employers/sharing.html", {"links": links_of(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def sharing_detail(request, pk: int):
    """Choose, per certification, what one employer may see; or decline / stop sharing altogether."""
    link = link_for_user(user=request.user, pk=pk)
    choices = sharing_choices(user=request.user, link=link)

    def offered(certification):  # the certification whose share link the employer used, until answered
        return link.answered_at is None and certification.pk == link.share_certification_id

    form = SharingForm(
        request.POST or None,
        certifications=[c for c, _ in choices],
        initial={"certifications": [c.pk for c, shared in choices if shared or offered(c)]},
    )
    if request.method == "POST":
        if request.POST.get("action") == "decline":
            services.link_decline(user=request.user, link=link)
            messages.success(request, f"{link.organization.name} sees none of your certifications now.")
            return redirect("sharing")
        if form.is_valid():
            try:
                services.sharing_set(
                    user=request.user, link=link, certification_ids=set(form.cleaned_data["certifications"])
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Saved: {link.organization.name} sees exactly what you ticked.")
                return redirect("sharing")
    return render(request, "employers/sharing_detail.html", {"link": link, "form": form, "choices": choices})


@login_required
@require_POST
def sharing_withdraw(request, pk: int):
    """Withdraw one certification from one employer, at once."""
    with scopes_disabled():
        consent = get_object_or_404(
            Consent.objects.select_related("link__organization", "certification__credential"),
            pk=pk,
            link__user=request.user,
        )
    services.consent_withdraw(user=request.user, consent=consent)
    messages.success(
        request, f"{consent.link.organization.name} no longer sees your {consent.certification.display_code}."
    )
    return redirect("sharing")
