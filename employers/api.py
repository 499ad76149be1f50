"""The employer roster API (`GET /api/v1/employer/roster`), for HR systems: an employer API key only."""

from django.utils import timezone
from django.utils.functional import cached_property
from django_scopes import scope
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView

from accounts.apikeys.auth import EmployerKeyAuthentication, EmployerKeyThrottle, IsEmployerKey
from cectracker.pagination import LimitOffsetPage
from employers.models import Location
from employers.selectors import roster_rows
from employers.serializers import RosterPageSerializer, RosterQuerySerializer, RosterRowSerializer


class RosterApi(APIView):
    """The certifications the employer's trainers share, with live status, what needs attention first."""

    authentication_classes = [EmployerKeyAuthentication]
    permission_classes = [IsEmployerKey]
    throttle_classes = [EmployerKeyThrottle]

    @cached_property
    def paginator(self):
        return LimitOffsetPage()

    @extend_schema(
        tags=["employer"],
        parameters=[RosterQuerySerializer],
        responses={
            200: RosterPageSerializer,
            400: OpenApiResponse(description='Invalid filter: `{"field": ["message"]}`.'),
            401: OpenApiResponse(description="Missing, invalid or revoked API key."),
        },
    )
    def get(self, request):
        query = RosterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        employer = request.auth.organization
        with scope(organization=employer):
            location = query.validated_data.get("location")
            if location is not None and not Location.objects.filter(pk=location).exists():
                raise exceptions.ValidationError({"location": ["Not one of your locations."]})
            rows = roster_rows(
                organization=employer,
                as_of=timezone.localdate(),
                location_id=location,
                status=query.validated_data.get("status"),
            )
        page = self.paginator.paginate_queryset(rows, request, view=self)
        return self.paginator.get_paginated_response(RosterRowSerializer(page, many=True).data)
