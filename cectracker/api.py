"""The API's URL list and the one place domain errors become HTTP answers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import include, path
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from certifications.proof.urls import api_urlpatterns
from employers.urls import api_urlpatterns as employer_api_urlpatterns

urlpatterns = [
    path("", include("certifications.api.urls")),
    path("", include("credits.api.urls")),
    path("", include("audits.api.urls")),
    path("", include(api_urlpatterns)),  # proof of certification: verify links, credentials
    path("employer/", include(employer_api_urlpatterns)),
    path("", include("credits.intake.api")),
]


def exception_handler(exc, context):
    """Map domain errors to 4xx JSON: a Django ValidationError is a 400 naming its fields."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
