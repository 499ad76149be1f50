"""Fixtures of the provider API: the shipped rules, a key per provider, an API client per key."""

import pytest
from rest_framework.test import APIClient

from accounts.services import provider_api_key_create
from certifications.defaults import load_defaults
from tests.factories import ApprovedCourseFactory, ProviderFactory, UserFactory


@pytest.fixture
def shipped(org_a, org_b):
    return {o.short_name: o for o in load_defaults()}


def client_for(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def key_a(provider_a, admin_a):
    return provider_api_key_create(actor=admin_a, provider=provider_a, name="LMS")


@pytest.fixture
def api_a(shipped, key_a):
    return client_for(key_a[1])


@pytest.fixture
def provider_a2(org_a):
    """A second provider of the same organization."""
    return ProviderFactory(organization=org_a, name="Other ACE Provider")


@pytest.fixture
def api_a2(shipped, provider_a2, admin_a):
    return client_for(provider_api_key_create(actor=admin_a, provider=provider_a2, name="x")[1])


@pytest.fixture
def api_b(shipped, provider_b, admin_b):
    return client_for(provider_api_key_create(actor=admin_b, provider=provider_b, name="x")[1])


@pytest.fixture
def course_a(provider_a, shipped):
    return ApprovedCourseFactory(
        organization=provider_a.organization, provider=provider_a, course_number="CEP123456", amount="0.80"
    )


@pytest.fixture
def course_a2(provider_a2, shipped):
    return ApprovedCourseFactory(
        organization=provider_a2.organization, provider=provider_a2, course_number="CA54321", amount="0.50"
    )


# ---------------------------------------------------------------------------------------- the portal


def portal_staff(provider, email):
    user = UserFactory(email=email, name="Pat Provider")
    provider.users.add(user)
    return user


@pytest.fixture
def staff_a(provider_a):
    """Provider A's own staff member (Provider.users): signs in like anyone, with no organization role."""
    return portal_staff(provider_a, "staff@movewell.test")


@pytest.fixture
def staff_b(provider_b):
    return portal_staff(provider_b, "staff@strongscience.test")


@pytest.fixture
def portal_a(client, staff_a, shipped):
    client.force_login(staff_a)
    return client


def portal_url(name, provider, **kwargs):
    from django.urls import reverse

    return reverse(name, kwargs={"provider_id": provider.pk, **kwargs})


def xlsx_bytes(rows, *, extra_parts=None) -> bytes:
    """An .xlsx made by openpyxl from rows of values; `extra_parts` adds zip members (macros, links)."""
    import io
    import zipfile

    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Roster")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    if extra_parts:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            for name, body in extra_parts.items():
                dst.writestr(name, body)
        data = out.getvalue()
    return data
