"""A minimal driver for schemathesis from a plain test (its pytest plugin does not load on pytest 9)."""

from collections import Counter
from contextlib import contextmanager

import hypothesis
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def load_schema(*, path_regex: str):
    """Our own /api/schema/, served in-process, limited to the operations under test."""
    with _keep_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    return schema.include(path_regex=path_regex)


@contextmanager
def _keep_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz(schema, *, headers: dict[str, str], max_examples: int = 25) -> tuple[list[str], Counter]:
    """Call every operation with generated data; return the failures (an empty list is a pass) and
    the status codes seen (to show the calls got past authentication)."""
    with _keep_test_connection():
        return _fuzz(schema, headers=headers, max_examples=max_examples)


def _fuzz(schema, *, headers, max_examples) -> tuple[list[str], Counter]:
    failures: list[str] = []
    statuses: Counter = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # one failure per operation is enough to act on
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    return failures, statuses
