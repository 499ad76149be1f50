"""The intake API: POST certificates, poll the job, confirm each draft (the same services as the pages)."""

from django.core.exceptions import TooManyFilesSent
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from credits.api.serializers import ActivityInputSerializer, ActivityOutputSerializer
from credits.api.views import BAD_INPUT, NOT_FOUND, TrainerApi, _activity_out
from credits.intake import selectors, services
from credits.intake.serializers import DraftOutputSerializer, IntakeUploadSerializer, JobOutputSerializer
from credits.intake.views import TOO_MANY, body_too_big
from credits.uploads import install_upload_handlers


def _job_out(job) -> dict:
    job = type(job).objects.prefetch_related("drafts").get(pk=job.pk)
    return JobOutputSerializer(job).data


class IntakeCreateApi(TrainerApi):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "intake"

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":  # before anything reads the body: files spooled to disk and capped
            install_upload_handlers(request)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        operation_id="intake_create",
        request={"multipart/form-data": IntakeUploadSerializer},
        responses={
            202: JobOutputSerializer,
            400: BAD_INPUT,
            415: OpenApiResponse(description="Not multipart/form-data: send the files as a form."),
            429: OpenApiResponse(description="Too many uploads."),
        },
        description="Upload certificates; each is read in the background into a draft. Poll the job's URL.",
    )
    def post(self, request):
        if body_too_big(request._request):
            raise ValidationError({"files": [TOO_MANY]})
        try:
            serializer = IntakeUploadSerializer(data=request.data)
        except TooManyFilesSent as exc:
            raise ValidationError({"files": [TOO_MANY]}) from exc
        serializer.is_valid(raise_exception=True)
        job = services.intake_start(actor=request.user, uploads=serializer.validated_data["files"])
        return Response(_job_out(job), status=status.HTTP_202_ACCEPTED)


class IntakeJobApi(TrainerApi):
    @extend_schema(operation_id="intake_retrieve", responses={200: JobOutputSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        return Response(_job_out(selectors.intake_job_get(user=request.user, pk=pk)))


class IntakeDraftConfirmApi(TrainerApi):
    @extend_schema(
        operation_id="intake_draft_confirm",
        request=ActivityInputSerializer,
        responses={201: ActivityOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        description="Record the draft as an activity with these values (as corrected); its file becomes the evidence.",
    )
    def post(self, request, pk):
        draft = selectors.intake_draft_get(user=request.user, pk=pk)
        serializer = ActivityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.intake_confirm(actor=request.user, draft=draft, **serializer.validated_data)
        return Response(_activity_out(request, activity.pk), status=status.HTTP_201_CREATED)


class IntakeDraftDiscardApi(TrainerApi):
    @extend_schema(
        operation_id="intake_draft_discard",
        request=None,
        responses={
            200: DraftOutputSerializer,
            400: OpenApiResponse(description="Refused: the draft was already confirmed or discarded."),
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk):
        draft = selectors.intake_draft_get(user=request.user, pk=pk)
        return Response(DraftOutputSerializer(services.intake_discard(actor=request.user, draft=draft)).data)


from django.urls import path  # noqa: E402

urlpatterns = [  # included by cectracker.api
    path("intake/", IntakeCreateApi.as_view(), name="api-intake"),
    path("intake/<int:pk>/", IntakeJobApi.as_view(), name="api-intake-job"),
    path("intake/drafts/<int:pk>/confirm/", IntakeDraftConfirmApi.as_view(), name="api-intake-draft-confirm"),
    path("intake/drafts/<int:pk>/discard/", IntakeDraftDiscardApi.as_view(), name="api-intake-draft-discard"),
]
