"""Back-office forms of accounts."""

from django import forms
from django.utils import timezone

from accounts.models import User
from cectracker.forms import FlexibleDateField


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="As trainers will see it on their activities.")
    contact_email = forms.EmailField(required=False, help_text="Who to write to about the integration.")


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, label="Key name", help_text="What the key is for, e.g. “LMS export”.")


class ProfileForm(forms.ModelForm):
    """What the person sets about themselves: the name on transcripts and emails, the zone dates are shown
    in, and the date of birth emeritus eligibility needs."""

    date_of_birth = FlexibleDateField(
        required=False, label="Date of birth", help_text="Used only to check emeritus eligibility."
    )

    class Meta:
        model = User
        fields = ["name", "time_zone", "date_of_birth"]
        labels = {"name": "Your name", "time_zone": "Time zone"}
        help_texts = {
            "name": "As it should appear on transcripts, audit packets and emails.",
            "time_zone": "Dates and times are shown in this zone.",
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter your name as it should appear on your transcripts.")
        return name

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born and born > today:
            raise forms.ValidationError("Your date of birth can't be in the future.")
        if born and born.year < today.year - 120:
            raise forms.ValidationError("Check the year: that is more than 120 years ago.")
        return born


class SignupForm(forms.Form):
    """allauth's sign-up asks for the name too, so transcripts and emails name the person from day one."""

    name = forms.CharField(
        max_length=150, label="Your name", help_text="As it should appear on your transcripts.", required=False
    )

    def signup(self, request, user):
        user.name = " ".join(self.cleaned_data["name"].split())
        user.save(update_fields=["name"])


class ProviderStaffForm(forms.Form):
    email = forms.EmailField(
        label="Email", help_text="The person signs up first; then they find the portal in the menu."
    )
