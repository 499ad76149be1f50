"""Importing and exporting organization files: onboarding, updates as new rule-set versions, round trips."""

import copy
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ActionLog, Organization, Provider
from certifications.defaults import load_defaults
from certifications.models import Credential, RuleSetVersion
from certifications.orgfile import shipped
from certifications.orgfile.format import OrgFileInvalid, dump, load
from certifications.orgfile.services import organization_export, organization_import
from certifications.services import certification_add
from credits.models import ApprovedCourse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(email="operator@platform.test", is_superuser=True, is_staff=True)


def _import(tmp_path, text, *args):
    path = tmp_path / "body.yaml"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_organization", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def _export(slug, *args):
    out = io.StringIO()
    call_command("export_organization", slug, *args, stdout=out)
    return out.getvalue()


def test_import_then_export_round_trips_exactly(tmp_path, nfb_text):
    printed = _import(tmp_path, nfb_text)
    assert "Creates the organization NFB (National Fitness Board)" in printed
    assert "Adds the credential NFB-MT, NFB Master Trainer: 60 CEUs a cycle." in printed
    assert _export("nfb") == nfb_text
    # And the exported file imports again as a no-op.
    assert "Nothing to change" in _import(tmp_path, _export("nfb"))
    assert RuleSetVersion.objects.filter(organization__slug="nfb").count() == 1


@pytest.mark.parametrize("slug", shipped.SHIPPED)
def test_the_shipped_defaults_load_from_their_files_and_export_to_them(slug):
    load_defaults()
    text = (shipped.BODIES / f"{slug}.yaml").read_text(encoding="utf-8")
    assert _export(slug) == text


def test_the_import_creates_everything_the_file_describes(nfb, operator):
    report = organization_import(actor=operator, data=nfb)
    org = Organization.objects.get(slug="nfb")
    assert report.created and report.published_from == dt.date(2020, 1, 1)
    assert {(c.code, c.level, str(c.required), str(c.renewal_fee)) for c in org.credentials.all()} == {
        ("NFB-CPT", 1, "40.00", "95.00"),
        ("NFB-MT", 2, "60.00", "120.00"),
    }
    version = RuleSetVersion.objects.get(organization=org)
    assert (version.status, version.effective_from) == ("published", dt.date(2020, 1, 1))
    assert version.published_by == operator
    assert version.params["cycle_years"] == 4 and version.params["unit"] == "CEU"
    course = ApprovedCourse.objects.get(organization=org, course_number="NFB-1001")
    assert course.provider == Provider.objects.get(organization=org, name="Northern Lights Fitness Education")
    actions = set(ActionLog.objects.filter(organization=org, actor=operator).values_list("action", flat=True))
    assert actions == {"organization.imported", "ruleset.draft_created", "ruleset.published"}


def test_a_dry_run_reports_and_changes_nothing(tmp_path, nfb_text):
    printed = _import(tmp_path, nfb_text, "--dry-run")
    assert "Creates the organization NFB" in printed and "Dry run: nothing was changed." in printed
    assert not Organization.objects.filter(slug="nfb").exists()
    assert not ActionLog.objects.exists()


def test_changed_rules_become_a_new_version_from_their_date(nfb, operator):
    organization_import(actor=operator, data=nfb)
    changed = copy.deepcopy(nfb)
    changed["rule_set"]["rules"]["fees"]["late"] = "55"
    changed["credentials"][0]["renewal_fee"] = "99"
    changed["catalog"].append({"course_number": "nfb-2001", "title": "Youth Speed", "amount": "2"})
    with pytest.raises(OrgFileInvalid) as caught:  # the file's 2020 date would rewrite the past
        organization_import(actor=operator, data=changed)
    assert caught.value.errors == [
        ("rule_set.effective_from", "2020-01-01: must be today or later: published rules never change the past.")
    ]
    assert Credential.objects.get(code="NFB-CPT").renewal_fee == 95  # nothing half-written
    start = timezone.localdate() + dt.timedelta(days=30)
    holder = UserFactory()
    certification_add(actor=holder, user=holder, credential=Credential.objects.get(code="NFB-CPT"),
                      certified_on=timezone.localdate() - dt.timedelta(days=100))  # fmt: skip
    report = organization_import(actor=operator, data=changed, effective_from=start)
    assert "Of 1 recent cycle evaluated with the new rules, 0 would change status and 0 their credits." in report.notes
    assert report.published_from == start
    assert "Changes the credential NFB-CPT: renewal_fee 95.00 → 99." in report.changes
    versions = RuleSetVersion.objects.filter(organization__slug="nfb").order_by("effective_from")
    assert [(v.effective_from, v.params["fees"]["late"]) for v in versions] == [
        (dt.date(2020, 1, 1), "45"),
        (start, "55"),
    ]
    assert ApprovedCourse.objects.filter(course_number="NFB-2001").exists()  # stored as the engine compares it
    exported = organization_export(organization=Organization.objects.get(slug="nfb"))
    assert exported["rule_set"]["effective_from"] == start.isoformat()


def test_problems_that_need_the_database_are_reported_by_path(nfb, shipped_defaults):
    data = copy.deepcopy(nfb)
    data["credentials"][1]["code"] = "ACSM-CPT"  # another organization's credential
    data["catalog"][1]["course_number"] = "CA23456"  # not in NFB's format
    data["catalog"][0]["provider"] = "Nobody We Know"
    with pytest.raises(OrgFileInvalid) as caught:
        organization_import(actor=None, data=data)
    assert dict(caught.value.errors) == {
        "credentials[1].code": "ACSM-CPT is a credential of ACSM",
        "catalog[0].provider": "Nobody We Know is not one of the organization's providers",
        "catalog[1].course_number": "CA23456 is not in the course-number format of the rules",
    }
    assert not Organization.objects.filter(slug="nfb").exists()
    clash = copy.deepcopy(nfb)
    clash["organization"]["short_name"] = "acsm"
    with pytest.raises(OrgFileInvalid, match="ACSM is already the short name of American College of Sports Medicine"):
        organization_import(actor=None, data=clash)


def test_the_command_prints_every_problem_and_fails(tmp_path, nfb):
    data = copy.deepcopy(nfb)
    data["rule_set"]["rules"]["unit_per_hour"] = 0.5
    path = tmp_path / "bad.yaml"
    path.write_text(dump(data), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_organization", str(path), stdout=io.StringIO(), stderr=err)
    assert 'rule_set.rules.unit_per_hour: must be a decimal written in quotes, such as "0.5"' in err.getvalue()


def test_load_defaults_never_overwrites_what_an_admin_changed(shipped_defaults):
    credential = Credential.objects.get(code="ACSM-CPT")
    credential.renewal_fee = 75
    credential.save()
    load_defaults()
    assert Credential.objects.get(code="ACSM-CPT").renewal_fee == 75
    assert RuleSetVersion.objects.filter(organization__slug="acsm").count() == 1


def test_export_needs_published_rules():
    Organization.objects.create(slug="new", short_name="NEW", name="New body")
    with pytest.raises(CommandError, match="No published rule-set version"):
        _export("new")
    with pytest.raises(CommandError, match="No organization has the slug"):
        _export("nobody")


@pytest.fixture
def shipped_defaults(db):
    return {o.short_name: o for o in load_defaults()}


def test_load_reads_what_export_writes(nfb, operator):
    organization_import(actor=operator, data=nfb)
    assert load(dump(organization_export(organization=Organization.objects.get(slug="nfb")))) == nfb


def test_texts_the_database_cannot_store_are_refused_by_path(nfb):
    """JSON and YAML escapes can write a NUL or a lone surrogate, which PostgreSQL refuses (a 500)."""
    data = copy.deepcopy(nfb)
    data["credentials"][0]["name"] = "NFB\x00 Trainer"
    data["catalog"][1]["title"] = "Mobility \ud800"
    with pytest.raises(OrgFileInvalid) as caught:
        organization_import(actor=None, data=data)
    assert [path for path, _ in caught.value.errors] == ["credentials[0].name", "catalog[1].title"]
    assert not Organization.objects.filter(slug="nfb").exists()


def test_the_command_names_the_operator_in_the_action_log(tmp_path, nfb_text, operator, trainer):
    with pytest.raises(CommandError, match="no superuser has the email"):
        _import(tmp_path, nfb_text, "--actor", trainer.email)
    _import(tmp_path, nfb_text, "--actor", operator.email.upper())
    assert ActionLog.objects.get(action="organization.imported").actor == operator
