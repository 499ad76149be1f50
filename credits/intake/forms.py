"""Forms of certificate intake: the files, and a draft's fields to confirm or correct."""

from django import forms

from cectracker.forms import FlexibleDateField
from credits.forms import _decimal
from credits.kinds import KIND_LABELS

# What a certificate can be read as (the confirm form offers these; the services check the rest).
DRAFT_KINDS = ("approved_course", "other_org_course", "attendance_only", "cpr", "aed", "first_aid")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Many files; each is checked by the intake service (a refused one becomes a draft with its reason)."""

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class IntakeUploadForm(forms.Form):
    files = MultipleFileField(
        label="Certificates",
        help_text="PDF, JPEG or PNG, at most 10 MB each and 50 files at a time.",
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        error_messages={"required": "Choose one or more certificates (PDF, JPEG or PNG)."},
    )


class DraftConfirmForm(forms.Form):
    """A draft's fields as read, for the person to correct; activity_create validates them like any activity."""

    kind = forms.ChoiceField(label="Kind", choices=[(k, KIND_LABELS[k]) for k in DRAFT_KINDS])
    awarding_org = forms.CharField(label="Approved or awarded by", max_length=50, required=False)
    course_number = forms.CharField(label="Course number", max_length=20, required=False)
    title = forms.CharField(label="Course title", max_length=300, required=False)
    completed_on = FlexibleDateField(
        label="Completion date",
        widget=forms.DateInput(format="%m/%d/%Y", attrs={"placeholder": "MM/DD/YYYY", "inputmode": "numeric"}),
        error_messages={"required": "Enter the date you completed it."},
    )
    amount = _decimal("CECs", "In the awarding organization's unit.")
    hours = _decimal("Hours")
