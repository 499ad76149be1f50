"""Trainer forms for activities, evidence and petitions: they collect values; the services decide."""

from django import forms
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Organization
from cectracker.forms import FlexibleDateField
from certifications.models import Credential
from credits.kinds import FIELD_LABELS, KIND_CHOICES, KIND_FIELDS, REQUIRED, short_label

_HELP = {
    "approved_course": {
        "course_number": "As printed on the certificate. Known numbers fill the title and the amount.",
        "amount": "Filled from the catalog for a known number; otherwise as printed on the certificate.",
    },
    "other_org_course": {
        "amount": "As printed, in that organization's own unit: NASM and NSCA award CEUs (0.1 an hour).",
        "hours": "Or the hours, when no amount was awarded.",
    },
    "college_course": {"grade": "A letter grade; C or better counts."},
    # Each organization's own rule (hours or a fixed amount, caps) is shown per certification by the amount preview.
    "cpr": {"hours": "Optional: some organizations count the hours, others a fixed amount."},
    "aed": {"hours": "Optional: some organizations count the hours, others a fixed amount."},
    "first_aid": {"hours": "Optional: some organizations count the hours, others a fixed amount."},
    "teaching": {"amount": "The amount you claim for it; organizations may cap it per year and per cycle."},
    "lecturing": {"amount": "The amount you claim for it; organizations may cap it per year and per cycle."},
}


# The amount is in the unit of whoever awarded it: ours say CECs, other organizations their own (RULES §5).
AMOUNT_LABELS = {
    "approved_course": "CECs awarded",
    "other_org_course": "Amount awarded (that organization's unit)",
    "teaching": "CECs claimed",
    "lecturing": "CECs claimed",
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
            field = _decimal(
                AMOUNT_LABELS.get(kind, FIELD_LABELS[name]) if name == "amount" else FIELD_LABELS[name], help_text
            )
            # What the entry is worth to each certification, in each one's unit, shown beside it as it is typed.
            field.widget.attrs.update(
                {
                    "hx-get": reverse("activity_amount_preview"),
                    "hx-trigger": "input changed delay:300ms, change",
                    "hx-target": "#amount-preview",
                    "hx-include": "closest form",
                }
            )
            return field
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

    @property
    def other_orgs(self) -> list[str]:
        """Suggestions for "approved by": the organizations here and those their rules convert from."""
        from certifications.selectors import organization_names

        return organization_names()


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *KIND_CHOICES])
    date_from = FlexibleDateField(label="From", required=False)
    date_to = FlexibleDateField(label="To", required=False)


class KindChoiceForm(forms.Form):
    # Short names (no bracketed explanation), so a phone's select shows them whole; the form's heading then
    # gives the full name of the chosen kind.
    kind = forms.ChoiceField(
        label="What did you do?", choices=[("", "Choose…"), *((kind, short_label(kind)) for kind, _ in KIND_CHOICES)]
    )


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
