"""Input and output of the employer roster API."""

from rest_framework import serializers

from employers.selectors import STATUS_FILTERS


class RosterQuerySerializer(serializers.Serializer):
    """The roster's filters and page: each parameter at most once and no other; anything else is a 400 naming it."""

    status = serializers.ChoiceField(choices=list(STATUS_FILTERS), required=False)
    location = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, help_text="At most 200 rows.")
    offset = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        self.repeated = [key for key, values in data.lists() if len(values) > 1] if hasattr(data, "lists") else []
        super().__init__(*args, **kwargs)
        self.unknown = sorted(set(data or ()) - set(self.fields))
        # A form-encoded empty value would pass as "not given": say so instead of ignoring it.
        self.empty = [key for key in self.fields if data is not None and key in data and data.get(key) == ""]

    def validate(self, attrs):
        errors = {key: ["Give a value, or leave the parameter out."] for key in self.empty}
        errors.update({key: ["Give this parameter once."] for key in self.repeated})
        errors.update({key or "(empty name)": ["Unknown parameter."] for key in self.unknown})
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RosterRowSerializer(serializers.Serializer):
    trainer = serializers.CharField()
    email = serializers.EmailField()
    location = serializers.CharField(allow_blank=True)
    location_id = serializers.IntegerField(allow_null=True)
    credential = serializers.CharField()
    organization = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=list(STATUS_FILTERS))
    status_label = serializers.CharField()
    cycle_end = serializers.DateField(allow_null=True)
    grace_until = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    cpr_aed_valid_until = serializers.DateField(allow_null=True)
    required = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    earned = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    remaining = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    missing = serializers.ListField(child=serializers.CharField())
    needs_attention = serializers.BooleanField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class RosterPageSerializer(serializers.Serializer):
    """One page of the roster (`limit`, at most 200, and `offset`)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RosterRowSerializer(many=True)
