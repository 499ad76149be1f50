"""Small input/output serializers for the trainer's credits API. Writable fields are listed explicitly:
no `user`, `source`, `status` or petition `amount` can be set by the client."""

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cectracker.serializers import JSONInputSerializer
from certifications.models import Credential
from credits.kinds import LOGGABLE_KINDS
from credits.models import Activity, Evidence, Petition

# The output serializers write their rows directly (`to_representation`), not field by field: a list page
# is 50 activities with their files, petitions and one application per certification, and DRF's fields cost
# more than the page's queries. Their fields stay for the schema; a test compares both outputs.


def _decimal_out(value) -> str | None:
    """A stored decimal (two places) as DRF's DecimalField writes it."""
    return None if value is None else format(value, ".2f")


def _datetime(value) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as "Z"."""
    if not value:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _decimal(**kwargs):
    return serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True, **kwargs
    )


@extend_schema_field(OpenApiTypes.STR)
class CredentialCodeField(serializers.SlugRelatedField):
    """A credential by its code (e.g. ACSM-EP), case-insensitive."""

    default_error_messages = {
        "does_not_exist": "No credential has this code; give a credential code such as ACSM-EP.",
        "invalid": "Give a credential code, such as ACSM-EP.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        with scopes_disabled():
            return Credential.objects.all()

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data.strip().upper())


class ActivityInputSerializer(JSONInputSerializer):
    kind = serializers.ChoiceField(choices=LOGGABLE_KINDS)
    completed_on = serializers.DateField(input_formats=["iso-8601"], help_text="ISO date, YYYY-MM-DD.")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    awarding_org = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text="approved_course / other_org_course."
    )
    course_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    amount = _decimal(help_text="In the awarding organization's unit.")
    hours = _decimal()
    credit_hours = _decimal()
    term = serializers.ChoiceField(choices=["semester", "quarter"], required=False, allow_blank=True)
    grade = serializers.CharField(max_length=5, required=False, allow_blank=True)
    new_credential = CredentialCodeField(required=False, allow_null=True, help_text="Credential code, e.g. ACSM-EP.")


class ActivityFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LOGGABLE_KINDS, required=False, help_text="Only this kind.")
    completed_from = serializers.DateField(
        input_formats=["iso-8601"], required=False, help_text="Completed on or after (YYYY-MM-DD)."
    )
    completed_to = serializers.DateField(
        input_formats=["iso-8601"], required=False, help_text="Completed on or before (YYYY-MM-DD)."
    )


class EvidenceOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "activity", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]

    @staticmethod
    def get_url(obj) -> str:
        return reverse("evidence_file", args=[obj.pk])

    @staticmethod
    def to_representation(evidence) -> dict:
        return {
            "id": evidence.pk,
            "activity": evidence.activity_id,
            "original_name": evidence.original_name,
            "content_type": evidence.content_type,
            "size": evidence.size,
            "sha256": evidence.sha256,
            "uploaded_at": _datetime(evidence.uploaded_at),
            "url": EvidenceOutputSerializer.get_url(evidence),
        }


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, JPEG or PNG, at most 10 MB; checked by content.")


class PetitionOutputSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.short_name")

    class Meta:
        model = Petition
        fields = ["id", "activity", "organization", "status", "hours", "description", "amount", "decision_reason"]
        fields += ["created_at", "decided_at"]

    @staticmethod
    def to_representation(petition) -> dict:
        return {
            "id": petition.pk,
            "activity": petition.activity_id,
            "organization": petition.organization.short_name,
            "status": petition.status,
            "hours": _decimal_out(petition.hours),
            "description": petition.description,
            "amount": _decimal_out(petition.amount),
            "decision_reason": petition.decision_reason,
            "created_at": _datetime(petition.created_at),
            "decided_at": _datetime(petition.decided_at),
        }


class PetitionInputSerializer(JSONInputSerializer):
    organization = serializers.CharField(max_length=20, help_text="Organization short name or slug, e.g. ACE.")
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    description = serializers.CharField(max_length=10000)


class ApplicationSerializer(serializers.Serializer):
    certification = serializers.IntegerField(source="certification.pk")
    credential = serializers.CharField(source="certification.credential.code")
    cycle_start = serializers.DateField()
    cycle_end = serializers.DateField()
    full = serializers.DecimalField(max_digits=8, decimal_places=2)
    applied = serializers.DecimalField(max_digits=8, decimal_places=2)
    reason = serializers.CharField(allow_null=True)
    detail = serializers.CharField()


class ActivityOutputSerializer(serializers.ModelSerializer):
    new_credential = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    evidence = EvidenceOutputSerializer(many=True, read_only=True)
    petitions = PetitionOutputSerializer(many=True, read_only=True)
    applications = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "completed_on",
            "amount",
            "hours",
            "course_number",
            "awarding_org",
            "credit_hours",
            "term",
            "grade",
            "new_credential",
            "notes",
            "source",
            "created_at",
            "updated_at",
            "evidence",
            "petitions",
            "applications",
        ]

    @extend_schema_field(ApplicationSerializer(many=True))
    def get_applications(self, obj) -> list[dict]:
        """What the activity applies to each certification the person holds (current cycles), and why."""
        return [_application(a) for a in self.context.get("applications", {}).get(obj.pk, [])]

    def to_representation(self, activity) -> dict:
        new_credential = activity.new_credential
        return {
            "id": activity.pk,
            "kind": activity.kind,
            "title": activity.title,
            "completed_on": activity.completed_on.isoformat(),
            "amount": _decimal_out(activity.amount),
            "hours": _decimal_out(activity.hours),
            "course_number": activity.course_number,
            "awarding_org": activity.awarding_org,
            "credit_hours": _decimal_out(activity.credit_hours),
            "term": activity.term,
            "grade": activity.grade,
            "new_credential": new_credential.code if new_credential else None,
            "notes": activity.notes,
            "source": activity.source,
            "created_at": _datetime(activity.created_at),
            "updated_at": _datetime(activity.updated_at),
            "evidence": [EvidenceOutputSerializer.to_representation(e) for e in activity.evidence.all()],
            "petitions": [PetitionOutputSerializer.to_representation(p) for p in activity.petitions.all()],
            "applications": self.get_applications(activity),
        }


def _application(application) -> dict:
    """`ApplicationSerializer`'s output, built directly: a list page has one per activity and certification,
    and a nested serializer for each costs more than the rest of the page."""
    return {
        "certification": application.certification.pk,
        "credential": application.certification.credential.code,
        "cycle_start": application.cycle_start.isoformat(),
        "cycle_end": application.cycle_end.isoformat(),
        "full": _decimal_out(application.full),
        "applied": _decimal_out(application.applied),
        "reason": application.reason,
        "detail": application.detail,
    }


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The limit/offset page shape of a list, for the schema."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


ActivityPageSerializer = page_of(ActivityOutputSerializer, "ActivityPage")
PetitionPageSerializer = page_of(PetitionOutputSerializer, "PetitionPage")
