from django import forms

from certifications.models import Credential
from credits.models import Petition
from credits.petitions.selectors import AGES
from credits.petitions.services import APPROVE, DENY


class PetitionFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status")] + Petition.STATUS_CHOICES, required=False)
    credential = forms.ModelChoiceField(
        queryset=Credential.objects.none(), required=False, empty_label="Any credential"
    )
    age = forms.ChoiceField(
        choices=[("", "Any age")] + [(k, f"Waiting {v}+ days") for k, v in AGES.items()], required=False
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].queryset = Credential.objects.filter(organization=organization)


class PetitionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(APPROVE, "Approve"), (DENY, "Deny")], widget=forms.RadioSelect)
    amount = forms.DecimalField(
        min_value=0, max_digits=8, decimal_places=2, required=False, help_text="Credited when approved."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Required to deny.")
