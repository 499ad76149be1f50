"""Input/output serializers of the intake API. Writable fields are listed explicitly."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credits.intake.models import IntakeDraft, IntakeJob
from credits.intake.services import MAX_FILES


class IntakeUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        max_length=MAX_FILES,
        help_text=f"PDF, JPEG or PNG certificates, at most 10 MB each and {MAX_FILES} an upload.",
        error_messages={
            "empty": "Send one or more certificates (PDF, JPEG or PNG) as `files`.",
            "max_length": f"At most {MAX_FILES} files an upload.",
        },
    )


class FoundSerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True)
    confidence = serializers.DecimalField(max_digits=3, decimal_places=2)
    source = serializers.CharField()


READ_FIELDS = ("provider", "participant", "awarding_org", "title", "course_number", "completed_on", "amount", "hours")


class ReadSerializer(serializers.Serializer):
    """Per field: the value read, how sure (0 to 1) and the line of the certificate it came from; null if none."""

    provider = FoundSerializer(allow_null=True)
    participant = FoundSerializer(allow_null=True)
    awarding_org = FoundSerializer(allow_null=True)
    title = FoundSerializer(allow_null=True)
    course_number = FoundSerializer(allow_null=True)
    completed_on = FoundSerializer(allow_null=True, help_text="value: ISO date")
    amount = FoundSerializer(allow_null=True, help_text="value: in the awarding organization's unit")
    hours = FoundSerializer(allow_null=True)


class FlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["duplicate_file", "duplicate_course", "name_mismatch"])
    message = serializers.CharField()
    activity = serializers.IntegerField(required=False)
    draft = serializers.IntegerField(required=False)


class DraftOutputSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    catalog = serializers.SerializerMethodField()

    class Meta:
        model = IntakeDraft
        fields = [
            "id", "position", "original_name", "state", "reason", "method", "kind", "read", "flags", "catalog",
            "text", "activity", "finished_at",
        ]  # fmt: skip

    def get_kind(self, obj) -> str | None:
        return (obj.fields or {}).get("kind")

    @staticmethod
    def _fields(obj) -> dict:
        return obj.fields if isinstance(obj.fields, dict) else {}

    @extend_schema_field(ReadSerializer)
    def get_read(self, obj) -> dict:
        return {name: self._fields(obj).get(name) for name in READ_FIELDS}

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, obj) -> list:
        return self._fields(obj).get("flags") or []

    def get_catalog(self, obj) -> list[str]:
        return self._fields(obj).get("catalog") or []


class JobOutputSerializer(serializers.ModelSerializer):
    total = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField()
    drafts = DraftOutputSerializer(many=True, read_only=True)

    class Meta:
        model = IntakeJob
        fields = ["id", "created_at", "total", "read", "done", "drafts"]

    def get_total(self, obj) -> int:
        return len(obj.drafts.all())

    def get_read(self, obj) -> int:
        return sum(1 for d in obj.drafts.all() if not d.is_pending)

    def get_done(self, obj) -> bool:
        return self.get_read(obj) == self.get_total(obj)
