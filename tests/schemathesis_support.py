"""Drive schemathesis from Python inside a normal pytest test (its pytest plugin does not work with pytest 9).

`run_schemathesis(path_regex=...)` loads the OpenAPI schema the app serves, keeps the operations whose path
matches, generates positive and negative cases for each with hypothesis (a bounded number of examples), sends
them to the Django app in-process (WSGI: same thread, same test transaction) and runs schemathesis's
checks on every response. A failing check raises, with the request to reproduce it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Every check schemathesis has but `positive_data_acceptance`: a schema-valid body may still name data that does
# not exist (an unknown credential code, a course of another provider) or break a domain rule (a future date),
# which is a 400 by design. Among them: no 5xx, status codes, content types, headers and bodies as the schema
# says, negative data rejected, authentication enforced.
EXCLUDED_CHECKS = [positive_data_acceptance]


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
    headers_for: Callable[[Any], dict[str, str]] | None = None,
    path_values: dict[str, Any] | None = None,
    checks: list | None = None,
    excluded_checks: list | None = None,
    statuses: Counter | None = None,
    derandomize: bool = True,
) -> int:
    """Fuzz every operation whose path matches `path_regex`; returns how many operations were exercised.

    `headers` go with every request (e.g. a provider's API key), or `headers_for(operation)` picks them;
    `path_values` (by "METHOD path" or by path: path parameter name -> a real object's value) replace
    generated ones in positive cases, so the real objects are exercised too; `max_examples` bounds each
    operation and mode;
    `statuses` counts the answers by ("GET /path", status), to show the calls got past authentication;
    `derandomize` (the default) makes the suite's run the same every time; deep runs explore at random."""
    schema = schemathesis.openapi.from_dict(served_schema()).include(path_regex=path_regex)
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"no operation matches {path_regex!r}"
    with _keep_test_connection():
        for operation in operations:
            for mode in modes:
                _fuzz(
                    operation,
                    mode=mode,
                    max_examples=max_examples,
                    headers=headers_for(operation) if headers_for else headers,
                    path_values=_values_for(operation, path_values) if mode == GenerationMode.POSITIVE else {},
                    checks=checks,
                    excluded_checks=EXCLUDED_CHECKS if excluded_checks is None else excluded_checks,
                    statuses=statuses if statuses is not None else Counter(),
                    derandomize=derandomize,
                )
    return len(operations)


def _values_for(operation, path_values: dict[str, Any] | None) -> dict[str, Any]:
    path_values = path_values or {}
    return path_values.get(f"{operation.method.upper()} {operation.path}", path_values.get(operation.path, {}))


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


def _fuzz(
    operation,
    *,
    mode: GenerationMode,
    max_examples: int,
    headers,
    path_values,
    checks,
    excluded_checks,
    statuses,
    derandomize,
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        if path_values and case.path_parameters:
            case.path_parameters.update(path_values)
        if checks:
            response = case.call_and_validate(headers=headers, checks=checks)
        else:
            response = case.call_and_validate(headers=headers, excluded_checks=excluded_checks)
        statuses[(f"{operation.method.upper()} {operation.path}", response.status_code)] += 1

    try:
        check()
    except Unsatisfiable:
        # Nothing in the operation can be made invalid (e.g. no parameters, no body): schemathesis's own
        # runner skips negative testing there too. Positive data must always be possible.
        if mode != GenerationMode.NEGATIVE:
            raise
