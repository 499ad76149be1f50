from django import forms

from cectracker.forms import FlexibleDateField


class ReinstateForm(forms.Form):
    on = FlexibleDateField(label="Reinstated on", help_text="The new cycle starts on this date.")


class EmeritusDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")], widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Required to deny.")


class EmeritusApplicationForm(forms.Form):
    retired_attested = forms.BooleanField(
        label="I have retired from the profession", help_text="Emeritus status is for retired professionals."
    )
