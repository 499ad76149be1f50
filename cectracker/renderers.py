"""The site's form renderer: Django's, with every field's errors under the field (templates/forms/field.html)."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
