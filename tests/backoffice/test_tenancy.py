"""Every /org/ URL, with the other organization's object ids: outsiders get 404, anonymous the login."""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.services import provider_create
from audits.models import Audit, AuditPacket
from audits.services import audit_packet_render
from certifications.models import EmeritusApplication, RuleSetVersion
from certifications.rulesets.services import ruleset_draft_create
from tests.factories import CertificationFactory, PetitionFactory

pytestmark = pytest.mark.django_db


def org_patterns():
    """(name, converter names) of every named route under org/<slug>/."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("org/") and p.name:
                found.append((p.name, set(p.pattern.converters)))

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture
def acsm_data(shipped, trainer, acsm_cpt, admin_b):
    """One of every object the ACSM back office shows, keyed by the URL name that takes its id."""
    from bench.audit_packet import seed_audit

    audit = seed_audit(user=trainer, credential=acsm_cpt, images=1, pdfs=0)
    packet = audit_packet_render(packet_id=AuditPacket.objects.create(audit=audit).pk)
    assert packet.state == "done"
    petition = PetitionFactory(organization=shipped["ACSM"], activity__user=trainer)
    other = CertificationFactory(credential=acsm_cpt, certified_on=dt.date(2010, 1, 1))
    application = EmeritusApplication.objects.create(certification=other, retired_attested=True)
    draft = ruleset_draft_create(actor=admin_b, organization=shipped["ACSM"])
    ids = {
        "org_petition": petition.pk,
        "org_audit": audit.pk,
        "org_audit_packet_request": audit.pk,
        "org_audit_packet": packet.pk,
        "org_audit_packet_download": packet.pk,
        "org_certification": audit.cycle.certification_id,
        "org_emeritus_application": application.pk,
        "org_ruleset": draft.pk,
        "org_ruleset_preview": draft.pk,
        "org_ruleset_publish": draft.pk,
        "org_provider": provider_create(actor=admin_b, organization=shipped["ACSM"], name="Kettlebell Co").pk,
    }
    return ids


def _urls(slug, ids, with_ids_only=False):
    urls = []
    for name, converters in org_patterns():
        args = {"org_slug": slug}
        object_args = converters - {"org_slug"}
        if object_args:
            assert name in ids, f"the tenancy test does not know which object {name} takes: add it to acsm_data"
            assert len(object_args) == 1, f"{name}: unexpected URL arguments {converters}"
            args[object_args.pop()] = ids[name]
        elif with_ids_only:
            continue
        urls.append(reverse(name, kwargs=args))
    return urls


def test_staff_of_another_organization_get_404_everywhere(client, acsm_data, admin_a, reviewer_a):
    from accounts.models import ActionLog

    logged = ActionLog.objects.count()
    for user in (admin_a, reviewer_a):
        client.force_login(user)
        # B's URLs (B's slug) and, for the admin (who passes every role check), B's object ids under
        # the admin's own organization's slug: the object lookup itself must answer 404.
        urls = _urls("acsm", acsm_data) + (_urls("ace", acsm_data, with_ids_only=True) if user == admin_a else [])
        for url in urls:
            assert client.get(url).status_code == 404, f"GET {url} as {user.email}"
            assert client.post(url, {"decision": "approve", "amount": "1", "outcome": "passed"}).status_code == 404, (
                f"POST {url} as {user.email}"
            )
    assert ActionLog.objects.count() == logged  # nothing was done
    assert Audit.objects.get().status == "open" and RuleSetVersion.objects.filter(status="draft").count() == 1


def test_a_reviewer_learns_nothing_of_other_ids_from_admin_only_routes(client, acsm_data, reviewer_a):
    # The role check came before the lookup: a reviewer got 403 for an id that exists elsewhere and
    # could tell it from one that does not. The object's tenant is checked first: 404 for all of them.
    client.force_login(reviewer_a)
    for url in _urls("ace", acsm_data, with_ids_only=True):
        assert client.get(url).status_code == 404, f"GET {url}"
        assert client.post(url, {"outcome": "passed"}).status_code == 404, f"POST {url}"


def test_a_reviewer_is_refused_an_admin_only_route_of_an_own_object(client, reviewer_b, admin_b, shipped):
    draft = ruleset_draft_create(actor=admin_b, organization=shipped["ACSM"])
    client.force_login(reviewer_b)
    assert client.get(reverse("org_ruleset_preview", args=["acsm", draft.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, acsm_data):
    for url in _urls("acsm", acsm_data):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url


def test_the_owning_staff_reach_the_pages(client, acsm_data, admin_b):
    client.force_login(admin_b)
    for url in _urls("acsm", acsm_data):
        if url.endswith(("/packet/", "/publish/", "/new/")):
            continue  # POST-only
        assert client.get(url).status_code == 200, url


def test_the_overview_shows_the_action_log_only_to_those_who_may_read_it(client, reviewer_b, admin_b, org_b):
    from accounts.services import log_action

    log_action(actor=admin_b, action="secret.staff_action", organization=org_b, data={"after": {"x": 1}})
    url = reverse("org_home", args=["acsm"])
    client.force_login(reviewer_b)  # the log page is a 403 for a reviewer: so is its copy on the overview
    assert client.get(reverse("org_action_log", args=["acsm"])).status_code == 403
    assert b"Secret staff action" not in client.get(url).content  # the log shows actions in words
    client.force_login(admin_b)
    assert b"Secret staff action" in client.get(url).content
