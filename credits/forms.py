"""Trainer forms for activities, evidence and petitions: they collect values; the services decide."""

from django import forms
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Organization
from cectracker.forms import FlexibleDateField
from certifications.models import Credential
from credits.kinds import FIELD_LABELS, KIND_CHOICES, KIND_FIELDS, REQUIRED

_KNOWN_OTHER_ORGS = ("NASM", "NSCA", "ACE", "ACSM", "NCCPT", "AFAA")
_HELP = {
    "approved_course": {
        "course_number": "As printed on the certificate, e.g. CA23456. Known numbers fill the title and CECs.",
        "amount": "Filled from the catalog for a known number; otherwise as printed on the certificate.",
    },
    "other_org_course": {
        "amount": "What that organization awarded (in its own units, e.g. 0.6 for NASM).",
        "hours": "Or the hours, when no amount was awarded.",
    },
    "college_course": {"grade": "A letter grade; C or better counts."},
    "cpr": {"hours": "Optional: ACSM counts the hours (from 2025); ACE a fixed 0.2 CEC."},
    "aed": {"hours": "Optional: ACSM counts the hours (from 2025); ACE a fixed 0.2 CEC."},
    "first_aid": {"hours": "Optional: ACSM counts the hours (from 2025); ACE a fixed 0.2 CEC."},
    "teaching": {"amount": "The CECs you claim for it (ACSM: at most 5 a year, 15 a cycle)."},
    "lecturing": {"amount": "The CECs you claim for it (ACSM: at most 5 a year, 15 a cycle)."},
}


def _decimal(label, help_text=""):
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=8, decimal_places=2, help_text=help_text,
        error_messages={
            "invalid": f"{label}: enter a number, like 1.5.",
            "min_value": f"{label} must be zero or more.",
            "max_decimal_places": f"{label}: at most 2 decimal places.",
            "max_digits": f"{label} must be less than 1,000,000.",
            "max_whole_digits": f"{label} must be less than 1,000,000.",
        },
    )  # fmt: skip


class ActivityForm(forms.Form):
    """The fields of one activity kind (RULES §8); only that kind's fields are shown."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        help_texts = _HELP.get(kind, {})
        self.fields["kind"] = forms.CharField(widget=forms.HiddenInput, initial=kind)
        self.fields["completed_on"] = FlexibleDateField(
            label="Completion date", error_messages={"required": "Enter the date you completed it."}
        )
        self.fields["title"] = forms.CharField(label="Title", max_length=300, required=False)
        for name in KIND_FIELDS[kind]:
            self.fields[name] = self._field(name, kind, help_texts.get(name, ""))
        self.fields["notes"] = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
        if kind == "approved_course":  # the number comes first: it fills the title and the CECs
            self.order_fields(["kind", "awarding_org", "course_number", "title", "amount", "completed_on"])
        else:
            self.order_fields(["kind", "title", *KIND_FIELDS[kind], "completed_on"])
        for name in REQUIRED.get(kind, ()):
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = f"{FIELD_LABELS[name]} is required for this kind."

    def _field(self, name: str, kind: str, help_text: str) -> forms.Field:
        if name == "awarding_org" and kind == "approved_course":
            orgs = [(o.short_name, o.short_name) for o in Organization.objects.certifying().order_by("short_name")]
            return forms.ChoiceField(
                label="Approved by",
                choices=[("", "Choose…"), *orgs],
                help_text="The organization that approved it.",
                error_messages={"invalid_choice": "Choose one of the listed organizations."},
            )
        if name == "awarding_org":
            return forms.CharField(
                label="Organization that approved it",
                max_length=50,
                widget=forms.TextInput(attrs={"list": "other-orgs", "autocomplete": "off"}),
            )
        if name == "course_number":
            return forms.CharField(
                label="Course number",
                max_length=20,
                required=False,
                help_text=help_text,
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "off",
                        "hx-get": reverse("course_lookup"),
                        "hx-trigger": "input changed delay:300ms, change",
                        "hx-target": "#course-lookup",
                        "hx-include": "[name=awarding_org],[name=completed_on]",
                        "aria-describedby": "course-lookup",
                    }
                ),
            )
        if name in ("amount", "hours", "credit_hours"):
            return _decimal(FIELD_LABELS[name], help_text)
        if name == "term":
            return forms.ChoiceField(
                label="Term",
                choices=[("", "Choose…"), ("semester", "Semester"), ("quarter", "Quarter")],
                error_messages={"invalid_choice": "Choose semester or quarter."},
            )
        if name == "grade":
            return forms.CharField(label="Grade", max_length=5, help_text=help_text)
        if name == "new_credential":
            with scopes_disabled():
                credentials = Credential.objects.filter(is_active=True).select_related("organization")
            return forms.ModelChoiceField(
                label="Certification earned",
                queryset=credentials,
                empty_label="Choose…",
                error_messages={"invalid_choice": "Choose one of the listed certifications."},
            )
        raise KeyError(name)

    other_orgs = _KNOWN_OTHER_ORGS


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *KIND_CHOICES])
    date_from = FlexibleDateField(label="From", required=False)
    date_to = FlexibleDateField(label="To", required=False)


class KindChoiceForm(forms.Form):
    kind = forms.ChoiceField(label="What did you do?", choices=[("", "Choose…"), *KIND_CHOICES])


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Certificate or transcript",
        help_text="PDF, JPEG or PNG, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        error_messages={"required": "Choose a file to upload.", "empty": "This file is empty."},
    )


class PetitionForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="Petition to",
        queryset=Organization.objects.none(),
        empty_label="Choose…",
        error_messages={"invalid_choice": "Choose one of the listed organizations.", "required": "Choose one."},
    )
    hours = forms.DecimalField(
        label="Hours of structured learning",
        min_value=0,
        max_digits=8,
        decimal_places=2,
        error_messages={"required": "Enter the hours.", "invalid": "Hours: enter a number, like 4 or 1.5."},
    )
    description = forms.CharField(
        label="Course details",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it covered, who taught it, where and how long.",
        error_messages={"required": "Describe the course."},
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])
