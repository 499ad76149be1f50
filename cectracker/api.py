"""The API's URL list and the one place domain errors become HTTP answers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import include, path
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

urlpatterns = [
    path("", include("certifications.api.urls")),
    path("", include("credits.api.urls")),
    path("", include("audits.api.urls")),
    path("", include("credits.intake.api")),
]


def exception_handler(exc, context):
    """Map domain errors to 4xx JSON: a Django ValidationError is a 400 naming its fields."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
