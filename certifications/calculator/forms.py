"""The calculator page's form: a credential, its cycle, and activity rows whose fields follow their kind."""

from django import forms

from cectracker.forms import FlexibleDateField
from certifications.rules.params import ACTIVITY_KINDS

# The fields a person fills in for each kind of activity (RULES §8); the others are not shown.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "approved_course": ("course_number", "amount"),
    "other_org_course": ("awarding_org", "amount", "hours"),
    "college_course": ("credit_hours", "term", "grade"),
    "cpr": ("hours",),
    "aed": ("hours",),
    "first_aid": ("hours",),
    "teaching": ("amount",),
    "lecturing": ("amount",),
    "new_certification": ("new_credential",),
    "petition": ("status", "amount"),
}
# One activity's kind, in the singular (ACTIVITY_KINDS labels are plural, for "ACE never credits ...").
KIND_LABELS = {
    "approved_course": "Approved course",
    "other_org_course": "Course approved by another organization",
    "college_course": "College course",
    "cpr": "CPR",
    "aed": "AED",
    "first_aid": "First aid",
    "teaching": "Teaching",
    "lecturing": "Lecturing",
    "publication": "Publication",
    "new_certification": "New certification",
    "petition": "Petition",
    "attendance_only": "Attendance-only event",
    "workout": "Workout session",
    "job_duties": "Job duties",
    "job_shadowing": "Job shadowing",
    "reading": "Reading",
    "auditing": "Audited college course",
    "emt": "EMT training",
    "lifeguarding": "Lifeguarding",
}
KIND_CHOICES = [(kind, KIND_LABELS.get(kind, label)) for kind, label in ACTIVITY_KINDS.items()]
MAX_ROWS = 50


def credential_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active credentials grouped by organization, valued by code, for a <select>."""
    from certifications.forms import credential_groups
    from certifications.selectors import credentials_available

    return credential_groups(credentials_available(), by_code=True)


def _amount(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
        error_messages={
            "invalid": "Enter a number, for example 1.5.",
            "min_value": "Enter 0 or more.",
            "max_decimal_places": "Use at most 2 decimal places.",
            "max_digits": "That number is too large.",
            "max_whole_digits": "That number is too large.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class CalculatorForm(forms.Form):
    credential = forms.ChoiceField(label="Credential", error_messages={"required": "Choose a credential."})
    certified_on = FlexibleDateField(
        label="Cycle start (certified or last renewed on)",
        error_messages={"required": "Enter the date the cycle starts."},
    )
    as_of = FlexibleDateField(label="Status as of", required=False, help_text="Leave empty for today.")
    cpr_aed_valid_until = FlexibleDateField(
        label="CPR/AED valid until", required=False, help_text="Some require CPR/AED through the cycle's end."
    )
    current_credential_level = forms.ChoiceField(
        label="Highest credential held (same organization)",
        required=False,
        help_text="For new certifications; leave empty if it is the credential above.",
    )

    def __init__(self, *args, credentials=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = credentials if credentials is not None else credential_choices()
        self.fields["credential"].choices = [("", "Choose…"), *choices]
        self.fields["current_credential_level"].choices = [("", "The credential above"), *choices]

    def request_data(self) -> dict:
        """The situation as the calculator selector (and the API) describes it."""
        data = self.cleaned_data
        return {
            "credential": data["credential"],
            "certified_on": data["certified_on"],
            "as_of": data.get("as_of"),
            "cpr_aed_valid_until": data.get("cpr_aed_valid_until"),
            "current_credential_level": data.get("current_credential_level") or None,
        }


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES)
    completed_on = FlexibleDateField(label="Completed on", error_messages={"required": "Enter the completion date."})
    course_number = forms.CharField(label="Course number", required=False, max_length=30)
    amount = _amount("Amount (CECs)", "In the organization's unit; for another organization's course, in theirs.")
    hours = _amount("Hours")
    awarding_org = forms.CharField(
        label="Approved by", required=False, max_length=100, help_text="Who awarded it, e.g. NASM."
    )
    credit_hours = _amount("Credit hours")
    term = forms.ChoiceField(
        label="Term", required=False, choices=[("", "—"), ("semester", "Semester"), ("quarter", "Quarter")]
    )
    grade = forms.CharField(label="Grade", required=False, max_length=10, help_text="Letter grade, e.g. B+")
    new_credential = forms.ChoiceField(label="New credential earned", required=False)
    status = forms.ChoiceField(
        label="Petition status",
        required=False,
        choices=[("", "—"), ("pending", "Pending"), ("approved", "Approved"), ("denied", "Denied")],
    )

    def __init__(self, *args, credentials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_credential"].choices = [("", "Choose…"), *(credentials or [])]

    def shown_fields(self):
        """The bound fields this row's kind needs, in order."""
        kind = self["kind"].value() or "approved_course"
        return [self[name] for name in KIND_FIELDS.get(kind, ())]

    def request_item(self, *, index: int) -> dict:
        """The activity as the calculator selector (and the API) describes it; fields of other kinds are left out."""
        data = self.cleaned_data
        item = {"id": str(index + 1), "kind": data["kind"], "completed_on": data["completed_on"]}
        for name in KIND_FIELDS.get(data["kind"], ()):
            value = data.get(name)
            if value not in (None, ""):
                item[name] = value
        return item


class BaseActivityFormSet(forms.BaseFormSet):
    def __init__(self, *args, credentials=None, **kwargs):
        self.credentials = credentials
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "credentials": self.credentials}


ActivityFormSet = forms.formset_factory(
    ActivityForm, formset=BaseActivityFormSet, extra=0, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS
)
PREFIX = "a"


def rows_changed(data, *, add: bool = False, remove: int | None = None):
    """A copy of the posted data with one activity row added at the end, or row `remove` taken out."""
    data = data.copy()
    posted = str(data.get(f"{PREFIX}-TOTAL_FORMS") or "0")
    total = min(int(posted), MAX_ROWS) if posted.isdigit() else 0
    if add and total < MAX_ROWS:
        data[f"{PREFIX}-{total}-kind"] = "approved_course"
        total += 1
    if remove is not None and 0 <= remove < total:
        names = list(ActivityForm.base_fields)
        for index in range(remove, total - 1):
            for name in names:
                data[f"{PREFIX}-{index}-{name}"] = data.get(f"{PREFIX}-{index + 1}-{name}", "")
        for name in names:
            data.pop(f"{PREFIX}-{total - 1}-{name}", None)
        total -= 1
    data[f"{PREFIX}-TOTAL_FORMS"] = str(total)
    return data
