"""Form pieces shared by every app."""

from django import forms

# ISO first, then the US forms trainers type from their certificates (RULES §8 accepts both).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y"]


class FlexibleDateField(forms.DateField):
    """A date picker (`type=date`, which sends 2026-03-01) that still takes 03/01/2026 typed where a browser
    shows a plain text box; the error says which forms work."""

    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    default_error_messages = {"invalid": "Enter the date as MM/DD/YYYY (for example 03/01/2026) or 2026-03-01."}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form: each message on its field, the rest at the top."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
