"""Forms of the trainer's certification pages: they validate input; the services decide."""

from django import forms
from django.urls import reverse

from cectracker.forms import FlexibleDateField


class CertificationAddForm(forms.Form):
    """Organization, then one of its credentials (narrowed with htmx), the number and the dates."""

    organization = forms.TypedChoiceField(
        coerce=int,
        label="Organization",
        error_messages={
            "invalid_choice": "Choose an organization from the list.",
            "required": "Choose the organization that certified you.",
        },
    )
    credential = forms.TypedChoiceField(
        coerce=int,
        label="Certification",
        error_messages={
            "invalid_choice": "Choose a certification from the list.",
            "required": "Choose your certification.",
        },
    )
    number = forms.CharField(max_length=50, required=False, label="Certification number")
    certified_on = FlexibleDateField(
        label="Date first certified", error_messages={"required": "Enter the date you were first certified."}
    )
    cycle_start = FlexibleDateField(
        required=False,
        label="Date your current cycle started",
        help_text="Leave empty if you are still in your first cycle. After a renewal it is the anniversary "
        "of your certification date.",
    )
    cpr_aed_valid_until = FlexibleDateField(
        required=False, label="CPR/AED valid until", help_text="Some require CPR/AED throughout the cycle."
    )

    def __init__(self, *args, credentials, **kwargs):
        super().__init__(*args, **kwargs)
        self.credentials = {c.pk: c for c in credentials}
        organizations = {c.organization_id: c.organization for c in credentials}
        self.fields["organization"].choices = [("", "Choose an organization…")] + [
            (org.pk, f"{org.short_name} ({org.name})") for org in organizations.values()
        ]
        self.fields["organization"].widget.attrs.update(
            {
                "hx-get": reverse("certification_credential_options"),
                "hx-target": "#id_credential",
                "hx-trigger": "change",
            }
        )
        chosen = self.data.get("organization") if self.is_bound else None
        shown = [c for c in credentials if not chosen or str(c.organization_id) == str(chosen)]
        # Every credential validates (so a mismatch gets a plain message in clean); the chosen organization's show.
        self.fields["credential"].choices = credential_choices(credentials)
        self.fields["credential"].widget.choices = credential_choices(shown)

    def clean(self):
        data = super().clean()
        credential = self.credentials.get(data.get("credential"))
        if credential is not None and data.get("organization") not in (None, credential.organization_id):
            self.add_error("credential", f"{credential.code} is not a certification of the organization you chose.")
        data["credential"] = credential
        return data


def credential_groups(credentials, *, by_code: bool = False) -> list:
    """<select> option groups of credentials by organization; values are ids, or codes with `by_code`."""
    groups: dict[str, list] = {}
    for c in credentials:
        groups.setdefault(c.organization.short_name, []).append((c.code if by_code else c.pk, f"{c.code}: {c.name}"))
    return list(groups.items())


def credential_choices(credentials) -> list:
    """Choices for the credential select of the add form, grouped by organization."""
    return [("", "Choose a certification…")] + credential_groups(credentials)


class CertificationEditForm(forms.Form):
    number = forms.CharField(max_length=50, required=False, label="Certification number")
    cpr_aed_valid_until = FlexibleDateField(required=False, label="CPR/AED valid until")
