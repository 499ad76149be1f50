"""Small input/output serializers of the provider API (the completion records are checked by the service,
record by record, so one bad record is a rejected receipt instead of a 400 for the whole batch)."""

from decimal import Decimal

from rest_framework import serializers

from cectracker.serializers import JSONInputSerializer
from credits.models import ApprovedCourse
from credits.providers.services import MAX_COMPLETIONS

AMOUNT_HELP = "In the organization's unit (ACE: CECs, 0.1 per hour; ACSM: 1 per hour), at most 2 decimal places."


class CourseOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprovedCourse
        fields = ["course_number", "title", "amount", "multi_session", "is_retired", "created_at", "updated_at"]
        read_only_fields = fields


class CourseCreateSerializer(JSONInputSerializer):
    course_number = serializers.CharField(
        max_length=40, help_text="The organization's format (ACE: CEP, CP, CA, CS or CL and 5–6 digits)."
    )
    title = serializers.CharField(max_length=300)
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), help_text=AMOUNT_HELP)
    multi_session = serializers.BooleanField(
        default=False,
        help_text="One number for a whole multi-session event: completions may carry each attendee's cumulative "
        "amount, above the course amount.",
    )


class CourseUpdateSerializer(JSONInputSerializer):
    title = serializers.CharField(max_length=300, required=False)
    amount = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False, help_text=AMOUNT_HELP
    )
    multi_session = serializers.BooleanField(required=False)


class CompletionRecordSerializer(serializers.Serializer):
    """One attendee's completion: the documented record format. Each record is checked on its own, so a record
    with a missing or malformed field is a rejected receipt in a 200, never a 400 for the batch: the schema
    therefore constrains no field's type (it would promise a 400 it does not give) and says each in words."""

    record_id = serializers.JSONField(
        required=False, help_text="String, at most 100 characters: your own id for the record; unique per provider."
    )
    attendee_email = serializers.JSONField(
        required=False, help_text="String, an email address: matched to a person's verified email."
    )
    certification_number = serializers.JSONField(
        required=False, help_text="String, at most 50 characters: matched to a certification of your organization."
    )
    course_number = serializers.JSONField(required=False, help_text="Required. String: one of your courses.")
    completed_on = serializers.JSONField(
        required=False, help_text="Required. String, YYYY-MM-DD; for a multi-session event, the last session."
    )
    amount = serializers.JSONField(
        required=False,
        help_text="Decimal string or number. "
        + AMOUNT_HELP
        + " Defaults to the course's amount; above it only for multi-session events (the attendee's cumulative "
        "amount).",
    )


class CompletionBatchSerializer(serializers.Serializer):
    completions = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=MAX_COMPLETIONS, help_text="1 to 10,000 records."
    )


class CompletionBatchDocSerializer(serializers.Serializer):
    """The documented request body."""

    completions = serializers.ListField(
        child=CompletionRecordSerializer(), min_length=1, max_length=MAX_COMPLETIONS, help_text="1 to 10,000 records."
    )


class ReceiptSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The record's position in the request, from 0.")
    record_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["accepted", "rejected"])
    completion_id = serializers.IntegerField(required=False, help_text="Accepted: use it to void the completion.")
    activity_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Accepted and matched: the activity in the person's account."
    )
    match = serializers.ChoiceField(
        choices=["matched", "pending"],
        required=False,
        help_text="pending: nobody with that email or number yet; it attaches when they sign up and verify it.",
    )
    duplicate = serializers.BooleanField(required=False, help_text="Already reported: nothing new was created.")
    field = serializers.CharField(required=False, help_text="Rejected: the offending field.")
    reason = serializers.CharField(required=False, help_text="Rejected: why, in words.")


class CompletionBatchOutSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    matched = serializers.IntegerField(help_text="New completions matched to a person.")
    pending = serializers.IntegerField(help_text="New completions kept as pending claims.")
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    receipts = ReceiptSerializer(many=True)


class CompletionOutSerializer(serializers.Serializer):
    completion_id = serializers.IntegerField(source="pk")
    record_id = serializers.CharField()
    course_number = serializers.CharField(source="course.course_number")
    completed_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=8, decimal_places=2)
    activity_id = serializers.IntegerField(allow_null=True)
    match = serializers.SerializerMethodField()
    voided_at = serializers.DateTimeField(allow_null=True)

    def get_match(self, obj) -> str:
        return "pending" if obj.user_id is None else "matched"


class CourseQuerySerializer(serializers.Serializer):
    retired = serializers.BooleanField(required=False, help_text="true: only retired; false: only current.")


class CompletionQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["matched", "pending", "voided"], required=False)
    course_number = serializers.CharField(max_length=50, required=False, help_text="Only this course.")


class VoidSerializer(JSONInputSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class _Page(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class CoursePageSerializer(_Page):
    results = CourseOutSerializer(many=True)


class CompletionPageSerializer(_Page):
    results = CompletionOutSerializer(many=True)
