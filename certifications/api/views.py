"""The trainer's certifications API: one view per operation, thin; figures come from the selectors."""

import zoneinfo

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from certifications.api.serializers import (
    CertificationCreateInput,
    CertificationOutput,
    CycleDetailOutput,
    certification_data,
    cycle_detail_data,
)
from certifications.selectors import certification_for_user, certifications_of, cycles_of
from certifications.services import certification_add
from certifications.statements.selectors import (
    statements_certification_cycles,
    statements_cycle_statement,
    statements_lines,
    statements_progress,
    statements_user_progress,
)

ERRORS = OpenApiTypes.OBJECT  # {"field": ["message", ...]}, nested like the input
UNAUTHORIZED = OpenApiResponse(
    description="No credentials, or a revoked or unknown token.",
    examples=[OpenApiExample("Not authenticated", value={"detail": "Invalid token."}, response_only=True)],
)
NOT_FOUND = OpenApiResponse(
    description="No such object among yours (another person's is a 404 too).",
    examples=[OpenApiExample("Not found", value={"detail": "No Certification matches the given query."})],
)
CYCLE_EXAMPLE = {
    "id": 41,
    "start": "2024-06-01",
    "end": "2027-05-31",
    "grace_until": "2027-11-30",
    "status": "in_progress",
    "unit": "CEC",
    "required": "45.00",
    "earned": "7.00",
    "remaining": "38.00",
    "cpr_aed_ok": True,
}
CERTIFICATION_EXAMPLE = {
    "id": 17,
    "credential": "ACSM-CPT",
    "credential_name": "ACSM Certified Personal Trainer",
    "organization": "ACSM",
    "number": "ACSM-4455",
    "certified_on": "2024-06-01",
    "cpr_aed_valid_until": "2027-05-31",
    "current_cycle": CYCLE_EXAMPLE,
}
CYCLE_DETAIL_EXAMPLE = {
    **CYCLE_EXAMPLE,
    "certification_id": 17,
    "credential": "ACSM-CPT",
    "activities": [
        {
            "activity_id": 301,
            "title": "Kettlebell Foundations",
            "kind": "approved_course",
            "completed_on": "2025-03-01",
            "full": "3.00",
            "applied": "3.00",
            "reason": None,
            "detail": "0.3 from ACE (0.1 CEC per hour, converted at 1 CEC per hour): 3.00 CECs.",
        },
        {
            "activity_id": 302,
            "title": "Taught a mobility workshop",
            "kind": "teaching",
            "completed_on": "2025-04-02",
            "full": "6.00",
            "applied": "5.00",
            "reason": "cap_reached",
            "detail": "ACSM caps teaching at 5 CECs a year: 5 of 6 applied.",
        },
    ],
}


class TrainerApiView(APIView):
    """A trainer API view: once the token is authenticated, "today" and dates are in the person's zone.

    The zone middleware runs before DRF authenticates a token, so without this every API "today" was UTC's."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        zone = getattr(request.user, "time_zone", None)
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))

    def finalize_response(self, request, response, *args, **kwargs):
        # The body is serialized by now; leave no zone behind in this thread.
        timezone.deactivate()
        return super().finalize_response(request, response, *args, **kwargs)


class CertificationListCreateApi(TrainerApiView):
    """Your certifications, each with its current cycle evaluated; add one."""

    @extend_schema(
        operation_id="certifications_list",
        summary="List your certifications with the current cycle's progress",
        responses={200: CertificationOutput(many=True), 401: UNAUTHORIZED},
        examples=[OpenApiExample("One certification", value=[CERTIFICATION_EXAMPLE], response_only=True)],
        tags=["certifications"],
    )
    def get(self, request):
        progress = {p.certification.pk: p for p in statements_user_progress(user=request.user)}
        data = [certification_data(c, progress.get(c.pk)) for c in certifications_of(user=request.user)]
        return Response(CertificationOutput(data, many=True).data)

    @extend_schema(
        operation_id="certifications_create",
        summary="Add a certification (its current cycle is created from the organization's rules)",
        request=CertificationCreateInput,
        responses={
            201: CertificationOutput,
            400: OpenApiResponse(
                ERRORS,
                description="Bad input; each offending field is named.",
                examples=[
                    OpenApiExample(
                        "Unknown credential",
                        value={"credential": ["Unknown credential 'ACE-XYZ'; use a code such as ACE-CPT."]},
                    ),
                    OpenApiExample(
                        "Malformed date",
                        value={
                            "certified_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
                        },
                    ),
                    OpenApiExample("Already held", value={"credential": ["You already hold ACSM-CPT."]}),
                ],
            ),
            401: UNAUTHORIZED,
        },
        examples=[
            OpenApiExample(
                "ACSM-CPT renewed once",
                value={
                    "credential": "ACSM-CPT",
                    "number": "ACSM-4455",
                    "certified_on": "2021-06-01",
                    "cycle_start": "2024-06-01",
                    "cpr_aed_valid_until": "2027-05-31",
                },
                request_only=True,
            ),
            OpenApiExample("Created", value=CERTIFICATION_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
        tags=["certifications"],
    )
    def post(self, request):
        given = CertificationCreateInput(data=request.data, context={"user": request.user})
        given.is_valid(raise_exception=True)
        values = given.validated_data
        try:
            with transaction.atomic():
                certification = certification_add(
                    actor=request.user,
                    user=request.user,
                    credential=values["credential"],
                    certified_on=values["certified_on"],
                    number=values.get("number", ""),
                    cycle_start=values.get("cycle_start"),
                    cpr_aed_valid_until=values.get("cpr_aed_valid_until"),
                )
        except IntegrityError as err:  # the same credential added by a concurrent request
            detail = {"credential": [f"You already hold {values['credential'].code}."]}
            raise serializers.ValidationError(detail) from err
        [progress] = statements_progress(certifications=[certification])
        return Response(CertificationOutput(certification_data(certification, progress)).data, status.HTTP_201_CREATED)


class CertificationDetailApi(TrainerApiView):
    @extend_schema(
        operation_id="certifications_retrieve",
        summary="One of your certifications with its current cycle's progress",
        responses={200: CertificationOutput, 401: UNAUTHORIZED, 404: NOT_FOUND},
        examples=[OpenApiExample("ACSM-CPT", value=CERTIFICATION_EXAMPLE, response_only=True)],
        tags=["certifications"],
    )
    def get(self, request, pk: int):
        certification = certification_for_user(user=request.user, pk=pk)
        progress = next(iter(statements_progress(certifications=[certification])), None)  # the current cycle
        return Response(CertificationOutput(certification_data(certification, progress)).data)


class CertificationCyclesApi(TrainerApiView):
    @extend_schema(
        operation_id="certifications_cycles_list",
        summary="Every cycle of one of your certifications, newest first, each with its activities",
        responses={200: CycleDetailOutput(many=True), 401: UNAUTHORIZED, 404: NOT_FOUND},
        examples=[OpenApiExample("One cycle", value=[CYCLE_DETAIL_EXAMPLE], response_only=True)],
        tags=["certifications"],
    )
    def get(self, request, pk: int):
        certification = certification_for_user(user=request.user, pk=pk)
        newest_first = statements_certification_cycles(certification=certification)[::-1]
        data = [cycle_detail_data(*statement) for statement in statements_lines(progress=newest_first)]
        return Response(CycleDetailOutput(data, many=True).data)


class CycleDetailApi(TrainerApiView):
    @extend_schema(
        operation_id="cycles_retrieve",
        summary="One of your cycles: required, earned, remaining, status, and what each activity applied and why",
        responses={200: CycleDetailOutput, 401: UNAUTHORIZED, 404: NOT_FOUND},
        examples=[OpenApiExample("ACSM-CPT cycle", value=CYCLE_DETAIL_EXAMPLE, response_only=True)],
        tags=["certifications"],
    )
    def get(self, request, pk: int):
        cycle = get_object_or_404(cycles_of(user=request.user), pk=pk)
        return Response(CycleDetailOutput(cycle_detail_data(*statements_cycle_statement(cycle=cycle))).data)
