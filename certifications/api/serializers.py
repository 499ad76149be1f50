"""Small input and output serializers of the trainer's certifications API."""

from django_scopes import scopes_disabled
from rest_framework import serializers

from cectracker.serializers import JSONInputSerializer
from certifications.models import Certification, Credential
from certifications.rules.engine import REASONS, STATUSES
from certifications.selectors import rule_versions

ISO = ["iso-8601"]  # the API takes ISO dates only (RULES §8); MM/DD/YYYY is for the browser forms


class CertificationCreateInput(JSONInputSerializer):
    credential = serializers.CharField(max_length=20, help_text="Credential code, e.g. ACE-CPT or ACSM-CPT.")
    number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    certified_on = serializers.DateField(input_formats=ISO, help_text="The date first certified (YYYY-MM-DD).")
    cycle_start = serializers.DateField(
        input_formats=ISO,
        required=False,
        allow_null=True,
        help_text="The day the current cycle started (the last renewal's anniversary); default: certified_on.",
    )
    cpr_aed_valid_until = serializers.DateField(input_formats=ISO, required=False, allow_null=True)

    def validate_credential(self, value: str) -> Credential:
        # Credentials are a public list; the request's empty tenant scope does not apply to it.
        with scopes_disabled():
            credential = (
                Credential.objects.filter(code__iexact=value.strip(), is_active=True)
                .select_related("organization")
                .first()
            )
            if credential is None:
                raise serializers.ValidationError(f"Unknown credential {value.strip()!r}; use a code such as ACE-CPT.")
            if not rule_versions(organization_ids=[credential.organization_id]):
                raise serializers.ValidationError(f"{credential.organization} has not published its rules yet.")
            if Certification.objects.filter(user=self.context["user"], credential=credential).exists():
                raise serializers.ValidationError(f"You already hold {credential.code}.")
        return credential


class CycleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    grace_until = serializers.DateField(allow_null=True, help_text="Null where the organization has no grace period.")
    status = serializers.ChoiceField(choices=STATUSES)
    unit = serializers.CharField(help_text="The organization's unit, e.g. CEC.")
    required = serializers.DecimalField(max_digits=8, decimal_places=2)
    earned = serializers.DecimalField(max_digits=8, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=8, decimal_places=2)
    cpr_aed_ok = serializers.BooleanField(help_text="False when the organization's CPR/AED condition is not met.")


class AppliedActivityOutput(serializers.Serializer):
    activity_id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    completed_on = serializers.DateField()
    full = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="What the activity is worth here.")
    applied = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="What it applied to this cycle.")
    reason = serializers.ChoiceField(
        choices=REASONS, allow_null=True, help_text="Why less than the full value applied (RULES §6); null if all did."
    )
    detail = serializers.CharField(help_text="How it counts, in words.")


class CycleDetailOutput(CycleOutput):
    certification_id = serializers.IntegerField()
    credential = serializers.CharField()
    activities = AppliedActivityOutput(many=True, help_text="Activities dated in the cycle or its grace period.")


class CertificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    credential = serializers.CharField()
    credential_name = serializers.CharField()
    organization = serializers.CharField()
    number = serializers.CharField()
    certified_on = serializers.DateField()
    cpr_aed_valid_until = serializers.DateField(allow_null=True)
    current_cycle = CycleOutput(allow_null=True)


def cycle_data(progress) -> dict:
    """The figures of an evaluated cycle (a `certifications.selectors.Progress`)."""
    result = progress.result
    return {
        "id": progress.cycle.pk,
        "start": result.cycle.start,
        "end": result.cycle.end,
        "grace_until": result.cycle.grace_until,
        "status": result.status,
        "unit": result.unit,
        "required": result.required,
        "earned": result.earned,
        "remaining": result.remaining,
        "cpr_aed_ok": result.cpr_aed_ok,
    }


def cycle_detail_data(progress, lines) -> dict:
    """An evaluated cycle with its statement lines (`certifications.selectors.cycle_statement`)."""
    return {
        **cycle_data(progress),
        "certification_id": progress.certification.pk,
        "credential": progress.certification.credential.code,
        "activities": [
            {
                "activity_id": line.activity.pk,
                "title": str(line.activity),
                "kind": line.activity.kind,
                "completed_on": line.activity.completed_on,
                "full": line.applied.full,
                "applied": line.applied.applied,
                "reason": line.applied.reason,
                "detail": line.applied.detail,
            }
            for line in lines
        ],
    }


def certification_data(certification: Certification, progress) -> dict:
    return {
        "id": certification.pk,
        "credential": certification.credential.code,
        "credential_name": certification.credential.name,
        "organization": certification.credential.organization.short_name,
        "number": certification.number,
        "certified_on": certification.certified_on,
        "cpr_aed_valid_until": certification.cpr_aed_valid_until,
        "current_cycle": cycle_data(progress) if progress is not None else None,
    }
