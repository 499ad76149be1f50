"""Pages for proof of certification: the holder's share links and credential downloads, the public share page,
and the public documents a verifier fetches (DID document, JWKS, status lists, JSON-LD contexts)."""

import json
import re

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from certifications.proof.credentials import (
    CONTEXT_FILES,
    OB_V3,
    PURPOSES,
    STATUS_LIST_TTL_SECONDS,
    VC_V2,
    context_document,
    credential_jwt,
    credential_signed,
    status_list_credential,
)
from certifications.proof.selectors import certification_standing, credential_cycles, public_proof, share_links_of
from certifications.proof.services import credential_issue, share_link_create, share_link_open, share_link_revoke
from certifications.proof.signing import did_document, jwks
from certifications.selectors import certification_cycle, certification_for_user


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label="Who is it for? (optional, only you see this)",
        max_length=80,
        required=False,
        error_messages={"max_length": "Keep the note to %(limit_value)d characters (it has %(show_value)d)."},
    )


def _qr(url: str) -> dict:
    code = segno.make(url, error="m")
    return {
        "svg": code.svg_inline(scale=5, title="QR code of your share link"),
        "svg_uri": code.svg_data_uri(scale=10),
        "png_uri": code.png_data_uri(scale=10),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def certification_share(request, pk: int):
    """The holder's share links and credentials for one certification: create or revoke a link (a new link's
    address and QR code are shown once: only its hash is kept), download the credential."""
    certification = certification_for_user(user=request.user, pk=pk)
    form = ShareLinkForm(request.POST if request.method == "POST" and request.POST.get("action") == "create" else None)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            link = next(
                (x for x in share_links_of(certification=certification) if str(x.pk) == request.POST.get("link")), None
            )
            if link is None:
                raise Http404("No such share link.")
            share_link_revoke(actor=request.user, link=link)
            messages.success(request, "The link is revoked: anyone opening it now gets “not found”.")
            return redirect("certification_share", pk=certification.pk)
        if form.is_valid():
            _, token = share_link_create(
                actor=request.user, certification=certification, label=form.cleaned_data["label"]
            )
            request.session["new_share_url"] = request.build_absolute_uri(
                reverse("share_verify", kwargs={"token": token})
            )
            return redirect("certification_share", pk=certification.pk)
    new_url = request.session.pop("new_share_url", None)
    standing = certification_standing(certification=certification)
    return render(
        request,
        "certifications/proof/certification_share.html",
        {
            "certification": certification,
            "form": form,
            "links": share_links_of(certification=certification),
            "new_url": new_url,
            "qr": _qr(new_url) if new_url else None,
            "standing": standing,
            "credential_cycles": credential_cycles(certification=certification, as_of=timezone.localdate()),
        },
    )


@login_required
@require_GET
def certification_credential(request, pk: int, cycle_id: int, fmt: str):
    """The credential of one cycle as JSON with an embedded proof, or as a VC-JWT; issued on first download."""
    certification = certification_for_user(user=request.user, pk=pk)
    cycle = certification_cycle(certification=certification, pk=cycle_id)
    if cycle is None:
        raise Http404("No such cycle.")
    try:
        issued = credential_issue(actor=request.user, certification=certification, cycle=cycle)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("certification_share", pk=certification.pk)
    name = re.sub(r"[^A-Za-z0-9-]", "", certification.display_code) + f"-{cycle.start:%Y-%m-%d}"
    if fmt == "jwt":
        response = HttpResponse(credential_jwt(issued=issued), content_type="application/vc+jwt")
        response["Content-Disposition"] = f'attachment; filename="{name}.jwt"'
    else:
        body = json.dumps(credential_signed(issued=issued), indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/vc+ld+json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def share_verify(request, token: str):
    """The public share page: who holds which credential, and whether it is current today. No login; an
    unknown or revoked token is the same 404 as any missing page."""
    link = share_link_open(token=token)
    if link is None:
        raise Http404("No such page.")
    response = render(
        request, "certifications/proof/verify.html", {"proof": public_proof(link=link), "today": timezone.localdate()}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _public_json(data, *, content_type: str, max_age: int = 300) -> HttpResponse:
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"indent": 2})
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers run anywhere, and nothing here is private
    return response


@require_GET
def did_json(request):
    """`/.well-known/did.json`: the did:web document listing every public key, current and retired."""
    return _public_json(did_document(), content_type="application/did+json")


@require_GET
def jwks_json(request):
    """`/.well-known/jwks.json`: the same keys as a JWK Set, for JWT libraries."""
    return _public_json(jwks(), content_type="application/jwk-set+json")


@require_GET
def status_list(request, purpose: str):
    """A signed BitstringStatusListCredential, computed from the live statuses (kept 5 minutes by caches)."""
    if purpose not in PURPOSES:
        raise Http404("No such status list.")
    return _public_json(
        status_list_credential(purpose=purpose), content_type="application/vc+ld+json", max_age=STATUS_LIST_TTL_SECONDS
    )


@require_GET
def context(request, name: str):
    """The JSON-LD contexts our credentials name, served from the copies shipped with the project."""
    url = {"credentials-v2": VC_V2, "ob-v3p0-context-3-0-3": OB_V3}.get(name)
    if url is None or url not in CONTEXT_FILES:
        raise Http404("No such context.")
    response = HttpResponse(context_document(url), content_type="application/ld+json")
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"
    return response
