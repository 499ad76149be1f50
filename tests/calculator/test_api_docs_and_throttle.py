"""The calculator's rate limit per client address, and its documentation in the OpenAPI schema and /api/docs/."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from certifications.calculator.api import REQUEST_EXAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rate(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"evaluate": "3/min"}}
    cache.clear()
    yield
    cache.clear()


def test_the_fourth_request_in_a_minute_is_refused_with_retry_after(low_rate, evaluate):
    assert [evaluate(REQUEST_EXAMPLE).status_code for _ in range(3)] == [200, 200, 200]
    response = evaluate(REQUEST_EXAMPLE)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


def test_bad_requests_count_too(low_rate, evaluate):
    assert [evaluate({}).status_code for _ in range(3)] == [400, 400, 400]
    assert evaluate(REQUEST_EXAMPLE).status_code == 429


def test_the_limit_is_per_client_address(low_rate, evaluate):
    for _ in range(3):
        evaluate(REQUEST_EXAMPLE, REMOTE_ADDR="10.0.0.1")
    assert evaluate(REQUEST_EXAMPLE, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert evaluate(REQUEST_EXAMPLE, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_made_up_x_forwarded_for_is_not_a_new_client(settings, evaluate):
    # No proxy of ours in front (NUM_PROXIES 0, the default): the header is anyone's to write.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"evaluate": "120/min"}}
    cache.clear()
    codes = [evaluate({}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(130)]
    assert codes == [400] * 120 + [429] * 10
    cache.clear()


def test_behind_one_proxy_the_last_x_forwarded_for_entry_is_the_client(low_rate, settings, evaluate):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The client may put anything first; our proxy appends the address it saw, and REMOTE_ADDR is the proxy.
    codes = [evaluate({}, HTTP_X_FORWARDED_FOR=f"10.1.1.{i}, 203.0.113.7").status_code for i in range(4)]
    assert codes == [400, 400, 400, 429]
    assert evaluate({}, HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.8").status_code == 400


def test_signing_in_does_not_escape_the_limit(low_rate, api, trainer):
    api.force_authenticate(trainer)
    codes = [api.post("/api/v1/evaluate", REQUEST_EXAMPLE, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.redis
def test_the_limit_holds_with_the_redis_cache(settings, evaluate):
    prefix = f"cect-test-throttle-{uuid.uuid4().hex}"  # our own keys only: the same Redis may carry Celery's queues
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"evaluate": "3/min"}}
    client = cache._cache.get_client()
    try:
        codes = [evaluate(REQUEST_EXAMPLE, REMOTE_ADDR="10.9.9.9").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert evaluate(REQUEST_EXAMPLE, REMOTE_ADDR="10.9.9.8").status_code == 200
        ttl = [client.ttl(key) for key in client.keys(f"{prefix}*10.9.9.9*")]
        assert ttl and all(0 < t <= 61 for t in ttl)  # the counter expires with its window
    finally:
        for key in client.keys(f"{prefix}*"):
            client.delete(key)


def test_the_default_rate_is_120_a_minute():
    from cectracker.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["evaluate"] == "120/min"


@pytest.fixture
def schema(db):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_documents_the_calculator(schema):
    operation = schema["paths"]["/api/v1/evaluate"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "429"}
    assert operation.get("security", schema.get("security", [])) in ([], [{}])  # public: no authentication
    request = operation["requestBody"]["content"]["application/json"]
    assert request["examples"]
    ok = operation["responses"]["200"]["content"]["application/json"]
    assert ok["examples"]
    components = schema["components"]["schemas"]
    inputs = components[request["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert set(inputs["required"]) == {"credential", "certified_on"}
    activity = components["ActivityInRequest"]
    assert set(activity["required"]) == {"id", "kind", "completed_on"}
    assert activity["properties"]["amount"]["pattern"] == r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
    assert inputs["properties"]["activities"]["maxItems"] == 1000


def test_the_bench_baseline_view_is_not_in_the_schema(schema):
    assert not any("bench" in path for path in schema["paths"])


def test_api_docs_render_from_our_own_static_files(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert Client().get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_bench_plain_view_only_when_enabled(db, settings):
    settings.DEBUG, settings.CECT_BENCH = False, False
    assert Client().post("/api/v1/bench/plain", "{}", content_type="application/json").status_code == 404
    settings.CECT_BENCH = True
    response = Client().post("/api/v1/bench/plain", '{"activities": [1, 2]}', content_type="application/json")
    assert response.json() == {"activities": 2}
