"""The public calculator API: one view, thin; the selector does the work (RULES §8)."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cectracker.parsers import StrictJSONParser
from certifications.calculator.serializers import (
    EvaluateInSerializer,
    EvaluateOutSerializer,
    evaluate_input,
    nested_errors,
    result_payload,
)
from certifications.calculator.throttles import EvaluateThrottle
from certifications.selectors import evaluate_request

REQUEST_EXAMPLE = {
    "credential": "ACSM-CPT",
    "certified_on": "2023-03-15",
    "as_of": "2026-05-01",
    "cpr_aed_valid_until": "2027-01-31",
    "current_credential_level": "ACSM-CPT",
    "activities": [
        {"id": "a1", "kind": "approved_course", "completed_on": "2024-02-10", "amount": "6"},
        {"id": "a2", "kind": "other_org_course", "awarding_org": "ACE", "amount": "0.3", "completed_on": "2024-05-01"},
        {
            "id": "a3",
            "kind": "college_course",
            "credit_hours": "3",
            "term": "semester",
            "grade": "B+",
            "completed_on": "2024-12-15",
        },
        {"id": "a4", "kind": "teaching", "amount": "4", "completed_on": "2025-03-01"},
    ],
}
RESPONSE_EXAMPLE = {
    "credential": "ACSM-CPT",
    "organization": "ACSM",
    "cycle": {"start": "2023-03-15", "end": "2026-03-14", "grace_until": "2026-09-14"},
    "required": "45.00",
    "earned": "43.00",
    "remaining": "2.00",
    "status": "grace",
    "activities": [
        {"id": "a1", "applied": "6.00", "reason": None},
        {"id": "a2", "applied": "3.00", "reason": None},
        {"id": "a3", "applied": "30.00", "reason": None},
        {"id": "a4", "applied": "4.00", "reason": None},
    ],
}
ERROR_EXAMPLE = {
    "credential": ["No credential has this code."],
    "activities": {
        "1": {"completed_on": ["Use the date format YYYY-MM-DD, for example 2024-02-10."]},
        "2": {"amount": ["Ensure that there are no more than 2 decimal places."]},
    },
}

DESCRIPTION = """Apply the published rules of the credential's organization to a described cycle (RULES §8).

Public: no login and no CSRF token; rate-limited per client address (default 120 requests a minute,
setting `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["evaluate"]`, environment `EVALUATE_RATE`).

`certified_on` starts the cycle; `as_of` (default today) decides only the status, and activities dated
after it still count. Amounts, hours and credit hours are non-negative decimal strings with at most
2 decimal places; dates are ISO `YYYY-MM-DD`; at most 1,000 activities. Every activity comes back once,
in request order, with `applied` and, when less than its full value (or zero), a `reason` code:
`outside_cycle`, `ineligible_activity`, `not_approved`, `invalid_course_number`, `petition_pending`,
`petition_denied`, `grade_too_low`, `before_effective_date`, `not_higher_level`, `duplicate_course`,
`cap_reached`. Bad input answers 400 naming each field; activity errors are keyed by position:
`{"activities": {"2": {"amount": [...]}}}`."""


class EvaluateView(APIView):
    """Will it count? The calculator, for anyone."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [EvaluateThrottle]
    parser_classes = [StrictJSONParser]  # JSON only: a form post is a 415
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="evaluate",
        summary="Evaluate a certification cycle (the calculator)",
        description=DESCRIPTION,
        tags=["calculator"],
        auth=[],
        request=EvaluateInSerializer,
        responses={
            200: EvaluateOutSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input: each offending field, with messages."),
            415: OpenApiResponse(OpenApiTypes.OBJECT, description="The body is not JSON."),
            429: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Too many requests from this address; see the Retry-After header."
            ),
        },
        examples=[
            OpenApiExample("ACSM-CPT in grace (RULES §8)", value=REQUEST_EXAMPLE, request_only=True),
            OpenApiExample(
                "ACSM-CPT in grace (RULES §8)", value=RESPONSE_EXAMPLE, response_only=True, status_codes=["200"]
            ),
            OpenApiExample("Bad input", value=ERROR_EXAMPLE, response_only=True, status_codes=["400"]),
            OpenApiExample(
                "Throttled",
                value={"detail": "Request was throttled. Expected available in 42 seconds."},
                response_only=True,
                status_codes=["429"],
            ),
        ],
    )
    def post(self, request):
        data = evaluate_input(request.data)  # = EvaluateInSerializer's validation, faster
        try:
            result = evaluate_request(**data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(nested_errors(exc.message_dict)) from None
        return Response(result_payload(result))


@csrf_exempt
def bench_plain(request):
    """Baseline for bench/evaluate.py: parse the same JSON body, answer with JsonResponse, nothing else.

    Served only when settings.DEBUG or settings.CECT_BENCH is on; otherwise a 404."""
    import json

    if not (settings.DEBUG or getattr(settings, "CECT_BENCH", False)):
        raise Http404
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    response = JsonResponse({"activities": len(body.get("activities", ())) if isinstance(body, dict) else 0})
    # What the bench must print beside its figures: DEBUG and a connection per request slow every view alike
    # and so flatter the calculator's ratio (issue 18).
    response["X-CECT-Bench-Debug"] = str(bool(settings.DEBUG)).lower()
    response["X-CECT-Bench-Conn-Max-Age"] = str(settings.DATABASES["default"].get("CONN_MAX_AGE", 0))
    return response
