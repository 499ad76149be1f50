"""What schemathesis found the API accepting against its own schema, and the HTML it answered on API paths."""

import pytest
from django.urls import path
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import provider_api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_api(trainer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=trainer).key}")
    return client


@pytest.fixture
def provider_api(provider_a, admin_a):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {provider_api_key_create(actor=admin_a, provider=provider_a, name='x')[1]}"
    )
    return client


@pytest.mark.parametrize("path", ["/api/v1/activities/", "/api/v1/petitions/"])
@pytest.mark.parametrize(
    "query, field",
    [
        ("offset=null", "offset"),
        ("limit=null", "limit"),
        ("offset=-1", "offset"),
        ("limit=0", "limit"),
        ("offset=1&offset=2", "offset"),
    ],
)
def test_paging_parameters_outside_the_schema_are_a_400_naming_them(trainer_api, path, query, field):
    response = trainer_api.get(f"{path}?{query}")
    assert response.status_code == 400 and list(response.json()) == [field], response.content


@pytest.mark.parametrize(
    "path, query, field",
    [
        ("/api/v1/provider/completions", "status=AAA", "status"),
        ("/api/v1/provider/completions", "status=pending&status=voided", "status"),
        ("/api/v1/provider/courses", "retired=true&retired=false", "retired"),
        ("/api/v1/provider/courses", "retired=AAA", "retired"),
        ("/api/v1/provider/courses", "offset=null", "offset"),
        ("/api/v1/activities/", "kind=AAA", "kind"),
    ],
)
def test_query_parameters_outside_the_schema_are_a_400_naming_them(trainer_api, provider_api, path, query, field):
    client = provider_api if "/provider/" in path else trainer_api
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400 and list(response.json()) == [field], response.content


def test_declared_values_still_filter(provider_api, provider_a):
    from tests.factories import ApprovedCourseFactory

    ApprovedCourseFactory(organization=provider_a.organization, provider=provider_a, course_number="CEP111111")
    ApprovedCourseFactory(
        organization=provider_a.organization, provider=provider_a, course_number="CEP222222", is_retired=True
    )

    def numbers(query):
        return [c["course_number"] for c in provider_api.get(f"/api/v1/provider/courses?{query}").json()["results"]]

    assert numbers("retired=true") == ["CEP222222"] and numbers("retired=false") == ["CEP111111"]
    assert numbers("") == ["CEP111111", "CEP222222"] and numbers("limit=1&offset=1") == ["CEP222222"]


@pytest.mark.parametrize("body", ["true", "false", "null", "[]", '"x"', "3"])
def test_a_void_body_that_is_not_an_object_is_a_400_and_voids_nothing(provider_api, provider_a, body):
    import uuid

    from credits.models import ProviderCompletion
    from credits.providers.services import completions_report
    from tests.factories import ApprovedCourseFactory

    ApprovedCourseFactory(organization=provider_a.organization, provider=provider_a, course_number="CEP111111")
    record = {"attendee_email": "a@example.com", "course_number": "CEP111111", "completed_on": "2025-06-01"}
    receipt = completions_report(provider=provider_a, records=[record], request_id=uuid.uuid4())["receipts"][0]
    url = f"/api/v1/provider/completions/{receipt['completion_id']}/void"
    response = provider_api.post(url, body, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json", response.content
    assert ProviderCompletion.objects.get(pk=receipt["completion_id"]).voided_at is None


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/api/v1/provider/completions/null%2Cnull", 404),
        ("get", "/api/v1/no-such-thing", 404),
        ("get", "/api/v1/activities/abc/", 404),
        ("put", "/api/v1/evaluate", 405),
    ],
)
def test_every_api_path_answers_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status and response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def _boom(request):
    raise RuntimeError("an unexpected error")


urlpatterns = [path("api/v1/boom", _boom)]  # this module is the URLconf of the test below


def test_a_server_error_on_an_api_path_is_json(client, settings):
    settings.ROOT_URLCONF = "tests.test_api_strict_input"
    client.raise_request_exception = False
    response = client.get("/api/v1/boom")
    assert response.status_code == 500 and response.json() == {"detail": "Internal Server Error"}


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/activities/", "/api/v1/petitions/"])
def test_a_parameter_a_list_does_not_declare_is_a_400_naming_it(trainer_api, path):
    response = trainer_api.get(f"{path}?limit=5&colour=red")
    assert response.status_code == 400 and list(response.json()) == ["colour"]
    assert "limit" in response.json()["colour"][0] and "offset" in response.json()["colour"][0]


def test_json_bodies_take_the_types_the_schema_declares(trainer_api, provider_api, provider_a):
    activity = {"kind": "teaching", "completed_on": "2025-03-01", "amount": "1"}
    response = trainer_api.post("/api/v1/activities/", {**activity, "notes": 0.0, "title": True}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"notes", "title"}, response.content
    response = trainer_api.post("/api/v1/activities/", {**activity, "amount": "", "hours": ""}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"amount", "hours"}, response.content
    assert trainer_api.post("/api/v1/activities/", {**activity, "notes": "0.0"}, format="json").status_code == 201
    assert trainer_api.post("/api/v1/activities/", {**activity, "notes": "x"}).status_code == 201  # a form: all text
    course = {"course_number": "CEP333333", "title": "T", "amount": "0.5"}
    response = provider_api.post("/api/v1/provider/courses", {**course, "multi_session": "yes"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["multi_session"], response.content
