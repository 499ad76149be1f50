"""The platform operator's pages: only superusers (with two-factor) see them; a preview shows the problems by
path and changes nothing; publishing imports the file as a new rule-set version under the operator's name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ActionLog, Organization
from certifications.defaults import load_defaults
from certifications.models import RuleSetVersion
from tests.conftest import activate_totp
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    user = UserFactory(email="operator@platform.test", is_superuser=True, is_staff=True)
    activate_totp(user)
    return user


def _platform_urls():
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name and (prefix + str(p.pattern)).startswith("platform/"):
                found.append(p.name)

    walk(get_resolver().url_patterns)
    return [
        reverse(n, kwargs={"slug": "ace"}) if "export" in n else reverse(n) for n in found if n != "platform_schema"
    ]


def test_only_platform_operators_reach_the_pages(client, admin_a, trainer, org_a):
    load_defaults()
    logged = ActionLog.objects.count()
    urls = _platform_urls()
    assert len(urls) == 3
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (trainer, admin_a):  # an organization admin operates only their own organization
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url, {"text": "format: x", "action": "publish"}).status_code == 404
    assert ActionLog.objects.count() == logged and not Organization.objects.filter(slug="x").exists()


def test_operators_need_two_factor(client):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(reverse("platform_organizations"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_the_preview_lists_problems_by_path_and_changes_nothing(client, operator, nfb_text):
    client.force_login(operator)
    broken = nfb_text.replace("cycle_years: 4", "cycle_years: four").replace("  short_name: NFB\n", "")
    upload = SimpleUploadedFile("nfb.yaml", broken.encode(), content_type="application/yaml")
    response = client.post(reverse("platform_import"), {"file": upload, "action": "preview"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<code>organization.short_name</code>: is missing" in page
    assert "<code>rule_set.rules.cycle_years</code>: must be a whole number" in page
    assert 'aria-invalid="true"' in page and "listed above by where they are" in page
    assert not Organization.objects.filter(slug="nfb").exists()


def test_preview_then_publish(client, operator, nfb_text):
    client.force_login(operator)
    upload = SimpleUploadedFile("nfb.yaml", nfb_text.encode(), content_type="application/yaml")
    preview = client.post(reverse("platform_import"), {"file": upload, "action": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Creates the organization NFB (National Fitness Board), at /org/nfb/." in page
    assert "Publishes the rules as a new rule-set version in force from Jan 1, 2020." in page
    assert not Organization.objects.filter(slug="nfb").exists()  # a dry run
    # The preview carries the text on to the publish button.
    published = client.post(reverse("platform_import"), {"text": nfb_text, "action": "publish"}, follow=True)
    assert published.redirect_chain[-1][0] == reverse("platform_organizations")
    version = RuleSetVersion.objects.get(organization__slug="nfb")
    assert (version.status, version.published_by) == ("published", operator)
    assert ActionLog.objects.get(action="organization.imported").actor == operator
    exported = client.get(reverse("platform_export", args=["nfb"]))
    assert exported["Content-Disposition"].startswith('attachment; filename="nfb-')
    assert exported.content.decode() == nfb_text


def test_the_effective_date_is_checked_like_any_publication(client, operator, nfb_text):
    client.force_login(operator)
    client.post(reverse("platform_import"), {"text": nfb_text, "action": "publish"})
    changed = nfb_text.replace("late: '45'", "late: '50'")
    response = client.post(
        reverse("platform_import"), {"text": changed, "action": "preview", "effective_from": "01/01/2021"}
    )
    assert response.status_code == 400
    assert "<code>rule_set.effective_from</code>: 2021-01-01: must be today or later" in response.content.decode()


def test_the_pages_are_well_formed(client, operator, nfb_text):
    """The markup checks every main page is held to (tests/backoffice/test_html_conformance.py)."""
    from tests.backoffice.test_html_conformance import problems_of

    client.force_login(operator)
    pages = [
        client.get(reverse("platform_organizations")),
        client.post(reverse("platform_import"), {"text": nfb_text, "action": "preview"}),
        client.post(reverse("platform_import"), {"text": "format: 1", "action": "preview"}),
    ]
    assert [problems_of(page.content.decode()) for page in pages] == [[], [], []]


def test_nothing_to_import_is_said_on_the_field(client, operator):
    client.force_login(operator)
    response = client.post(reverse("platform_import"), {"action": "preview"})
    assert response.status_code == 400
    assert "Choose the organization file, or paste its text below." in response.content.decode()


def test_the_schema_is_public(client):
    response = client.get(reverse("platform_schema"))
    assert (
        response.status_code == 200 and response.json()["properties"]["format"]["const"] == "cectracker-organization/1"
    )


def test_staff_of_an_organization_cannot_import_through_their_membership(client, org_a):
    admin = MembershipFactory(organization=org_a, role="admin").user
    activate_totp(admin)
    client.force_login(admin)
    assert client.get(reverse("platform_organizations")).status_code == 404
