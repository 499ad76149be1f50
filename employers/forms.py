"""Forms of the employer pages and the trainer's sharing page: they validate input; the services decide."""

from django import forms

from accounts.models import Membership
from employers.selectors import STATUS_FILTERS


class LocationChoiceMixin:
    def set_locations(self, locations, *, blank: str):
        self.fields["location"].choices = [("", blank)] + [(str(loc.pk), loc.name) for loc in locations]
        self._locations = {str(loc.pk): loc for loc in locations}

    def clean_location(self):
        return self._locations.get(self.cleaned_data.get("location") or "")


class RosterFilterForm(LocationChoiceMixin, forms.Form):
    location = forms.ChoiceField(required=False, error_messages={"invalid_choice": "Choose one of your locations."})
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status")] + list(STATUS_FILTERS.items()),
        error_messages={"invalid_choice": "Choose a status from the list."},
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_locations(locations, blank="All locations")


class InviteForm(LocationChoiceMixin, forms.Form):
    email = forms.EmailField(
        label="Trainer's email address",
        error_messages={
            "required": "Enter the trainer's email address.",
            "invalid": "Enter an email address such as tess@example.com.",
        },
    )
    location = forms.ChoiceField(
        required=False, label="Location", error_messages={"invalid_choice": "Choose one of your locations."}
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_locations(locations, blank="No location")


class ShareLinkForm(LocationChoiceMixin, forms.Form):
    share_link = forms.CharField(
        max_length=300,
        label="The trainer's share link",
        help_text="Paste the whole link the trainer gave you (…/verify/…).",
        error_messages={"required": "Paste the share link the trainer gave you."},
    )
    location = forms.ChoiceField(
        required=False, label="Location", error_messages={"invalid_choice": "Choose one of your locations."}
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_locations(locations, blank="No location")


class TrainerLocationForm(InviteForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]


class LocationForm(forms.Form):
    name = forms.CharField(max_length=120, label="Location name", error_messages={"required": "Name the location."})


class StaffForm(forms.Form):
    email = forms.EmailField(
        label="Email address of their CEC Tracker account",
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address such as sam@example.com.",
        },
    )
    role = forms.ChoiceField(
        choices=[(Membership.ADMIN, "Admin"), (Membership.MANAGER, "Manager")],
        error_messages={"invalid_choice": "Choose admin or manager."},
    )


class ReminderForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=500, label="Your note (optional)", widget=forms.Textarea(attrs={"rows": 2})
    )


class SharingForm(forms.Form):
    """Which of the trainer's certifications this employer may see."""

    certifications = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Certifications this employer may see",
        error_messages={"invalid_choice": "Choose among your own certifications."},
    )

    def __init__(self, *args, certifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certifications"].choices = [
            (c.pk, f"{c.display_code} ({c.credential.name})") for c in certifications
        ]
