"""Import and export of organization files: a certifying body is data, onboarded without a release.

An import adds and updates, never removes: the organization, its credentials, its approved providers and
catalog courses are created or brought in line with the file; anything the file does not mention is kept.
Its rules become a new rule-set version through the rule-set editor's own services (`ruleset_draft_create`,
`ruleset_publish`), so the same date checks and action-log entries apply. A dry run does the whole import
and rolls it back, so a preview finds exactly the problems the import would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scopes_disabled

from accounts.models import Organization, Provider, User
from accounts.services import log_action
from cectracker.parsers import unstorable_character
from certifications.models import Credential, RuleSetVersion
from certifications.orgfile.format import FORMAT, FileError, OrgFileInvalid, check, path_of
from certifications.rules.engine import course_key
from certifications.rules.params import ACTIVITY_KINDS, RuleParams
from certifications.rulesets.selectors import ruleset_preview
from certifications.rulesets.services import ruleset_draft_create, ruleset_publish


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), in plain words."""

    slug: str
    created: bool = False
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what stays as it is, worth saying
    published_from: date | None = None  # the new rule-set version's date, None when the rules were unchanged
    dry_run: bool = False


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def organization_import(
    *,
    actor: User | None,
    data: Any,
    effective_from: date | None = None,
    dry_run: bool = False,
    missing_only: bool = False,
) -> ImportReport:
    """Import an organization file's data (see `schema.json`); OrgFileInvalid names every problem by path.

    `effective_from` overrides the file's date for the new rule-set version. `missing_only` (the shipped
    defaults) creates what is missing and changes nothing an operator or admin already has."""
    check(data)
    unstorable = list(_unstorable(data, []))
    if unstorable:
        raise OrgFileInvalid(unstorable)
    try:
        with transaction.atomic(), scopes_disabled():
            report = _Import(actor, data, effective_from, missing_only).run()
            report.dry_run = dry_run
            if dry_run:
                raise _DryRun(report)
    except _DryRun as done:
        return done.report
    except IntegrityError:
        # Another import of the same body ran at the same moment; its rows won the unique constraints.
        raise OrgFileInvalid([("organization.slug", "was changed by another import meanwhile: try again")]) from None
    return report


def _unstorable(value: Any, path: list[Any]):
    """Texts the database cannot store (NUL, lone surrogates: JSON and YAML escapes can write them)."""
    if isinstance(value, str):
        message = unstorable_character(value)
        if message:
            yield path_of(path), message
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key, path)
            yield from _unstorable(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable(item, [*path, index])


class _Import:
    def __init__(self, actor: User | None, data: dict, effective_from: date | None, missing_only: bool) -> None:
        self.actor, self.data, self.missing_only = actor, data, missing_only
        self.effective_from = effective_from or date.fromisoformat(data["rule_set"]["effective_from"])
        self.errors: list[FileError] = []
        self.log: dict[str, Any] = {"before": {}, "after": {}}

    def fail(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def run(self) -> ImportReport:
        org, report = self.organization()
        if org is not None:
            self.credentials(org, report)
            providers = self.providers(org, report)
            self.catalog(org, providers, report)
            if not self.errors:
                self.rules(org, report)
        if self.errors:
            raise OrgFileInvalid(self.errors)
        assert org is not None
        if not report.changes:
            report.changes.append("Nothing to change: the organization already matches the file.")
        else:
            log_action(
                actor=self.actor,
                action="organization.imported",
                obj=org,
                organization=org,
                data={**self.log, "changes": report.changes},
            )
        return report

    def organization(self) -> tuple[Organization | None, ImportReport]:
        spec = self.data["organization"]
        report = ImportReport(slug=spec["slug"])
        org = Organization.objects.select_for_update().filter(slug=spec["slug"]).first()
        clash = Organization.objects.filter(short_name__iexact=spec["short_name"]).exclude(slug=spec["slug"]).first()
        if clash is not None:
            self.fail("organization.short_name", f"{clash.short_name} is already the short name of {clash.name}")
            return None, report
        if org is None:
            org = Organization.objects.create(slug=spec["slug"], short_name=spec["short_name"], name=spec["name"])
            report.created = True
            report.changes.append(f"Creates the organization {org.short_name} ({org.name}), at /org/{org.slug}/.")
            self.log["after"]["organization"] = dict(spec)
            return org, report
        wanted = {"short_name": spec["short_name"], "name": spec["name"]}
        before = {name: getattr(org, name) for name in wanted}
        if before != wanted and not self.missing_only:
            Organization.objects.filter(pk=org.pk).update(**wanted)
            org.refresh_from_db()
            report.changes.append(f"Renames the organization {before['short_name']} ({before['name']}) to "
                                  f"{org.short_name} ({org.name}).")  # fmt: skip
            self.log["before"]["organization"], self.log["after"]["organization"] = before, wanted
        return org, report

    def credentials(self, org: Organization, report: ImportReport) -> None:
        unit = self.data["rule_set"]["rules"]["unit"]
        codes = [item["code"] for item in self.data["credentials"]]
        existing = {c.code: c for c in Credential.objects.select_related("organization").filter(code__in=codes)}
        seen: set[str] = set()
        for index, item in enumerate(self.data["credentials"]):
            path, code = f"credentials[{index}]", item["code"]
            if code in seen:
                self.fail(f"{path}.code", f"{code} is listed twice")
                continue
            seen.add(code)
            wanted = {
                "name": item["name"],
                "level": item["level"],
                "required": Decimal(item["required"]),
                "renewal_fee": None if item.get("renewal_fee") is None else Decimal(item["renewal_fee"]),
                "is_active": item.get("active", True),
            }
            credential = existing.get(code)
            if credential is not None and credential.organization_id != org.pk:
                self.fail(f"{path}.code", f"{code} is a credential of {credential.organization.short_name}")
                continue
            if credential is None:
                Credential.objects.create(organization=org, code=code, **wanted)
                said = f"{item['required']} {unit}s a cycle"
                report.changes.append(f"Adds the credential {code}, {item['name']}: {said}.")
                self.log["after"][f"credential {code}"] = _plain(wanted)
                continue
            before = {name: getattr(credential, name) for name in wanted}
            differs = {name for name in wanted if before[name] != wanted[name]}
            if differs and not self.missing_only:
                Credential.objects.filter(pk=credential.pk).update(**wanted)
                said = ", ".join(f"{name} {_word(before[name])} → {_word(wanted[name])}" for name in sorted(differs))
                report.changes.append(f"Changes the credential {code}: {said}.")
                self.log["before"][f"credential {code}"] = _plain({k: before[k] for k in differs})
                self.log["after"][f"credential {code}"] = _plain({k: wanted[k] for k in differs})

    def providers(self, org: Organization, report: ImportReport) -> dict[str, Provider]:
        by_name = {p.name: p for p in Provider.objects.filter(organization=org)}
        seen: set[str] = set()
        for index, item in enumerate(self.data.get("providers", [])):
            name = item["name"]
            if name in seen:
                self.fail(f"providers[{index}].name", f"{name} is listed twice")
                continue
            seen.add(name)
            wanted = {"contact_email": item.get("contact_email", ""), "is_active": item.get("active", True)}
            provider = by_name.get(name)
            if provider is None:
                by_name[name] = Provider.objects.create(organization=org, name=name, **wanted)
                report.changes.append(f"Adds the approved provider {name}.")
            elif not self.missing_only and any(getattr(provider, k) != v for k, v in wanted.items()):
                Provider.objects.filter(pk=provider.pk).update(**wanted)
                report.changes.append(f"Updates the approved provider {name}.")
        return by_name

    def catalog(self, org: Organization, providers: dict[str, Provider], report: ImportReport) -> None:
        from credits.models import ApprovedCourse  # credits sits above certifications

        courses = self.data.get("catalog", [])
        if not courses:
            return
        regex = RuleParams.from_dict(self.data["rule_set"]["rules"]).course_number_regex
        existing = {c.course_number: c for c in ApprovedCourse.objects.filter(organization=org)}
        new, changed, seen = [], [], set()
        for index, item in enumerate(courses):
            path, number = f"catalog[{index}]", course_key(item["course_number"])
            if number in seen:
                self.fail(f"{path}.course_number", f"{number} is listed twice")
                continue
            seen.add(number)
            if regex is not None and not regex.fullmatch(number):
                self.fail(f"{path}.course_number", f"{number} is not in the course-number format of the rules")
            provider = None
            if item.get("provider") is not None:
                provider = providers.get(item["provider"])
                if provider is None:
                    self.fail(f"{path}.provider", f"{item['provider']} is not one of the organization's providers")
            wanted = {
                "title": item["title"],
                "amount": Decimal(item["amount"]),
                "provider": provider,
                "multi_session": item.get("multi_session", False),
                "is_retired": item.get("retired", False),
            }
            course = existing.get(number)
            if course is None:
                new.append(ApprovedCourse(organization=org, course_number=number, **wanted))
            elif not self.missing_only and any(getattr(course, k) != v for k, v in wanted.items()):
                for name, value in wanted.items():
                    setattr(course, name, value)
                changed.append(course)
        if self.errors:
            return
        ApprovedCourse.objects.bulk_create(new, batch_size=1000)
        ApprovedCourse.objects.bulk_update(changed, list(wanted), batch_size=1000)
        if new or changed:
            report.changes.append(f"Catalog: adds {len(new)} approved courses, updates {len(changed)}.")
            self.log["after"]["catalog"] = {"added": len(new), "updated": len(changed)}

    def rules(self, org: Organization, report: ImportReport) -> None:
        rule_set = self.data["rule_set"]
        params = RuleParams.from_dict(rule_set["rules"]).to_dict()
        latest = (
            RuleSetVersion.objects.filter(organization=org, status=RuleSetVersion.PUBLISHED)
            .order_by("-effective_from")
            .first()
        )
        if latest is not None and (self.missing_only or RuleParams.from_dict(latest.params).to_dict() == params):
            if not self.missing_only:
                since = date_format(latest.effective_from)
                report.notes.append(f"The rules are those in force since {since}: no new version.")
            return
        draft = ruleset_draft_create(actor=self.actor, organization=org, params=params, notes=rule_set.get("notes", ""))
        if latest is not None:
            # What the rule-set editor's preview says: the engine on recent cycles, with and without the new rules.
            effect = ruleset_preview(version=draft, effective_from=self.effective_from, as_of=timezone.localdate())
            if effect.cycles:
                report.notes.append(
                    f"Of {effect.cycles} recent cycle{'s' if effect.cycles != 1 else ''} evaluated with the new rules, "
                    f"{effect.status_changed} would "
                    f"change status and {effect.earned_changed} their credits."
                )
        try:
            ruleset_publish(actor=self.actor, organization=org, version_id=draft.pk, effective_from=self.effective_from)
        except ValidationError as exc:
            for message in exc.messages:
                self.fail("rule_set.effective_from", f"{self.effective_from}: {message[:1].lower()}{message[1:]}")
            return
        report.published_from = self.effective_from
        report.changes.append(
            f"Publishes the rules as a new rule-set version in force from {date_format(self.effective_from)}."
        )


def organization_export(*, organization: Organization, effective_from: date | None = None) -> dict[str, Any]:
    """The organization as a file's data: its latest published rules (or those published from `effective_from`),
    every credential, provider and catalog course in the order they were added."""
    from credits.models import ApprovedCourse

    with scopes_disabled():
        versions = RuleSetVersion.objects.filter(organization=organization, status=RuleSetVersion.PUBLISHED)
        if effective_from is not None:
            versions = versions.filter(effective_from=effective_from)
        version = versions.order_by("-effective_from").first()
        if version is None:
            raise ValidationError({"effective_from": "No published rule-set version of this organization starts then."})
        credentials = Credential.objects.filter(organization=organization).order_by("pk")
        providers = Provider.objects.filter(organization=organization).order_by("pk")
        courses = ApprovedCourse.objects.filter(organization=organization).select_related("provider").order_by("pk")
        return {
            "format": FORMAT,
            "organization": {
                "slug": organization.slug,
                "short_name": organization.short_name,
                "name": organization.name,
            },
            "credentials": [
                {
                    "code": c.code,
                    "name": c.name,
                    "level": c.level,
                    "required": _decimal(c.required),
                    "renewal_fee": None if c.renewal_fee is None else _decimal(c.renewal_fee),
                    "active": c.is_active,
                }
                for c in credentials
            ],
            "rule_set": {
                "effective_from": version.effective_from.isoformat(),
                "notes": version.notes,
                "rules": _canonical_rules(version.params, [c.code for c in credentials]),
            },
            "providers": [{"name": p.name, "contact_email": p.contact_email, "active": p.is_active} for p in providers],
            "catalog": [
                {
                    "course_number": c.course_number,
                    "title": c.title,
                    "amount": _decimal(c.amount),
                    "provider": c.provider.name if c.provider is not None else None,
                    "multi_session": c.multi_session,
                    "retired": c.is_retired,
                }
                for c in courses
            ],
        }


def _canonical_rules(params: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    """The rules in the order a file lists them: the stored JSON keeps no key order (PostgreSQL's jsonb sorts
    keys), so kinds follow the product's list, other organizations the alphabet, new certifications the
    organization's credentials, and so do renewal fees."""
    rules = RuleParams.from_dict(params).to_dict()
    position = {code: index for index, code in enumerate(codes)}

    def by_credential(values: dict[str, Any]) -> dict[str, Any]:
        return dict(sorted(values.items(), key=lambda item: (position.get(item[0], len(codes)), item[0])))

    rules["kinds"] = {kind: rules["kinds"][kind] for kind in ACTIVITY_KINDS if kind in rules["kinds"]}
    rules["other_orgs"] = dict(sorted(rules["other_orgs"].items(), key=lambda item: item[0].casefold()))
    rules["new_certification_amounts"] = by_credential(rules["new_certification_amounts"])
    if rules["fees"].get("renewal") is not None:
        rules["fees"]["renewal"] = by_credential(rules["fees"]["renewal"])
    return rules


def _decimal(value: Decimal) -> str:
    """A stored amount in its shortest plain form ("2" for 2.00, "0.3" for 0.30), as the shipped files write it."""
    return format(value.normalize(), "f")


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _word(value: Any) -> str:
    return "none" if value is None else str(value)
