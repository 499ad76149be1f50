from django import forms

from accounts.models import Provider
from credits.catalog.selectors import CURRENT, RETIRED


class CatalogSearchForm(forms.Form):
    q = forms.CharField(
        label="Search", required=False, max_length=100, help_text="Part of a course number, title or provider name."
    )
    status = forms.ChoiceField(
        choices=[("", "Current and retired"), (CURRENT, "Current only"), (RETIRED, "Retired only")], required=False
    )
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), required=False, empty_label="Any provider")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["provider"].queryset = Provider.objects.filter(organization=organization).order_by("name")
