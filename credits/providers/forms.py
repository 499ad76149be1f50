"""Forms of the provider portal; the services check again and their errors land on the same fields."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cectracker.forms import FlexibleDateField
from credits.models import ApprovedCourse
from credits.providers.roster import FIELDS

AMOUNT_HELP = "In your organization's unit (ACE: CECs, 0.1 per hour; ACSM: 1 per hour)."
MAX_TYPED = 500


class CourseForm(forms.Form):
    course_number = forms.CharField(max_length=40, help_text="The number your organization approved, e.g. CEP123456.")
    title = forms.CharField(max_length=300)
    amount = forms.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), help_text=AMOUNT_HELP, label="Credits"
    )
    multi_session = forms.BooleanField(
        required=False,
        label="Multi-session event",
        help_text="One number for the whole event: each attendee may be reported with their own cumulative credits.",
    )


class CourseEditForm(CourseForm):
    """The course number never changes once it is in the catalog."""

    course_number = None


class VoidForm(forms.Form):
    reason = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept in the action log."
    )


class RosterFileForm(forms.Form):
    file = forms.FileField(
        label="Roster file",
        help_text="CSV (UTF-8) or Excel .xlsx (its first sheet), at most 10,000 rows and 10 MB. The first row names "
        "the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={
            "required": "Choose the roster file to upload.",
            "empty": "This file is empty. Choose the roster file again.",
        },
    )


class RosterMappingForm(forms.Form):
    """Which of the file's columns feeds each completion field; and a course for rows that name none."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, int], courses, default_course=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [
            (str(i), f"Column {i + 1}: {header or '(no name)'}") for i, header in enumerate(headers)
        ]
        for field, label in FIELDS.items():
            self.fields[field] = forms.TypedChoiceField(
                label=label, choices=choices, required=False, coerce=int, empty_value=None
            )
            self.initial[field] = "" if field not in mapping else str(mapping[field])
        self.fields["default_course"] = forms.ModelChoiceField(
            queryset=courses,
            required=False,
            label="Course for rows without a course number",
            empty_label="— none: every row names its course —",
            help_text="For a roster of one course, the file needs no course column.",
        )
        self.initial["default_course"] = default_course

    def mapping(self) -> dict[str, int | None]:
        return {field: self.cleaned_data.get(field) for field in FIELDS}


class TypedRosterForm(forms.Form):
    completed_on = FlexibleDateField(label="Completed on")
    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
        help_text="One certification number or email per line.",
    )

    def __init__(self, *args, course: ApprovedCourse, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course

    def clean_attendees(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["attendees"].replace(",", "\n").splitlines()]
        attendees = list(dict.fromkeys(line.lower() if "@" in line else line.upper() for line in lines if line))
        if not attendees:
            raise ValidationError("Enter at least one certification number or email.")
        if len(attendees) > MAX_TYPED:
            raise ValidationError(f"At most {MAX_TYPED} attendees at a time; upload a roster file for more.")
        problems = []
        for attendee in attendees:
            if "@" in attendee:
                try:
                    validate_email(attendee)
                except ValidationError:
                    problems.append(f"{attendee} is not a valid email address.")
            elif len(attendee) > 50:
                problems.append(f"{attendee[:20]}… is longer than a certification number can be (50 characters).")
        if problems:
            raise ValidationError(problems)
        return attendees
