"""Writes for employers: staff, locations, invitations, the trainer's consent, messages and API keys.

Every staff action and every consent change is in the action log under the employer, so the employer's
log shows who invited whom and when a trainer shared or withdrew a certification."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.apikeys.models import EmployerApiKey
from accounts.models import Membership, Organization, User
from accounts.notifications.services import absolute, notify, send_email_task
from accounts.services import api_key_issue, api_key_retire, log_action, membership_set_role
from certifications.forecast import amount_text
from certifications.selectors import certifications_of
from employers.models import Consent, Link, Location
from employers.selectors import RosterRow


def employer_create(*, name: str, slug: str, short_name: str) -> Organization:
    """A new employer tenant (operators create them in the admin or with load_demo)."""
    employer = Organization(name=name.strip(), slug=slug, short_name=short_name.strip(), kind=Organization.EMPLOYER)
    employer.full_clean()
    employer.save()
    return employer


def employer_staff_add(*, actor: User | None, organization: Organization, user: User, role: str) -> Membership:
    """Make a person admin or manager of the employer (one membership per person and employer)."""
    membership = Membership(user=user, organization=organization, role=role)
    membership.full_clean()
    membership.save()
    log_action(
        actor=actor,
        action="employer.staff_added",
        obj=membership,
        organization=organization,
        subject_user=user,
        data={"after": {"email": user.email, "role": role}},
    )
    return membership


def employer_staff_change(*, actor: User, membership: Membership, role: str | None) -> None:
    """Give a staff member another role, or remove them (`role=None`); the employer always keeps an admin."""
    organization = membership.organization
    others = Membership.objects.filter(organization=organization, role=Membership.ADMIN).exclude(pk=membership.pk)
    if membership.role == Membership.ADMIN and role != Membership.ADMIN and not others.exists():
        raise ValidationError({"role": "The employer needs at least one admin: make someone else admin first."})
    if role is not None:
        membership_set_role(actor=actor, membership=membership, role=role)
        return
    log_action(
        actor=actor,
        action="employer.staff_removed",
        obj=membership,
        organization=organization,
        subject_user=membership.user,
        data={"before": {"email": membership.user.email, "role": membership.role}},
    )
    membership.delete()


def location_create(*, actor: User, organization: Organization, name: str) -> Location:
    """A new club or studio of the employer; names are unique within it."""
    location = Location(organization=organization, name=name.strip())
    try:
        location.full_clean()
    except ValidationError as exc:
        if "__all__" in exc.message_dict or "name" in exc.message_dict:
            raise ValidationError({"name": "You already have a location with this name."}) from None
        raise
    location.save()
    log_action(
        actor=actor,
        action="employer.location_created",
        obj=location,
        organization=organization,
        data={"after": {"name": location.name}},
    )
    return location


def trainer_invite(*, actor: User, organization: Organization, email: str, location: Location | None = None) -> Link:
    """Invite a trainer by email to share certifications. Someone with an account is notified; anyone
    else gets an email asking them to create one with that address. Nothing is shared until they consent."""
    email = email.strip().lower()
    if location is not None and location.organization_id != organization.pk:
        raise ValidationError({"location": "Choose one of your locations."})
    try:
        with transaction.atomic():
            link = Link.objects.create(organization=organization, email=email, location=location, invited_by=actor)
    except IntegrityError:
        raise ValidationError({"email": "This address is already on your roster or invited."}) from None
    log_action(
        actor=actor,
        action="employer.trainer_invited",
        obj=link,
        organization=organization,
        data={"after": {"email": email, "location": location.name if location else ""}},
    )
    with scopes_disabled():
        invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    context = {"employer": organization.name, "url": reverse("sharing")}
    if invitee is not None:
        notify(user=invitee, kind="employer_invite", key=f"link:{link.pk}", context=context)
    else:
        body = render_to_string(
            "employers/email/invite_signup.txt", {**context, "signup_url": absolute(reverse("account_signup"))}
        )
        subject = f"{organization.name} invites you to share your certifications"
        transaction.on_commit(lambda: send_email_task.delay(subject=subject, body=body, to=[email]))
    return link


def trainer_link_by_share(
    *, actor: User, organization: Organization, share_link: str, location: Location | None = None
) -> Link:
    """Follow the trainer who gave the employer a share link (`/verify/<token>`, pasted whole or as the token).
    The holder is asked to consent, with that certification offered first; nothing is shared before they do."""
    from certifications.proof.selectors import share_link_for_token

    token = share_link.strip().rstrip("/").rpartition("/verify/")[2] if "/verify/" in share_link else share_link.strip()
    share = share_link_for_token(token=token)
    if share is None:
        raise ValidationError(
            {"share_link": "This share link opens no certification (it may have been revoked): ask for a new one."}
        )
    if location is not None and location.organization_id != organization.pk:
        raise ValidationError({"location": "Choose one of your locations."})
    certification, holder = share.certification, share.certification.user
    with scopes_disabled():
        link = Link.objects.filter(organization=organization).filter(Q(user=holder) | Q(email=holder.email.lower()))
        link = link.first()
        if link is not None and Consent.objects.filter(link=link, certification=certification, withdrawn_at=None):
            raise ValidationError({"share_link": f"This trainer already shares this {certification.display_code}."})
    if link is None:
        link = Link.objects.create(
            organization=organization, email=holder.email.lower(), user=holder, location=location, invited_by=actor
        )
    link.share_certification = certification
    link.save(update_fields=["share_certification"])
    log_action(
        actor=actor,
        action="employer.trainer_linked_by_share",
        obj=link,
        organization=organization,
        data={"after": {"certification": certification.display_code, "location": location.name if location else ""}},
    )
    context = {"employer": organization.name, "url": reverse("sharing_detail", args=[link.pk])}
    notify(user=holder, kind="employer_invite", key=f"link:{link.pk}:share:{certification.pk}", context=context)
    return link


def sharing_set(*, user: User, link: Link, certification_ids: set[int]) -> Link:
    """The trainer answers an invitation or changes what the employer sees: exactly the certifications in
    `certification_ids` are shared from now on; any other that was shared is withdrawn at once."""
    with scopes_disabled(), transaction.atomic():
        link = Link.objects.select_for_update().select_related("organization").get(pk=link.pk)
        if link.user_id not in (None, user.pk):
            raise ValidationError({"certifications": "This invitation is not yours."})
        own = {c.pk: c for c in certifications_of(user=user)}
        unknown = set(certification_ids) - set(own)
        if unknown:
            raise ValidationError({"certifications": "Choose among your own certifications."})
        now = timezone.now()
        if link.answered_at is None or link.user_id is None:
            link.user, link.answered_at, link.declined_at = user, now, None
            try:
                with transaction.atomic():
                    link.save(update_fields=["user", "answered_at", "declined_at"])
            except IntegrityError:
                raise ValidationError({"certifications": "You already share with this employer."}) from None
        consents = {c.certification_id: c for c in Consent.objects.filter(link=link)}
        granted, withdrawn = [], []
        for pk in certification_ids:
            consent = consents.get(pk)
            if consent is None:
                Consent.objects.create(link=link, certification_id=pk, granted_at=now)
            elif consent.withdrawn_at is not None:
                consent.granted_at, consent.withdrawn_at = now, None
                consent.save(update_fields=["granted_at", "withdrawn_at"])
            else:
                continue
            granted.append(own[pk].display_code)
        for pk, consent in consents.items():
            if pk not in certification_ids and consent.withdrawn_at is None:
                consent.withdrawn_at = now
                consent.save(update_fields=["withdrawn_at"])
                withdrawn.append(own[pk].display_code if pk in own else str(pk))
        for action, codes in (("employer.consent_granted", granted), ("employer.consent_withdrawn", withdrawn)):
            if codes:
                log_action(
                    actor=user,
                    action=action,
                    obj=link,
                    organization=link.organization,
                    subject_user=user,
                    data={"after": {"certifications": sorted(codes), "employer": link.organization.name}},
                )
    return link


def consent_withdraw(*, user: User, consent: Consent) -> Consent:
    """Stop sharing one certification with one employer, at once."""
    with scopes_disabled():
        link = consent.link
        shared = set(
            Consent.objects.filter(link=link, withdrawn_at__isnull=True).values_list("certification_id", flat=True)
        )
        sharing_set(user=user, link=link, certification_ids=shared - {consent.certification_id})
        return Consent.objects.get(pk=consent.pk)


def link_decline(*, user: User, link: Link) -> None:
    """The trainer turns an invitation down (or stops sharing anything with the employer)."""
    sharing_set(user=user, link=link, certification_ids=set())
    with scopes_disabled():
        if link.user_id is None or not Consent.objects.filter(link=link).exists():
            Link.objects.filter(pk=link.pk).update(declined_at=timezone.now())
    log_action(
        actor=user, action="employer.invitation_declined", obj=link, organization=link.organization, subject_user=user
    )


def link_location_set(*, actor: User, link: Link, location: Location | None) -> Link:
    """Place a trainer at one of the employer's locations (or none)."""
    if location is not None and location.organization_id != link.organization_id:
        raise ValidationError({"location": "Choose one of your locations."})
    before = link.location.name if link.location else ""
    link.location = location
    link.save(update_fields=["location"])
    log_action(
        actor=actor,
        action="employer.trainer_location_changed",
        obj=link,
        organization=link.organization,
        subject_user=link.user,
        data={"before": {"location": before}, "after": {"location": location.name if location else ""}},
    )
    return link


def link_remove(*, actor: User, link: Link) -> None:
    """The employer stops following a trainer (or cancels an invitation); the consents go with it."""
    log_action(
        actor=actor,
        action="employer.trainer_removed",
        obj=link,
        organization=link.organization,
        subject_user=link.user,
        data={"before": {"email": link.email}},
    )
    link.delete()


def trainer_message_text(*, row: RosterRow) -> str:
    """The reminder in one sentence: "Your ACE-CPT ends in 30 days; 0.6 CECs to go."."""
    if row.status == "grace":
        until = f"{row.grace_until:%Y-%m-%d}"
        return f"Your {row.credential} is in its grace period until {until}; renew it to be certified again."
    parts = [f"Your {row.credential} ends in {row.days_left} day{'s' if row.days_left != 1 else ''}"]
    if row.days_left is not None and row.days_left <= 0:
        parts = [f"Your {row.credential} ended on {row.cycle_end:%Y-%m-%d}"]
    if row.remaining:
        parts.append(f"{amount_text(row.remaining)} {row.unit}s to go")
    parts += [line for line in row.missing if line.startswith(("CPR", "No CPR", "Renewal"))]
    return "; ".join(parts) + "."


def trainer_message_send(*, actor: User, organization: Organization, row: RosterRow, note: str = "", on: date) -> bool:
    """Send the trainer a reminder about one shared certification (at most one per certification a day).
    False when one was already sent today."""
    if row.status == "withdrawn":
        raise ValidationError({"certification": "The trainer no longer shares this certification."})
    with scopes_disabled():
        consent = Consent.objects.select_related("link__user").get(pk=row.consent_id, link__organization=organization)
    text = trainer_message_text(row=row)
    created = notify(
        user=consent.link.user,
        kind="employer_message",
        key=f"consent:{consent.pk}",
        due_on=on,
        context={"employer": organization.name, "text": text, "note": note.strip()[:500], "url": reverse("dashboard")},
    )
    if created:
        log_action(
            actor=actor,
            action="employer.trainer_reminded",
            obj=consent.link,
            organization=organization,
            subject_user=consent.link.user,
            data={"after": {"certification": row.credential, "text": text, "note": note.strip()[:500]}},
        )
    return created is not None


def employer_api_key_create(*, actor: User | None, organization: Organization, name: str) -> tuple[EmployerApiKey, str]:
    """A new roster API key for the employer: the row and the key itself, which is never shown again."""
    return api_key_issue(
        model=EmployerApiKey,
        actor=actor,
        organization=organization,
        action="employer.api_key_created",
        name=name,
        organization_id=organization.pk,
    )


def employer_api_key_revoke(*, actor: User, api_key: EmployerApiKey) -> EmployerApiKey:
    """Revoke a key at once: the next request with it is a 401."""
    return api_key_retire(
        actor=actor, api_key=api_key, organization=api_key.organization, action="employer.api_key_revoked"
    )
