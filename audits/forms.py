from django import forms

from audits.models import Audit
from cectracker.forms import FlexibleDateField


class AuditOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Audit.PASSED, "Passed"), (Audit.INSUFFICIENT, "Insufficient"), (Audit.FAILED, "Failed")],
        widget=forms.RadioSelect,
    )
    more_credits_by = FlexibleDateField(
        required=False, help_text="Insufficient only: the date by which the missing credits must be earned."
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
