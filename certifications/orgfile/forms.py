"""The platform operator's import form: a file (or its text pasted), and the date its rules come into force."""

from django import forms

from cectracker.forms import FlexibleDateField
from certifications.orgfile.format import MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Organization file",
        required=False,
        help_text=f"YAML or JSON in the organization file format, at most {MAX_BYTES // 1_000_000} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json,application/json,text/yaml"}),
    )
    text = forms.CharField(
        label="The file's text",
        required=False,
        help_text="Or paste it here instead of choosing a file.",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "mono"}),
    )
    effective_from = FlexibleDateField(
        label="Rules in force from",
        required=False,
        help_text="Empty: the date in the file (rule_set.effective_from). A new version of an organization's "
        "rules starts today or later, after the rules in force.",
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if upload is None and not text.strip():
            self.add_error("file", "Choose the organization file, or paste its text below.")
            return data
        if upload is not None:
            if upload.size > MAX_BYTES:
                self.add_error("file", f"This file is larger than {MAX_BYTES // 1_000_000} MB.")
                return data
            data["raw"] = b"".join(upload.chunks())
        else:
            data["raw"] = text.encode("utf-8")
        return data
