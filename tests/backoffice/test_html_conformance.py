"""The main pages, as a visitor, a trainer and staff see them, parse as HTML without a single error (html5lib
strict, the parser browsers follow), with no block inside inline content, unique ids, and every label's target
present: what the Nu checker found on sign-up, the menu and the staff audit page."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import html5lib
import pytest
from django.urls import reverse

from audits.services import audit_consider
from certifications.models import Renewal
from tests.factories import ActivityFactory, CertificationFactory, PetitionFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.w3.org/1999/xhtml}"
PHRASING_ONLY = {"p", "span", "label", "a", "button", "strong", "em", "small", "b", "i", "h1", "h2", "h3", "summary"}
BLOCKS = {"ul", "ol", "div", "p", "table", "form", "section", "h1", "h2", "h3", "dl"}


def problems_of(html: str) -> list[str]:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=True)
    tree = parser.parse(html)
    found = [f"parse error {code} at {pos} {data}" for pos, code, data in parser.errors]
    parents = {child: parent for parent in tree.iter() for child in parent}
    ids = Counter(element.get("id") for element in tree.iter() if element.get("id"))
    found += [f"duplicate id {value}" for value, count in ids.items() if count > 1]
    for element in tree.iter():
        tag = element.tag.replace(NS, "") if isinstance(element.tag, str) else ""
        if tag in BLOCKS:
            parent = parents.get(element)
            while parent is not None:
                ptag = parent.tag.replace(NS, "")
                if ptag in PHRASING_ONLY and not (ptag == "a" and tag in {"div", "h2", "h3", "p"}):
                    found.append(f"<{tag}> inside <{ptag}>")
                    break
                parent = parents.get(parent)
        if tag == "label" and element.get("aria-hidden"):
            found.append("aria-hidden on a <label>")
        if tag == "label" and element.get("for") and element.get("for") not in ids:
            found.append(f"<label for={element.get('for')}> names no element")
    return found


@pytest.fixture
def pages(client, shipped, trainer, acsm_cpt, admin_b, no_mfa_requirement):
    certification = CertificationFactory(
        user=trainer, credential=acsm_cpt, certified_on=dt.date(2023, 3, 15), cpr_aed_valid_until=dt.date(2027, 1, 1)
    )
    activity = ActivityFactory(user=trainer, awarding_org="ACSM", amount=Decimal("4"), completed_on=dt.date(2024, 5, 1))
    petition = PetitionFactory(organization=shipped["ACSM"], activity=activity, hours=Decimal("2"))
    renewal = Renewal.objects.create(cycle=certification.cycles.get(), submitted_by=trainer, earned=Decimal("45"))

    class Always(random.Random):
        def random(self):
            return 0.0

    audit = audit_consider(renewal=renewal, rng=Always())
    return {
        None: [reverse("home"), reverse("account_login"), reverse("account_signup"), reverse("calculator")],
        trainer: [
            reverse("dashboard"),
            reverse("certification_list"),
            reverse("certification_detail", args=[certification.pk]),
            reverse("certification_add"),
            reverse("activity_list"),
            reverse("activity_add"),
            reverse("activity_detail", args=[activity.pk]),
            reverse("petition_list"),
            reverse("audit_detail", args=[audit.pk]),
            reverse("profile"),
            reverse("notification_list"),
            reverse("notification_preferences"),
            reverse("api_token"),
        ],
        admin_b: [
            reverse("org_home", args=["acsm"]),
            reverse("org_petitions", args=["acsm"]),
            reverse("org_petition", args=["acsm", petition.pk]),
            reverse("org_audits", args=["acsm"]),
            reverse("org_audit", args=["acsm", audit.pk]),
            reverse("org_certifications", args=["acsm"]),
            reverse("org_certification", args=["acsm", certification.pk]),
            reverse("org_renewals", args=["acsm"]),
            reverse("org_action_log", args=["acsm"]),
            reverse("org_staff", args=["acsm"]),
            reverse("org_providers", args=["acsm"]),
        ],
    }


def test_the_main_pages_are_conforming_html(client, pages):
    failures = {}
    for person, urls in pages.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            found = problems_of(response.content.decode())
            if found:
                failures[url] = found
    assert not failures, failures


def test_the_checker_finds_what_the_nu_checker_found():
    page = "<!DOCTYPE html><html lang=en><head><title>x</title></head><body>{}</body></html>"
    assert any("inside <span>" in p for p in problems_of(page.format("<span><ul><li>a</li></ul></span>")))
    assert any("parse error" in p for p in problems_of(page.format("<div>text</p></div>")))
    assert any("aria-hidden" in p for p in problems_of(page.format('<label aria-hidden="true">menu</label>')))
    assert any("duplicate id" in p for p in problems_of(page.format('<i id="a"></i><i id="a"></i>')))
    assert not problems_of(page.format("<p>fine</p>"))
