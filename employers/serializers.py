"""Input and output of the employer roster API."""

from rest_framework import serializers

from employers.selectors import STATUS_FILTERS


class RosterQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(STATUS_FILTERS), required=False)
    location = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


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
