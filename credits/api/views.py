"""The trainer's credits API: the same selectors and services as the pages, one view per resource."""

from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organization
from cectracker.pagination import LimitOffsetPage
from cectracker.queryparams import PageQuerySerializer, query_params_valid
from certifications.api.views import TrainerApiView
from credits import selectors, services
from credits.api.serializers import (
    ActivityFilterSerializer,
    ActivityInputSerializer,
    ActivityOutputSerializer,
    ActivityPageSerializer,
    EvidenceOutputSerializer,
    EvidenceUploadSerializer,
    PetitionInputSerializer,
    PetitionOutputSerializer,
    PetitionPageSerializer,
)
from credits.models import Evidence
from credits.uploads import content_length_too_big, install_upload_handlers

BAD_INPUT = OpenApiResponse(description='Bad input: `{"field": ["message"]}` naming each offending field.')
NOT_FOUND = OpenApiResponse(description="No such object among your own.")


class TrainerApi(TrainerApiView):
    """Authentication from the project defaults; only signed-in people, each seeing only their own data."""

    permission_classes = [IsAuthenticated]

    def activity(self, pk):
        return selectors.activity_get(user=self.request.user, pk=pk)


def _with_evidence(queryset):
    return queryset.prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))


class ActivityListApi(TrainerApi):
    @extend_schema(
        operation_id="activities_list",
        parameters=[ActivityFilterSerializer, PageQuerySerializer],
        responses={200: ActivityPageSerializer, 400: BAD_INPUT},
    )
    def get(self, request):
        data = query_params_valid(request, ActivityFilterSerializer, PageQuerySerializer)
        activities = _with_evidence(
            selectors.activity_list(
                user=request.user,
                kind=data.get("kind", ""),
                date_from=data.get("completed_from"),
                date_to=data.get("completed_to"),
            )
        )
        paginator = LimitOffsetPage()
        page = paginator.paginate_queryset(activities, request, view=self)
        shown = [activity.pk for activity in page]
        context = {"applications": selectors.activity_applications_stored(user=request.user, activity_ids=shown)}
        return paginator.get_paginated_response(ActivityOutputSerializer(page, many=True, context=context).data)

    @extend_schema(
        operation_id="activities_create",
        request=ActivityInputSerializer,
        responses={201: ActivityOutputSerializer, 400: BAD_INPUT},
    )
    def post(self, request):
        serializer = ActivityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.activity_create(actor=request.user, user=request.user, **serializer.validated_data)
        return Response(_activity_out(request, activity.pk), status=status.HTTP_201_CREATED)


def _activity_out(request, pk) -> dict:
    activity = _with_evidence(selectors.activity_list(user=request.user)).get(pk=pk)
    context = {"applications": selectors.activity_applications_stored(user=request.user, activity_ids=[pk])}
    return ActivityOutputSerializer(activity, context=context).data


class ActivityDetailApi(TrainerApi):
    @extend_schema(operation_id="activities_retrieve", responses={200: ActivityOutputSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        return Response(_activity_out(request, self.activity(pk).pk))

    @extend_schema(
        operation_id="activities_update",
        request=ActivityInputSerializer,
        responses={200: ActivityOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        description="Partial update: send only the fields to change. The kind's other fields are kept.",
    )
    def patch(self, request, pk):
        activity = self.activity(pk)
        serializer = ActivityInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.activity_update(actor=request.user, activity=activity, **serializer.validated_data)
        return Response(_activity_out(request, activity.pk))

    @extend_schema(
        operation_id="activities_destroy",
        responses={
            204: None,
            400: OpenApiResponse(description="Refused: a retention rule, a decided petition or a provider report."),
            404: NOT_FOUND,
        },
    )
    def delete(self, request, pk):
        services.activity_delete(actor=request.user, activity=self.activity(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceApi(TrainerApi):
    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request, *args, **kwargs):
        # Before anything reads the body: uploads are spooled to disk and capped at the limit.
        if request.method == "POST":
            install_upload_handlers(request)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        operation_id="activity_evidence_list", responses={200: EvidenceOutputSerializer(many=True), 404: NOT_FOUND}
    )
    def get(self, request, pk):
        activity = self.activity(pk)
        return Response(EvidenceOutputSerializer(activity.evidence.order_by("uploaded_at"), many=True).data)

    @extend_schema(
        operation_id="activity_evidence_upload",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        activity = self.activity(pk)
        if content_length_too_big(request._request):
            raise ValidationError({"file": ["This file is larger than 10 MB. Upload a smaller scan or photo."]})
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = services.evidence_attach(
            actor=request.user, activity=activity, upload=serializer.validated_data["file"]
        )
        return Response(EvidenceOutputSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDetailApi(TrainerApi):
    @extend_schema(
        operation_id="evidence_destroy",
        responses={
            204: None,
            400: OpenApiResponse(description="Refused: an organization's retention rule still covers the file."),
            404: NOT_FOUND,
        },
    )
    def delete(self, request, pk):
        evidence = Evidence.objects.select_related("activity").filter(pk=pk, activity__user=request.user).first()
        if evidence is None:
            raise NotFound("No such file.")
        services.evidence_delete(actor=request.user, evidence=evidence)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PetitionListApi(TrainerApi):
    @extend_schema(
        operation_id="petitions_list",
        parameters=[PageQuerySerializer],
        responses={200: PetitionPageSerializer, 400: BAD_INPUT},
    )
    def get(self, request):
        query_params_valid(request, PageQuerySerializer)
        paginator = LimitOffsetPage()
        page = paginator.paginate_queryset(selectors.petition_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(PetitionOutputSerializer(page, many=True).data)


class ActivityPetitionApi(TrainerApi):
    @extend_schema(
        operation_id="activity_petitions_create",
        request=PetitionInputSerializer,
        responses={201: PetitionOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        description="Ask an organization to credit this activity; attach evidence to the activity first.",
    )
    def post(self, request, pk):
        activity = self.activity(pk)
        serializer = PetitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        name = data["organization"].strip()
        organization = (
            Organization.objects.certifying().filter(Q(short_name__iexact=name) | Q(slug__iexact=name)).first()
        )
        if organization is None:
            raise ValidationError({"organization": ["No organization by that name."]})
        petition = services.petition_submit(
            actor=request.user,
            activity=activity,
            organization=organization,
            hours=data["hours"],
            description=data["description"],
        )
        return Response(PetitionOutputSerializer(petition).data, status=status.HTTP_201_CREATED)
