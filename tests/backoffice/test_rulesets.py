"""Rule sets: a real form round-trips the shipped rules, validation names the field, preview, publish."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActionLog
from certifications.models import RuleSetVersion
from certifications.rules.params import RuleParams
from certifications.rulesets.selectors import ruleset_preview
from certifications.rulesets.services import ruleset_draft_create, ruleset_draft_update, ruleset_publish
from tests.factories import ActivityFactory, CertificationFactory

pytestmark = pytest.mark.django_db


def _post_data(*forms_and_sets):
    """What the browser would send for the rendered forms, unchanged."""
    data = {}
    for item in forms_and_sets:
        if hasattr(item, "management_form"):
            for name, value in item.management_form.initial.items():
                data[f"{item.prefix}-{name}"] = value
            forms = list(item)
        else:
            forms = [item]
        for form in forms:
            for bound in form:
                value = bound.value()
                if value is None or value is False or value == "":
                    continue
                data[bound.html_name] = value
    return data


@pytest.fixture
def draft(admin_a, shipped):
    return ruleset_draft_create(actor=admin_a, organization=shipped["ACE"])


@pytest.mark.parametrize("slug", ["ace", "acsm"])
def test_the_form_round_trips_the_shipped_rules(client, shipped, slug, request):
    admin = request.getfixturevalue(f"admin_{'a' if slug == 'ace' else 'b'}")
    org = shipped[slug.upper()]
    draft = ruleset_draft_create(actor=admin, organization=org)
    client.force_login(admin)
    url = reverse("org_ruleset", args=[slug, draft.pk])
    context = client.get(url).context
    data = _post_data(context["general"], context["kinds"], context["caps"])
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        response.context["general"].errors,
        [f.errors for f in response.context["kinds"]],
        [f.errors for f in response.context["caps"]],
    ]
    draft.refresh_from_db()
    published = RuleSetVersion.objects.get(organization=org, status="published")
    assert RuleParams.from_dict(draft.params) == RuleParams.from_dict(published.params)


def test_editing_fields_changes_the_rules_and_is_logged(client, admin_a, draft):
    client.force_login(admin_a)
    url = reverse("org_ruleset", args=["ace", draft.pk])
    context = client.get(url).context
    data = _post_data(context["general"], context["kinds"], context["caps"])
    data["audit_rate"] = "0.05"
    cpr = [i for i, f in enumerate(context["kinds"]) if f.initial["kind"] == "cpr"][0]
    data[f"kinds-{cpr}-amount"] = "0.3"
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    params = RuleParams.from_dict(draft.params)
    assert params.audit.rate == Decimal("0.05") and params.kind_rule("cpr").amount == Decimal("0.3")
    log = ActionLog.objects.get(action="ruleset.draft_updated")
    assert log.data["before"]["audit"]["rate"] == "0" and log.data["after"]["audit"]["rate"] == "0.05"


def test_invalid_rules_are_shown_on_the_field(client, admin_a, draft):
    client.force_login(admin_a)
    url = reverse("org_ruleset", args=["ace", draft.pk])
    context = client.get(url).context
    data = _post_data(context["general"], context["kinds"], context["caps"])
    data["course_number_pattern"] = "(CEP"
    fixed = [i for i, f in enumerate(context["kinds"]) if f.initial["kind"] == "cpr"][0]
    data.pop(f"kinds-{fixed}-amount")
    response = client.post(url, data)
    assert response.status_code == 400
    assert "invalid regular expression" in str(response.context["general"].errors["course_number_pattern"])
    assert response.context["kinds"][fixed].errors == {"amount": ['required when value is "fixed"']}
    assert ActionLog.objects.filter(action="ruleset.draft_updated").count() == 0
    # Next to the field it is about, in the kind's fieldset (its legend in words), the field marked invalid.
    html = response.content.decode()
    group = re.search(r'<fieldset class="kind-rule has-error" id="kind-cpr">.*?</fieldset>', html, re.S).group(0)
    assert "<legend>CPR</legend>" in group
    assert f'id="id_kinds-{fixed}-amount_error"' in group and "required when value is &quot;fixed&quot;" in group
    field = re.search(rf'<input[^>]*name="kinds-{fixed}-amount"[^>]*>', group).group(0)
    assert 'aria-invalid="true"' in field and f'aria-describedby="id_kinds-{fixed}-amount_error"' in field


def test_an_other_organization_error_says_which_line(client, admin_a, draft):
    client.force_login(admin_a)
    url = reverse("org_ruleset", args=["ace", draft.pk])
    context = client.get(url).context
    data = _post_data(context["general"], context["kinds"], context["caps"])
    data["other_orgs"] = "NASM = 0.1\nNSCA = lots"
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["general"].errors["other_orgs"][0].startswith("NSCA: ")


def test_published_versions_are_read_only(client, admin_a, shipped):
    published = RuleSetVersion.objects.get(organization=shipped["ACE"], status="published")
    with pytest.raises(ValidationError, match="read-only"):
        ruleset_draft_update(
            actor=admin_a, organization=shipped["ACE"], version_id=published.pk, params=published.params
        )
    with pytest.raises(ValidationError, match="read-only"):
        ruleset_publish(
            actor=admin_a, organization=shipped["ACE"], version_id=published.pk, effective_from=dt.date(2030, 1, 1)
        )
    client.force_login(admin_a)
    assert client.post(reverse("org_ruleset", args=["ace", published.pk]), {}).status_code == 403


def test_publish_needs_a_date_after_the_rules_in_force(client, admin_a, draft):
    client.force_login(admin_a)
    url = reverse("org_ruleset_publish", args=["ace", draft.pk])
    client.post(url, {"effective_from": "1999-12-31"})
    assert RuleSetVersion.objects.get(pk=draft.pk).status == "draft"
    client.post(url, {"effective_from": "01/01/2027"})
    draft.refresh_from_db()
    assert (draft.status, draft.effective_from, draft.published_by) == ("published", dt.date(2027, 1, 1), admin_a)
    log = ActionLog.objects.get(action="ruleset.published", actor=admin_a)
    assert log.data["after"]["effective_from"] == "2027-01-01"


def test_publish_refuses_a_date_in_the_past(client, admin_a, draft):
    # After every version in force, yet back-dated: it would rewrite what past activities were worth.
    client.force_login(admin_a)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(reverse("org_ruleset_publish", args=["ace", draft.pk]), {"effective_from": str(yesterday)})
    assert response.status_code == 302
    assert RuleSetVersion.objects.get(pk=draft.pk).status == "draft"
    assert "today or later" in str(list(get_messages(response.wsgi_request))[0])
    with pytest.raises(ValidationError, match="today or later"):
        ruleset_publish(actor=admin_a, organization=draft.organization, version_id=draft.pk, effective_from=yesterday)


def test_a_reviewer_cannot_create_edit_or_publish(client, reviewer_a, draft):
    client.force_login(reviewer_a)
    assert client.get(reverse("org_rulesets", args=["ace"])).status_code == 200
    assert client.post(reverse("org_ruleset_new", args=["ace"])).status_code == 403
    assert client.post(reverse("org_ruleset", args=["ace", draft.pk]), {}).status_code == 403
    assert (
        client.post(
            reverse("org_ruleset_publish", args=["ace", draft.pk]), {"effective_from": "2030-01-01"}
        ).status_code
        == 403
    )
    assert RuleSetVersion.objects.get(pk=draft.pk).status == "draft"


def test_the_preview_counts_cycles_the_draft_would_change(client, admin_a, draft, trainer, other_trainer, ace_cpt):
    today = timezone.localdate()
    for person in (trainer, other_trainer):
        CertificationFactory(user=person, credential=ace_cpt, certified_on=today - dt.timedelta(days=200))
    ActivityFactory(user=trainer, kind="cpr", amount=None, completed_on=today - dt.timedelta(days=100))
    params = dict(draft.params)
    params["kinds"] = {**params["kinds"], "cpr": {"status": "credited", "value": "fixed", "amount": "0.5"}}
    params["caps"] = [c for c in params["caps"] if c["name"] != "CPR"]
    ruleset_draft_update(actor=admin_a, organization=draft.organization, version_id=draft.pk, params=params)
    draft.refresh_from_db()
    preview = ruleset_preview(version=draft, effective_from=dt.date(2001, 1, 1), as_of=today)
    assert (preview.cycles, preview.earned_changed, preview.status_changed) == (2, 1, 0)
    ((_cycle, before, after),) = preview.examples
    assert (before.earned, after.earned) == (Decimal("0.20"), Decimal("0.50"))
    # The page shows the same figures.
    client.force_login(admin_a)
    page = client.get(reverse("org_ruleset_preview", args=["ace", draft.pk]), {"effective_from": "2001-01-01"})
    assert page.context["preview"].earned_changed == 1


def test_each_credentials_renewal_fee_is_a_field_stored_in_the_rule_set_and_charged_from_it(client, admin_b, shipped):
    from certifications.models import Credential
    from certifications.selectors import renewal_quote

    org = shipped["ACSM"]
    draft = ruleset_draft_create(actor=admin_b, organization=org)
    client.force_login(admin_b)
    url = reverse("org_ruleset", args=["acsm", draft.pk])
    context = client.get(url).context
    general = context["general"]
    assert [general[f"fee_renewal_{c}"].value() for c in ("ACSM-GEI", "ACSM-CPT", "ACSM-EP", "ACSM-CEP")] == [
        "60",
        "60",
        "70",
        "70",
    ]
    data = _post_data(general, context["kinds"], context["caps"])
    data["fee_renewal_ACSM-CPT"] = "65.50"
    data.pop("fee_renewal_ACSM-GEI")  # empty: no fee published for it
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.params["fees"]["renewal"] == {"ACSM-CPT": "65.5", "ACSM-EP": "70", "ACSM-CEP": "70"}
    log = ActionLog.objects.get(action="ruleset.draft_updated")
    assert log.data["before"]["fees"]["renewal"]["ACSM-CPT"] == "60"
    assert log.data["after"]["fees"]["renewal"]["ACSM-CPT"] == "65.5"
    # The renewal-fee code reads it: from the version's effective date on, renewing costs the new fee.
    effective = timezone.localdate() + dt.timedelta(days=10)
    ruleset_publish(actor=admin_b, organization=org, version_id=draft.pk, effective_from=effective)
    certification = CertificationFactory(
        credential=Credential.objects.get(code="ACSM-CPT"), certified_on=effective - dt.timedelta(days=400)
    )
    cycle = certification.cycles.get()
    assert renewal_quote(certification=certification, cycle=cycle, on=effective - dt.timedelta(days=1)).fee == 60
    assert renewal_quote(certification=certification, cycle=cycle, on=effective).fee == Decimal("65.5")
    gei = CertificationFactory(
        credential=Credential.objects.get(code="ACSM-GEI"), certified_on=effective - dt.timedelta(days=400)
    )
    assert renewal_quote(certification=gei, cycle=gei.cycles.get(), on=effective).fee is None


def test_a_version_written_before_renewal_fees_keeps_the_credentials_fee_and_the_editor_shows_it(
    client, admin_b, shipped
):
    from certifications.models import Credential
    from certifications.selectors import renewal_quote

    org = shipped["ACSM"]
    published = RuleSetVersion.objects.get(organization=org, status="published")
    fees = {k: v for k, v in published.params["fees"].items() if k != "renewal"}
    RuleSetVersion.objects.filter(pk=published.pk).update(params={**published.params, "fees": fees})
    assert RuleParams.from_dict({**published.params, "fees": fees}).fees.renewal is None
    certification = CertificationFactory(credential=Credential.objects.get(code="ACSM-EP"))
    quote = renewal_quote(certification=certification, cycle=certification.cycles.get(), on=timezone.localdate())
    assert quote.fee == Decimal("70")  # Credential.renewal_fee, as before rule sets carried the fee
    draft = ruleset_draft_create(actor=admin_b, organization=org)
    client.force_login(admin_b)
    general = client.get(reverse("org_ruleset", args=["acsm", draft.pk])).context["general"]
    assert general["fee_renewal_ACSM-EP"].value() == Decimal("70.00")  # saving the draft writes it into the rules


def test_a_bad_renewal_fee_is_shown_on_its_field(client, admin_b, shipped):
    draft = ruleset_draft_create(actor=admin_b, organization=shipped["ACSM"])
    client.force_login(admin_b)
    url = reverse("org_ruleset", args=["acsm", draft.pk])
    context = client.get(url).context
    data = _post_data(context["general"], context["kinds"], context["caps"])
    data["fee_renewal_ACSM-EP"] = "-5"
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["general"].errors["fee_renewal_ACSM-EP"]
    # A stored rule set is checked by the same reader: the error names the credential's path.
    params = {**draft.params, "fees": {**draft.params["fees"], "renewal": {"ACSM-EP": "lots"}}}
    with pytest.raises(ValidationError) as error:
        ruleset_draft_update(actor=admin_b, organization=draft.organization, version_id=draft.pk, params=params)
    assert "fees.renewal.ACSM-EP" in error.value.message_dict


def test_the_fee_error_of_the_rules_lands_on_the_renewal_fee_field(shipped):
    from certifications.models import Credential
    from certifications.rulesets.forms import RuleSetForm, attach_errors

    form = RuleSetForm({}, credentials=Credential.objects.filter(code="ACSM-EP"))
    form.is_valid()
    attach_errors({"fees.renewal.ACSM-EP": "must be a non-negative decimal"}, form, [], [])
    assert form.errors["fee_renewal_ACSM-EP"] == ["must be a non-negative decimal"]
