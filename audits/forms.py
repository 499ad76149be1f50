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
    confirm_gaps = forms.BooleanField(required=False, label="Record it as passed anyway")

    def __init__(self, *args, gaps: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.gaps = gaps  # what a pass would overlook (audit_pass_gaps); nothing to confirm without any
        if not gaps:
            del self.fields["confirm_gaps"]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Audit.PASSED and self.gaps and not data.get("confirm_gaps"):
            self.add_error(
                "confirm_gaps", "Passing this audit overlooks: " + " ".join(self.gaps) + " Tick the box to confirm."
            )
        return data
