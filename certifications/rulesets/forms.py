"""The rule-set editor: plain form fields in, `RuleParams` dict out (validated by `RuleParams.from_dict`)."""

from decimal import Decimal
from typing import Any

from django import forms

from certifications.rules.params import (
    ACTIVITY_KINDS,
    KIND_STATUSES,
    LETTER_GRADES,
    RETAIN_AFTER,
    VALUE_FIELDS,
    VALUES,
    YEAR_BASES,
)

_DEC = {"max_digits": 10, "decimal_places": 4, "required": False, "min_value": 0}


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _lines(text: str, field: str) -> dict[str, str]:
    """`NAME = amount` per line into a dict (for other organizations and new-certification amounts)."""
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, amount = line.partition("=")
        if not sep or not name.strip() or not amount.strip():
            raise forms.ValidationError(f"Line {number}: write NAME = amount, e.g. NASM = 0.1")
        out[name.strip()] = amount.strip()
    return out


RENEWAL_FEE_PREFIX = "fee_renewal_"


def renewal_fee_field(code: str) -> str:
    """The general form's field for one credential's renewal fee (`fees.renewal.<code>` in the params)."""
    return f"{RENEWAL_FEE_PREFIX}{code}"


class RuleSetForm(forms.Form):
    """Everything of a rule set except the per-kind rules and the caps (their own formsets)."""

    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    unit = forms.CharField(max_length=20)
    unit_per_hour = forms.DecimalField(help_text="Units per hour of learning: ACE 0.1, ACSM 1.", **_DEC)
    cycle_years = forms.IntegerField(min_value=1, max_value=10)
    grace_months = forms.IntegerField(min_value=0, max_value=24, help_text="0 = no grace period.")
    course_number_pattern = forms.CharField(
        required=False, help_text="A regular expression for the whole course number, e.g. (CEP|CP|CA|CS|CL)[0-9]{5,6}."
    )
    course_number_example = forms.CharField(
        required=False, max_length=100, help_text="Shown to trainers when a number is not in the format, e.g. CA23456."
    )
    count_course_once = forms.BooleanField(required=False, help_text="The same course number counts once per cycle.")
    cpr_aed_required = forms.BooleanField(required=False, label="CPR/AED required", help_text="Valid on the end date.")
    petition_guide_per_hour = forms.DecimalField(help_text="Suggested petition amount per hour.", **_DEC)
    other_orgs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line: NAME = units per hour."
    )
    new_certification_amounts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line: CREDENTIAL = amount."
    )
    fee_currency = forms.CharField(max_length=3, initial="USD")
    fee_late = forms.DecimalField(label="Late fee", **_DEC)
    fee_reinstatement = forms.DecimalField(label="Reinstatement fee", **_DEC)
    fee_emeritus_reinstatement = forms.DecimalField(label="Reinstatement from emeritus fee", **_DEC)
    audit_rate = forms.DecimalField(
        label="Audit rate", max_value=1, help_text="Share of renewals audited, e.g. 0.10.", **_DEC
    )
    audit_response_days = forms.IntegerField(min_value=1, max_value=365, label="Days to send audit documents")
    retention_years = forms.IntegerField(min_value=0, required=False, label="Keep evidence (years)")
    retention_after = forms.ChoiceField(
        choices=[("", "—")] + [(a, f"after the {a}") for a in RETAIN_AFTER], required=False
    )
    emeritus_min_age = forms.IntegerField(min_value=0, required=False, help_text="Empty = no emeritus status.")
    emeritus_min_years = forms.IntegerField(min_value=0, required=False, label="Emeritus: years certified")
    emeritus_code_suffix = forms.CharField(required=False, max_length=10, help_text='e.g. "-E"')
    emeritus_name_suffix = forms.CharField(required=False, max_length=40, strip=False, help_text='e.g. " – Emeritus"')

    def __init__(self, *args, credentials=(), **kwargs):
        """`credentials`: the organization's; each gets its renewal-fee field, stored in `fees.renewal`."""
        super().__init__(*args, **kwargs)
        for credential in credentials:
            self.fields[renewal_fee_field(credential.code)] = forms.DecimalField(
                label=f"Renewal fee: {credential.code}", help_text=credential.name, **_DEC
            )
        # Renewal fees right after the currency, before the late and reinstatement fees.
        names = list(self.fields)
        cut = names.index("fee_currency") + 1
        self.order_fields(names[:cut] + [renewal_fee_field(c.code) for c in credentials])

    def groups(self) -> list[tuple[str, list]]:
        """The page's fieldsets: (legend, bound fields)."""
        fees = [self[n] for n in self.fields if n.startswith("fee_")]
        return [("General", [self[n] for n in self.fields if not n.startswith("fee_")]), ("Fees", fees)]

    def clean_other_orgs(self):
        return _lines(self.cleaned_data["other_orgs"], "other_orgs")

    def clean_new_certification_amounts(self):
        return _lines(self.cleaned_data["new_certification_amounts"], "new_certification_amounts")


_STATUS_WORDS = {"credited": "credited", "not_approved": "not approved (a petition may help)", "ineligible": "never"}
_VALUE_WORDS = {
    "amount": "its own amount",
    "fixed": "a fixed amount",
    "hours": "hours × rate",
    "college": "credit hours × rate",
    "other_org": "the other organization's award, converted",
    "new_certification": "the amount set for the new credential",
    "petition": "the approved petition's amount",
    "none": "nothing",
}


class KindForm(forms.Form):
    kind = forms.ChoiceField(choices=list(ACTIVITY_KINDS.items()), widget=forms.HiddenInput)

    def fields_by_value(self) -> list[tuple[Any, str]]:
        """Each visible field with the "Worth" value that uses it ("" = every value): the page hides the others."""
        uses = {name: value for value, names in VALUE_FIELDS.items() for name in names}
        return [(field, uses.get(field.name, "")) for field in self.visible_fields()]

    @property
    def kind_label(self) -> str:
        """The kind in words, for the row heading (the code is the hidden field)."""
        kind = self.initial.get("kind") or self["kind"].value()
        label = ACTIVITY_KINDS.get(kind, kind or "")
        return label[:1].upper() + label[1:]  # not capitalize(): "CPR" stays "CPR"

    status = forms.ChoiceField(
        label="Credited?", choices=[("", "not listed")] + [(s, _STATUS_WORDS[s]) for s in KIND_STATUSES], required=False
    )
    value = forms.ChoiceField(label="Worth", choices=[(v, _VALUE_WORDS[v]) for v in VALUES], required=False)
    amount = forms.DecimalField(label="Fixed amount", **_DEC)
    per_hour = forms.DecimalField(label="Per hour", **_DEC)
    default_hours = forms.DecimalField(label="Hours if none given", **_DEC)
    per_credit_hour = forms.DecimalField(label="Per credit hour", **_DEC)
    per_semester_hour = forms.DecimalField(label="Per semester hour", **_DEC)
    per_quarter_hour = forms.DecimalField(label="Per quarter hour", **_DEC)
    min_grade = forms.ChoiceField(
        label="Lowest passing grade", choices=[("", "—")] + [(g, g) for g in LETTER_GRADES], required=False
    )
    effective_from = forms.DateField(
        label="Counts from", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    course_number = forms.BooleanField(label="Needs a course number", required=False)


class CapForm(forms.Form):
    name = forms.CharField(max_length=60, required=False)
    kinds = forms.MultipleChoiceField(
        label="Kinds it covers",
        choices=[(k, label[:1].upper() + label[1:]) for k, label in ACTIVITY_KINDS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    per_year = forms.DecimalField(label="At most per year", **_DEC)
    per_cycle = forms.DecimalField(label="At most per cycle", **_DEC)
    year = forms.ChoiceField(
        label="A year is",
        choices=[(y, {"calendar": "the calendar year", "cycle": "the cycle's year"}[y]) for y in YEAR_BASES],
        initial="calendar",
    )


KindFormSet = forms.formset_factory(KindForm, extra=0)
CapFormSet = forms.formset_factory(CapForm, extra=2, can_delete=True)
# A published version (or a reviewer's view): the caps it has, nothing to add or delete.
CapReadOnlyFormSet = forms.formset_factory(CapForm, extra=0)

# Top-level RuleParams paths → the general form's field that shows the error.
_FIELD_FOR = {
    "fees.currency": "fee_currency",
    "fees.late": "fee_late",
    "fees.reinstatement": "fee_reinstatement",
    "fees.emeritus_reinstatement": "fee_emeritus_reinstatement",
    "audit.rate": "audit_rate",
    "audit.response_days": "audit_response_days",
    "evidence_retention.years": "retention_years",
    "evidence_retention.after": "retention_after",
    "emeritus.min_age": "emeritus_min_age",
    "emeritus.min_years_certified": "emeritus_min_years",
    "emeritus.code_suffix": "emeritus_code_suffix",
    "emeritus.name_suffix": "emeritus_name_suffix",
}


def initial_from_params(params: dict[str, Any], credentials=()) -> tuple[dict, list[dict], list[dict]]:
    """Initial data for the three forms from a stored params dict (and the organization's credentials)."""
    fees, audit = params.get("fees") or {}, params.get("audit") or {}
    renewal = fees.get("renewal")
    retention, emeritus = params.get("evidence_retention") or {}, params.get("emeritus") or {}
    general = {
        "unit": params.get("unit"),
        "unit_per_hour": params.get("unit_per_hour"),
        "cycle_years": params.get("cycle_years"),
        "grace_months": params.get("grace_months", 0),
        "course_number_pattern": params.get("course_number_pattern") or "",
        "course_number_example": params.get("course_number_example") or "",
        "count_course_once": params.get("count_course_once", False),
        "cpr_aed_required": params.get("cpr_aed_required", False),
        "petition_guide_per_hour": params.get("petition_guide_per_hour"),
        "other_orgs": "\n".join(f"{k} = {v}" for k, v in (params.get("other_orgs") or {}).items()),
        "new_certification_amounts": "\n".join(
            f"{k} = {v}" for k, v in (params.get("new_certification_amounts") or {}).items()
        ),
        "fee_currency": fees.get("currency", "USD"),
        "fee_late": fees.get("late"),
        "fee_reinstatement": fees.get("reinstatement"),
        "fee_emeritus_reinstatement": fees.get("emeritus_reinstatement"),
        "audit_rate": audit.get("rate", "0"),
        "audit_response_days": audit.get("response_days", 30),
        "retention_years": retention.get("years"),
        "retention_after": retention.get("after", ""),
        "emeritus_min_age": emeritus.get("min_age"),
        "emeritus_min_years": emeritus.get("min_years_certified"),
        "emeritus_code_suffix": emeritus.get("code_suffix", ""),
        "emeritus_name_suffix": emeritus.get("name_suffix", ""),
        # A version without renewal fees used the credential's own: shown here, saved into the draft.
        **{renewal_fee_field(c.code): c.renewal_fee if renewal is None else renewal.get(c.code) for c in credentials},
    }
    kinds_data = params.get("kinds") or {}
    kinds = [{"kind": kind, "value": "none", **kinds_data.get(kind, {})} for kind in ACTIVITY_KINDS]
    caps = [{**cap} for cap in params.get("caps") or []]
    return general, kinds, caps


def params_from_forms(general: RuleSetForm, kinds, caps) -> dict[str, Any]:
    """The params dict the three valid forms describe (not yet validated as rules)."""
    g = general.cleaned_data
    kind_rules = {}
    for form in kinds:
        d = form.cleaned_data
        if not d.get("status"):
            continue
        rule: dict[str, Any] = {"status": d["status"]}
        if d.get("value") and d["value"] != "none":
            rule["value"] = d["value"]
        for name in ("amount", "per_hour", "default_hours", "per_credit_hour", "per_semester_hour", "per_quarter_hour"):
            if d.get(name) is not None:
                rule[name] = _s(d[name])
        if d.get("min_grade"):
            rule["min_grade"] = d["min_grade"]
        if d.get("effective_from"):
            rule["effective_from"] = d["effective_from"].isoformat()
        if d.get("course_number"):
            rule["course_number"] = True
        kind_rules[d["kind"]] = rule
    cap_rules = []
    for form in caps:
        d = form.cleaned_data
        if not d or d.get("DELETE") or not (d.get("name") or d.get("kinds")):
            continue
        cap_rules.append(
            {
                "name": d.get("name") or "",
                "kinds": list(d.get("kinds") or []),
                "per_year": _s(d.get("per_year")),
                "per_cycle": _s(d.get("per_cycle")),
                "year": d.get("year") or "calendar",
            }
        )
    emeritus = None
    if g.get("emeritus_min_age") is not None or g.get("emeritus_min_years") is not None:
        emeritus = {
            "min_age": g.get("emeritus_min_age"),
            "min_years_certified": g.get("emeritus_min_years"),
            "code_suffix": g.get("emeritus_code_suffix"),
            "name_suffix": g.get("emeritus_name_suffix"),
        }
    retention = None
    if g.get("retention_years") is not None or g.get("retention_after"):
        retention = {"years": g.get("retention_years"), "after": g.get("retention_after")}
    return {
        "unit": g["unit"],
        "unit_per_hour": _s(g["unit_per_hour"]),
        "cycle_years": g["cycle_years"],
        "grace_months": g["grace_months"],
        "course_number_pattern": g.get("course_number_pattern") or None,
        "course_number_example": g.get("course_number_example") or None,
        "count_course_once": g["count_course_once"],
        "cpr_aed_required": g["cpr_aed_required"],
        "kinds": kind_rules,
        "caps": cap_rules,
        "other_orgs": g["other_orgs"],
        "new_certification_amounts": g["new_certification_amounts"],
        "petition_guide_per_hour": _s(g.get("petition_guide_per_hour")),
        "fees": {
            "currency": g["fee_currency"],
            "late": _s(g.get("fee_late")),
            "reinstatement": _s(g.get("fee_reinstatement")),
            "emeritus_reinstatement": _s(g.get("fee_emeritus_reinstatement")),
            "renewal": {
                name.removeprefix(RENEWAL_FEE_PREFIX): _s(value)
                for name, value in g.items()
                if name.startswith(RENEWAL_FEE_PREFIX) and value is not None
            },
        },
        "audit": {"rate": _s(g.get("audit_rate")) or "0", "response_days": g["audit_response_days"]},
        "evidence_retention": retention,
        "emeritus": emeritus,
    }


def attach_errors(errors: dict[str, str], general: RuleSetForm, kinds, caps) -> None:
    """Show each `RuleParamsError` path on the form field it belongs to."""
    kind_forms = {f.cleaned_data.get("kind") or f.initial.get("kind"): f for f in kinds}
    cap_forms = [f for f in caps if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    for path, message in errors.items():
        parts = path.split(".")
        renewal = renewal_fee_field(path.removeprefix("fees.renewal."))
        if path.startswith("fees.renewal.") and renewal in general.fields:
            general.add_error(renewal, message)  # the field's label names the credential
        elif parts[0] == "kinds" and len(parts) >= 2 and parts[1] in kind_forms:
            form = kind_forms[parts[1]]
            field = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
            # On its own field the row already names the kind; a row-level error says which kind.
            form.add_error(field, message if field else f"{ACTIVITY_KINDS.get(parts[1], parts[1])}: {message}")
        elif parts[0] == "caps" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(cap_forms):
            form = cap_forms[int(parts[1])]
            field = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
            form.add_error(field, message)
        else:
            field = _FIELD_FOR.get(path, parts[0] if parts[0] in general.fields else None)
            if field is None:
                message = f"{path}: {message}"
            elif path not in _FIELD_FOR and len(parts) > 1:  # e.g. other_orgs.NASM: say which line
                message = f"{'.'.join(parts[1:])}: {message}"
            general.add_error(field, message)
