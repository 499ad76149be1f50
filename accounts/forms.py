"""Back-office forms of accounts."""

from django import forms


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="As trainers will see it on their activities.")
    contact_email = forms.EmailField(required=False, help_text="Who to write to about the integration.")


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, label="Key name", help_text="What the key is for, e.g. “LMS export”.")


class ProviderStaffForm(forms.Form):
    email = forms.EmailField(
        label="Email", help_text="The person signs up first; then they find the portal in the menu."
    )
