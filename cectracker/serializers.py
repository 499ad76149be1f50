"""The base of the APIs' input serializers."""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.utils import html


class JSONInputSerializer(serializers.Serializer):
    """Takes JSON's types as the schema declares them: a string field only a string, a true/false field only a
    boolean, a number field not "". DRF alone turns `0.0` into the text "0.0", "yes" into true and "" into null,
    which the schema forbids. Form input (all text) is left to the fields."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not html.is_html_input(data):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None:
                    continue
                if isinstance(field, serializers.CharField | serializers.ChoiceField) and not isinstance(value, str):
                    errors[name] = ["Must be a string."]
                elif isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
                    errors[name] = ["Must be true or false."]
                elif isinstance(field, serializers.DecimalField | serializers.IntegerField) and value == "":
                    errors[name] = ["Give a number, or null for none."]  # DRF reads "" as null
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
