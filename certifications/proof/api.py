"""The proof API: `GET /api/v1/verify/<token>` for an employer's software (public), and the holder's
credential download `GET /api/v1/certifications/<id>/credential`."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from certifications.api.views import NOT_FOUND, UNAUTHORIZED, TrainerApiView
from certifications.proof.credentials import credential_jwt, credential_signed
from certifications.proof.selectors import (
    PublicProof,
    credential_cycles,
    public_proof,
    share_link_of_user,
    share_links_of,
)
from certifications.proof.services import credential_issue, share_link_create, share_link_open, share_link_revoke
from certifications.selectors import certification_current_cycle, certification_cycle, certification_for_user


class VerifyOutput(serializers.Serializer):
    holder = serializers.CharField(help_text="The holder's name as they entered it.")
    credential = serializers.CharField(help_text="The credential as the holder may show it, e.g. ACSM-CPT-E.")
    credential_name = serializers.CharField()
    organization = serializers.CharField()
    number_last4 = serializers.CharField(help_text="The certification number's last four characters ('' if none).")
    status = serializers.ChoiceField(
        choices=["current", "grace", "expired", "lapsed", "inactive", "emeritus", "no_cycle"],
        help_text="current: may be presented as certified; grace: expired, not to be presented as certified "
        "until renewed; expired, lapsed, inactive: not certified; emeritus: retired with emeritus status.",
    )
    status_text = serializers.CharField(help_text="The status in plain words.")
    current_through = serializers.DateField(allow_null=True, help_text="While current: the last day of the cycle.")
    cycle_end = serializers.DateField(allow_null=True)
    grace_until = serializers.DateField(allow_null=True)
    cpr_aed_valid_until = serializers.DateField(
        allow_null=True, help_text="Where the organization requires CPR/AED (ACSM): its expiry, if recorded."
    )
    as_of = serializers.DateField(help_text="The day the status is computed for.")


def verify_data(proof: PublicProof) -> dict:
    standing = proof.standing
    return {
        "holder": proof.holder,
        "credential": proof.credential_code,
        "credential_name": proof.credential_name,
        "organization": proof.organization,
        "number_last4": proof.number_last4,
        "status": standing.code,
        "status_text": standing.text,
        "current_through": standing.current_through,
        "cycle_end": standing.cycle.end if standing.cycle else None,
        "grace_until": standing.cycle.grace_until if standing.cycle else None,
        "cpr_aed_valid_until": standing.cpr_aed_valid_until,
        "as_of": standing.as_of,
    }


VERIFY_EXAMPLE = {
    "holder": "Tess Holder",
    "credential": "ACSM-CPT",
    "credential_name": "ACSM Certified Personal Trainer",
    "organization": "American College of Sports Medicine",
    "number_last4": "8877",
    "status": "current",
    "status_text": "Current through May 31, 2027.",
    "current_through": "2027-05-31",
    "cycle_end": "2027-05-31",
    "grace_until": "2027-11-30",
    "cpr_aed_valid_until": "2028-05-31",
    "as_of": "2026-12-03",
}


class VerifyApi(APIView):
    """The live status behind a share link, for anyone holding the link."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="verify_retrieve",
        summary="Check a share link: who holds which credential, and whether it is current today",
        responses={
            200: VerifyOutput,
            404: OpenApiResponse(
                description="Unknown or revoked link (the same answer for both).",
                examples=[OpenApiExample("Not found", value={"detail": "Not found."})],
            ),
        },
        examples=[OpenApiExample("Current", value=VERIFY_EXAMPLE, response_only=True)],
        tags=["verify"],
    )
    def get(self, request, token: str):
        link = share_link_open(token=token)
        if link is None:
            raise NotFound("Not found.")
        response = Response(VerifyOutput(verify_data(public_proof(link=link))).data)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


class CredentialQuery(serializers.Serializer):
    # Not `format`: DRF reads that query parameter itself to pick a renderer.
    encoding = serializers.ChoiceField(choices=["json", "jwt"], default="json", required=False)
    cycle = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class CertificationCredentialApi(TrainerApiView):
    @extend_schema(
        operation_id="certifications_credential_retrieve",
        summary="Your Open Badges 3.0 credential for a cycle (default: the one in effect today), as JSON with an "
        "embedded proof or as a VC-JWT",
        parameters=[
            OpenApiParameter(
                "encoding", OpenApiTypes.STR, enum=["json", "jwt"], description="json (default: embedded proof) or jwt"
            ),
            OpenApiParameter("cycle", OpenApiTypes.INT, description="A cycle id of this certification"),
        ],
        responses={
            (200, "application/vc+ld+json"): OpenApiTypes.OBJECT,
            (200, "application/vc+jwt"): OpenApiTypes.STR,
            400: OpenApiResponse(description="A bad parameter, or no credential can be issued (status not current)."),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
        },
        tags=["certifications"],
    )
    def get(self, request, pk: int):
        certification = certification_for_user(user=request.user, pk=pk)
        query = CredentialQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "cycle" in query.validated_data:
            cycle = certification_cycle(certification=certification, pk=query.validated_data["cycle"])
            if cycle is None:
                raise serializers.ValidationError({"cycle": ["Not a cycle of this certification."]})
        else:  # the cycle in effect today (after an early renewal, the renewed one), else the latest
            cycle = next(iter(credential_cycles(certification=certification, as_of=timezone.localdate())), None)
            cycle = cycle or certification_current_cycle(certification=certification)
        issued = credential_issue(actor=request.user, certification=certification, cycle=cycle)
        if query.validated_data["encoding"] == "jwt":
            return HttpResponse(credential_jwt(issued=issued), content_type="application/vc+jwt")
        return Response(credential_signed(issued=issued), content_type="application/vc+ld+json")


class ShareLinkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_opened_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ShareLinkCreatedOutput(ShareLinkOutput):
    url = serializers.URLField(help_text="The public address, returned this once: only its hash is stored.")


class ShareLinkCreateInput(serializers.Serializer):
    label = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class CertificationShareLinksApi(TrainerApiView):
    @extend_schema(
        operation_id="certifications_share_links_list",
        summary="The share links of one of your certifications, newest first (revoked ones included)",
        responses={200: ShareLinkOutput(many=True), 401: UNAUTHORIZED, 404: NOT_FOUND},
        tags=["certifications"],
    )
    def get(self, request, pk: int):
        certification = certification_for_user(user=request.user, pk=pk)
        return Response(ShareLinkOutput(share_links_of(certification=certification), many=True).data)

    @extend_schema(
        operation_id="certifications_share_links_create",
        summary="Create a share link: its address comes back this once",
        request=ShareLinkCreateInput,
        responses={
            201: ShareLinkCreatedOutput,
            400: OpenApiResponse(description="A bad label."),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
        },
        tags=["certifications"],
    )
    def post(self, request, pk: int):
        certification = certification_for_user(user=request.user, pk=pk)
        data = ShareLinkCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        link, token = share_link_create(actor=request.user, certification=certification, **data.validated_data)
        url = request.build_absolute_uri(reverse("share_verify", kwargs={"token": token}))
        return Response(ShareLinkCreatedOutput({**ShareLinkOutput(link).data, "url": url}).data, status=201)


class ShareLinkRevokeApi(TrainerApiView):
    @extend_schema(
        operation_id="share_links_destroy",
        summary="Revoke one of your share links (it answers 404 from now on; the credentials are revoked too)",
        request=None,
        responses={204: None, 401: UNAUTHORIZED, 404: NOT_FOUND},
        tags=["certifications"],
    )
    def delete(self, request, pk: int):
        share_link_revoke(actor=request.user, link=share_link_of_user(user=request.user, pk=pk))
        return Response(status=204)
