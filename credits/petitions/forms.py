from django import forms

from certifications.models import Credential
from credits.models import Petition
from credits.petitions.selectors import AGES
from credits.petitions.services import APPROVE, DENY


class _CredentialChoice(forms.ChoiceField):
    """The organization's credentials, read once: drawing the select and checking the choice share that query
    (a ModelChoiceField queries again to validate, the queue's 13th query)."""

    def __init__(self, **kwargs):
        self.credentials: dict[str, Credential] = {}
        super().__init__(choices=[("", "Any credential")], **kwargs)

    def use(self, credentials) -> None:
        self.credentials = {str(c.pk): c for c in credentials}
        self.choices = [("", "Any credential")] + [(pk, str(c)) for pk, c in self.credentials.items()]

    def clean(self, value):
        value = super().clean(value)
        return self.credentials.get(value) if value else None


class PetitionFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status")] + Petition.STATUS_CHOICES, required=False)
    credential = _CredentialChoice(required=False)
    age = forms.ChoiceField(
        choices=[("", "Any age")] + [(k, f"Waiting {v}+ days") for k, v in AGES.items()], required=False
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].use(
            Credential.objects.filter(organization=organization).select_related("organization")
        )


class PetitionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(APPROVE, "Approve"), (DENY, "Deny")], widget=forms.RadioSelect)
    amount = forms.DecimalField(
        min_value=0, max_digits=8, decimal_places=2, required=False, help_text="Credited when approved."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Required to deny.")
