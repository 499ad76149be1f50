"""Drive schemathesis from Python inside a normal pytest test (its pytest plugin does not work with pytest 9).

`run_schemathesis(path_regex=...)` loads the OpenAPI schema the app serves, keeps the operations whose path
matches, generates positive and negative cases for each with hypothesis (a bounded number of examples), sends
them to the Django app in-process (WSGI: same thread, same test transaction) and runs schemathesis's
checks on every response. A failing check raises, with the request to reproduce it.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Schemathesis's default response checks. Not `positive_data_acceptance`: a schema-valid body may still name
# data that does not exist (an unknown credential code, a course of another provider), which is a 400 by design.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def served_schema() -> dict[str, Any]:
    """The OpenAPI document exactly as /api/schema/ serves it (JSON)."""
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def run_schemathesis(
    *,
    path_regex: str,
    max_examples: int = 60,
    modes: Iterable[GenerationMode] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    headers: dict[str, str] | None = None,
    checks: list | None = None,
) -> int:
    """Fuzz every operation whose path matches `path_regex`; returns how many operations were exercised.

    `headers` go with every request (e.g. a provider's API key); `max_examples` bounds each operation and mode."""
    schema = schemathesis.openapi.from_dict(served_schema()).include(path_regex=path_regex)
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"no operation matches {path_regex!r}"
    with _keep_test_connection():
        for operation in operations:
            for mode in modes:
                _fuzz(operation, mode=mode, max_examples=max_examples, headers=headers, checks=checks or CHECKS)
    return len(operations)


@contextmanager
def _keep_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(operation, *, mode: GenerationMode, max_examples: int, headers, checks) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=checks)

    check()
