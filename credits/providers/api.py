"""The partner provider REST API (`/api/v1/provider/...`): one view per resource, thin; the work is in
`credits.providers.services`. Every POST honours `Idempotency-Key`."""

import json
import uuid

from django.db import transaction
from django.http import Http404
from django.utils.functional import cached_property
from django_scopes import scope
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apikeys.auth import IsProviderKey, ProviderKeyAuthentication, ProviderKeyThrottle
from cectracker.pagination import LimitOffsetPage
from cectracker.queryparams import PageQuerySerializer, query_params_valid
from certifications.rules.engine import course_key
from credits.models import ApprovedCourse
from credits.providers import serializers as s
from credits.providers import services
from credits.providers.models import ProviderCompletion

TAG = ["provider"]
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string up to 255 characters. The same key with the same body returns the first "
    "answer again and does nothing; with a different body it is a 422; while the first request still runs, a "
    "409. Keys are kept 24 hours.",
)
COMMON_ERRORS = {
    401: OpenApiResponse(s.ErrorSerializer, description="Missing, invalid or revoked API key."),
    429: OpenApiResponse(s.ErrorSerializer, description="Too many requests for this key; see Retry-After."),
}
POST_ERRORS = {
    **COMMON_ERRORS,
    409: OpenApiResponse(s.ErrorSerializer, description="A request with this Idempotency-Key is still running."),
    422: OpenApiResponse(s.ErrorSerializer, description="This Idempotency-Key was used with a different request."),
}
NOT_FOUND = {404: OpenApiResponse(s.ErrorSerializer, description="Not one of your courses or completions.")}
BAD_INPUT = {400: OpenApiResponse(OpenApiTypes.OBJECT, description='Invalid input: `{"field": ["message"]}`.')}


class ProviderAPIView(APIView):
    """Authenticated by a provider API key only; runs inside the provider's organization scope."""

    authentication_classes = [ProviderKeyAuthentication]
    permission_classes = [IsProviderKey]
    throttle_classes = [ProviderKeyThrottle]

    @classmethod
    def as_view(cls, **initkwargs):
        # Idempotent POSTs commit their key row before the work, in a transaction of its own.
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def handle_exception(self, exc):
        # These views open their own transactions, already rolled back when an error gets here; DRF's
        # set_rollback() is meant for ATOMIC_REQUESTS and would only poison an enclosing block (tests).
        connection = transaction.get_connection()
        needs_rollback = connection.needs_rollback
        try:
            return super().handle_exception(exc)
        finally:
            if connection.in_atomic_block:
                connection.needs_rollback = needs_rollback

    @cached_property
    def paginator(self):
        return LimitOffsetPage()

    @property
    def provider(self):
        return self.request.auth.provider

    def scope(self):
        return scope(organization=self.provider.organization)

    def course(self, course_number: str) -> ApprovedCourse:
        """One of this provider's courses; any other (another provider's, another org's) is a 404."""
        key = course_key(course_number)
        course = ApprovedCourse.objects.filter(provider=self.provider, course_number=key).first()
        if course is None:
            raise Http404("Not one of your courses.")
        return course

    def completion(self, pk: int) -> ProviderCompletion:
        completion = ProviderCompletion.objects.select_related("course").filter(provider=self.provider, pk=pk).first()
        if completion is None:
            raise Http404("Not one of your completions.")
        return completion

    def scoped_read(self, request, *args, **kwargs):
        with self.scope():
            return self.read(request, *args, **kwargs)

    def scoped_update(self, request, *args, **kwargs):
        with self.scope(), transaction.atomic():
            return self.update(request, *args, **kwargs)

    def idempotent_post(self, request, *args, **kwargs):
        """Run `create` once per Idempotency-Key: the key row is claimed first, under a unique constraint."""
        body = request._request.body  # before DRF reads the stream: the fingerprint is of the exact bytes
        key = request.headers.get("Idempotency-Key")
        with self.scope():
            if key is None:
                with transaction.atomic():
                    return self.create(request, *args, **kwargs)
            if not 1 <= len(key) <= 255:
                raise exceptions.ValidationError({"Idempotency-Key": ["Between 1 and 255 characters."]})
            fingerprint = services.request_fingerprint(method=request.method, path=request.path, body=body)
            row, created = services.idempotency_key_claim(provider=self.provider, key=key, fingerprint=fingerprint)
            if not created:
                if row.fingerprint != fingerprint:
                    return Response(
                        {"detail": "This Idempotency-Key was already used with a different request."},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                    )
                if row.status_code is None:
                    return Response(
                        {"detail": "A request with this Idempotency-Key is still being processed."},
                        status=status.HTTP_409_CONFLICT,
                        headers={"Retry-After": "1"},
                    )
                return Response(row.response, status=row.status_code, headers={"Idempotent-Replayed": "true"})
            try:
                with transaction.atomic():
                    response = self.create(request, *args, **kwargs)
                    services.idempotency_key_store(row=row, status_code=response.status_code, body=_json(response))
                return response
            except Exception as exc:
                try:
                    response = self.handle_exception(exc)
                except Exception:
                    services.idempotency_key_release(row=row)
                    raise
                services.idempotency_key_store(row=row, status_code=response.status_code, body=_json(response))
                return response


def _json(response: Response):
    return json.loads(JSONRenderer().render(response.data)) if response.data is not None else None


class CourseListView(ProviderAPIView):
    @extend_schema(
        tags=TAG,
        operation_id="provider_courses_list",
        summary="List your courses",
        parameters=[s.CourseQuerySerializer, PageQuerySerializer],
        responses={200: s.CoursePageSerializer, **BAD_INPUT, **COMMON_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return self.scoped_read(request, *args, **kwargs)

    def read(self, request):
        courses = ApprovedCourse.objects.filter(provider=self.provider).order_by("course_number")
        query = query_params_valid(request, s.CourseQuerySerializer, PageQuerySerializer)
        if "retired" in query:
            courses = courses.filter(is_retired=query["retired"])
        page = self.paginator.paginate_queryset(courses, request, view=self)
        return self.paginator.get_paginated_response(s.CourseOutSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        operation_id="provider_course_create",
        summary="Add a course to your organization's catalog",
        parameters=[IDEMPOTENCY_HEADER],
        request=s.CourseCreateSerializer,
        responses={201: s.CourseOutSerializer, **BAD_INPUT, **POST_ERRORS},
        examples=[
            OpenApiExample(
                "ACE course",
                value={"course_number": "CEP123456", "title": "Kettlebell foundations", "amount": "0.8"},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        return self.idempotent_post(request, *args, **kwargs)

    def create(self, request):
        data = _valid(s.CourseCreateSerializer, request.data)
        course = services.provider_course_create(provider=self.provider, **data)
        return Response(s.CourseOutSerializer(course).data, status=status.HTTP_201_CREATED)


class CourseDetailView(ProviderAPIView):
    @extend_schema(
        tags=TAG,
        operation_id="provider_course_retrieve",
        summary="One of your courses",
        responses={200: s.CourseOutSerializer, **NOT_FOUND, **COMMON_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return self.scoped_read(request, *args, **kwargs)

    def read(self, request, course_number):
        return Response(s.CourseOutSerializer(self.course(course_number)).data)

    @extend_schema(
        tags=TAG,
        operation_id="provider_course_update",
        summary="Change a course's title, amount or multi-session flag",
        request=s.CourseUpdateSerializer,
        responses={200: s.CourseOutSerializer, **BAD_INPUT, **NOT_FOUND, **COMMON_ERRORS},
    )
    def patch(self, request, *args, **kwargs):
        return self.scoped_update(request, *args, **kwargs)

    def update(self, request, course_number):
        course = self.course(course_number)
        data = _valid(s.CourseUpdateSerializer, request.data)
        course = services.provider_course_update(provider=self.provider, course=course, changes=data)
        return Response(s.CourseOutSerializer(course).data)


class CourseRetireView(ProviderAPIView):
    @extend_schema(
        tags=TAG,
        operation_id="provider_course_retire",
        summary="Retire a course (no new completions; past activities keep counting)",
        parameters=[IDEMPOTENCY_HEADER],
        request=None,
        responses={200: s.CourseOutSerializer, **BAD_INPUT, **NOT_FOUND, **POST_ERRORS},
    )
    def post(self, request, *args, **kwargs):
        return self.idempotent_post(request, *args, **kwargs)

    def create(self, request, course_number):
        course = services.provider_course_retire(provider=self.provider, course=self.course(course_number))
        return Response(s.CourseOutSerializer(course).data)


class CompletionListView(ProviderAPIView):
    @extend_schema(
        tags=TAG,
        operation_id="provider_completions_list",
        summary="List the completions you reported",
        parameters=[s.CompletionQuerySerializer, PageQuerySerializer],
        responses={200: s.CompletionPageSerializer, **BAD_INPUT, **COMMON_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return self.scoped_read(request, *args, **kwargs)

    def read(self, request):
        rows = ProviderCompletion.objects.filter(provider=self.provider).select_related("course").order_by("-id")
        query = query_params_valid(request, s.CompletionQuerySerializer, PageQuerySerializer)
        wanted = query.get("status")
        if wanted == "voided":
            rows = rows.filter(voided_at__isnull=False)
        elif wanted in ("matched", "pending"):
            rows = rows.filter(voided_at__isnull=True, user__isnull=wanted == "pending")
        if query.get("course_number"):
            rows = rows.filter(course__course_number=course_key(query["course_number"]))
        page = self.paginator.paginate_queryset(rows, request, view=self)
        return self.paginator.get_paginated_response(s.CompletionOutSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        operation_id="provider_completions_report",
        summary="Report completions (1 to 10,000): a receipt per record",
        description=(
            "Each record is checked on its own: a rejected record (with the offending `field` and a `reason`) "
            "never blocks the accepted ones. An accepted record is `matched` (an activity was added to the "
            "person's account; `activity_id`) or `pending` (nobody with that email or certification number yet: "
            "it attaches when they sign up and verify the email, or add the number). Reporting the same "
            "attendee, course and date again (or the same `record_id`) creates nothing and answers "
            '`duplicate: true`. A 400 is only for a body that is not `{"completions": [objects]}` of 1 to '
            "10,000."
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request=s.CompletionBatchDocSerializer,
        responses={200: s.CompletionBatchOutSerializer, **BAD_INPUT, **POST_ERRORS},
        examples=[
            OpenApiExample(
                "Two attendees",
                value={
                    "completions": [
                        {
                            "record_id": "r-1001",
                            "attendee_email": "tess@example.com",
                            "course_number": "CEP123456",
                            "completed_on": "2026-03-14",
                        },
                        {
                            "certification_number": "ACE-998877",
                            "course_number": "CEP123456",
                            "completed_on": "2026-03-14",
                            "amount": "0.6",
                        },
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        return self.idempotent_post(request, *args, **kwargs)

    def create(self, request):
        data = request.data
        if not isinstance(data, dict) or not isinstance(data.get("completions"), list):
            raise exceptions.ValidationError({"completions": ["A list of completion records is required."]})
        records = data["completions"]
        if not 1 <= len(records) <= services.MAX_COMPLETIONS:
            raise exceptions.ValidationError({"completions": ["Between 1 and 10,000 records per request."]})
        bad = next((i for i, r in enumerate(records) if not isinstance(r, dict)), None)
        if bad is not None:
            raise exceptions.ValidationError({"completions": {str(bad): ["Must be a JSON object."]}})
        result = services.completions_report(provider=self.provider, records=records, request_id=uuid.uuid4())
        return Response(result)


class CompletionDetailView(ProviderAPIView):
    @extend_schema(
        tags=TAG,
        operation_id="provider_completion_retrieve",
        summary="One completion you reported",
        responses={200: s.CompletionOutSerializer, **NOT_FOUND, **COMMON_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return self.scoped_read(request, *args, **kwargs)

    def read(self, request, pk):
        return Response(s.CompletionOutSerializer(self.completion(pk)).data)


class CompletionVoidView(ProviderAPIView):
    @extend_schema(
        tags=TAG,
        operation_id="provider_completion_void",
        summary="Void a completion you reported (the activity stops counting; the log keeps both)",
        parameters=[IDEMPOTENCY_HEADER],
        request=s.VoidSerializer,
        responses={200: s.CompletionOutSerializer, **BAD_INPUT, **NOT_FOUND, **POST_ERRORS},
    )
    def post(self, request, *args, **kwargs):
        return self.idempotent_post(request, *args, **kwargs)

    def create(self, request, pk):
        completion = self.completion(pk)
        data = _valid(s.VoidSerializer, request.data)
        completion = services.completion_void(
            provider=self.provider, completion=completion, reason=data.get("reason", "")
        )
        return Response(s.CompletionOutSerializer(completion).data)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
