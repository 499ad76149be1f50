"""schemathesis over the certifications API's own schema: no 500s, answers match the schema, bad input refused."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

# The schema as /api/schema/ serves it, generated here because loading it over WSGI needs the database.
schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
).include(path_regex=r"^/api/v1/(certifications|cycles)/")
schema.app = get_wsgi_application()


@pytest.fixture
def in_process():
    """Called in-process like Django's test client: keep the test's connection (and transaction) open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_certifications_api_keeps_its_schema(case, holder, token, in_process):
    # A schema-valid credential code may still not exist (it is data, not an enum): a 400 is right there.
    case.call_and_validate(
        headers={"Authorization": f"Token {token.key}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
