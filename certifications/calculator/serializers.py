"""Input and output of the public calculator, `POST /api/v1/evaluate` (RULES §8)."""

import re
from datetime import date
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cectracker.parsers import unstorable_character
from certifications.rules.engine import REASONS, STATUSES
from certifications.rules.params import ACTIVITY_KINDS

MAX_ACTIVITIES = 1000
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# As written: digits, at most two decimals (RULES §8: "1.500" has 3 and is refused).
DECIMAL_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


class StrictCharField(serializers.CharField):
    """Text only: a number or a boolean is refused rather than turned into text."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "format": "date", "example": "2024-02-10"})
class IsoDateField(serializers.DateField):
    """A date as ISO `YYYY-MM-DD` only (the `MM/DD/YYYY` form is for the browser form)."""

    default_error_messages = {"invalid": "Use the date format YYYY-MM-DD, for example 2024-02-10."}

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            self.fail("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail("invalid")


@extend_schema_field({"type": "string", "pattern": DECIMAL_PATTERN, "example": "1.5"})
class AmountField(serializers.Field):
    """A non-negative decimal written as a string (`"1.5"`), at most 8 digits before the point and 2 after."""

    default_error_messages = {
        "not_a_string": 'Write the number as a string, for example "1.5".',
        "invalid": 'Not a number: write it like "1.5" (digits and an optional decimal point).',
        "negative": "Must not be negative.",
        "max_decimal_places": "Ensure that there are no more than 2 decimal places.",
        "max_whole_digits": "Ensure that there are no more than 8 digits before the decimal point.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        match = _DECIMAL.fullmatch(data)
        if match is None:
            self.fail("invalid")
        sign, whole, fraction = match.groups()
        if sign:
            self.fail("negative")
        if len(fraction or "") > 2:
            self.fail("max_decimal_places")
        if len(whole) > 8:
            self.fail("max_whole_digits")
        return Decimal(data)

    def to_representation(self, value):
        return str(value)


class ClosedSerializer(serializers.Serializer):
    """Refuses fields it does not know, naming each, so a misspelt field is never silently ignored."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                exc.detail.update({name: ["Unknown field."] for name in unknown})
            raise
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return value


def _optional_text(max_length: int, help_text: str) -> StrictCharField:
    return StrictCharField(
        required=False, allow_null=True, allow_blank=True, max_length=max_length, help_text=help_text
    )


class ActivityInSerializer(ClosedSerializer):
    id = StrictCharField(max_length=100, help_text="Yours; echoed back.")
    kind = serializers.ChoiceField(choices=list(ACTIVITY_KINDS))
    completed_on = IsoDateField()
    amount = AmountField(help_text="In the organization's unit (another organization's, for other_org_course).")
    hours = AmountField(help_text="other_org_course without an amount; cpr, aed, first_aid (default 1).")
    course_number = _optional_text(30, "approved_course: e.g. CA23456 for ACE (case-insensitive).")
    awarding_org = _optional_text(100, "other_org_course: e.g. ACE, NASM, NSCA.")
    credit_hours = AmountField(help_text="college_course.")
    term = _optional_text(20, "college_course: semester or quarter (checked where the rules depend on it).")
    grade = _optional_text(10, "college_course: letter grade; C or better counts.")
    new_credential = _optional_text(30, "new_certification: the credential code earned, e.g. ACSM-EP.")
    status = serializers.ChoiceField(
        choices=["pending", "approved", "denied"], required=False, allow_null=True, help_text="petition."
    )


@extend_schema_field(ActivityInSerializer)
class ActivityField(serializers.Field):
    """One activity, checked against ActivityInSerializer's declared fields without the Serializer machinery.

    Same fields, rules and messages as ActivityInSerializer (which documents it; a test holds them equal), far faster,
    which matters on a public endpoint taking up to 1,000 activities. Only the fields present are checked."""

    default_error_messages = {"invalid": "Invalid data. Expected a dictionary, but got {datatype}."}
    _declared = ActivityInSerializer._declared_fields
    _required = tuple(name for name, field in _declared.items() if field.required)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("invalid", datatype=type(data).__name__)
        return _declared_values(self._declared, self._required, data)

    def to_representation(self, value):
        return value


def evaluate_input(data) -> dict:
    """EvaluateInSerializer(data=data).is_valid(raise_exception=True) and its validated_data, without the overhead.

    The public calculator's hot path; a test holds its answers equal to the serializer's."""
    if data is None:
        raise serializers.ValidationError({"non_field_errors": ["No data provided"]})
    if not isinstance(data, dict):
        raise serializers.ValidationError(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]}
        )
    declared = EvaluateInSerializer._declared_fields  # defined below: it uses ActivityField
    return _declared_values(declared, tuple(name for name, field in declared.items() if field.required), data)


def _declared_values(declared: dict, required: tuple[str, ...], data: dict) -> dict:
    """Each key of `data` through its declared field, an unknown key refused, the required ones present: the
    Serializer's validated_data and error dict, without its machinery."""
    out, errors = {}, {}
    for name, value in data.items():
        field = declared.get(name)
        if field is None:
            errors[name] = ["Unknown field."]
            continue
        try:
            out[name] = _field_value(field, value)
        except serializers.ValidationError as exc:
            errors[name] = exc.detail
    for name in required:
        if name not in data:
            errors[name] = [declared[name].error_messages["required"]]
    if errors:
        raise serializers.ValidationError(errors)
    return out


def _field_value(field: serializers.Field, value):
    """`field.run_validation(value)` for the field types of the calculator's input, minus the overhead."""
    if isinstance(field, serializers.ListField):
        return field.run_validation(value)  # its length limit is a validator
    if value is None:
        if not field.allow_null:
            field.fail("null")
        return None
    if isinstance(field, serializers.CharField):
        if not isinstance(value, str):
            field.fail("invalid")
        value = value.strip() if field.trim_whitespace else value
        if value == "" and not field.allow_blank:
            field.fail("blank")
        if field.max_length is not None and len(value) > field.max_length:
            field.fail("max_length", max_length=field.max_length)
        # A JSON body never gets here with these (cectracker.parsers refuses it); kept because this lean
        # path must give what DRF's CharField validators give, for any caller of the serializers.
        message = unstorable_character(value)
        if message:
            raise serializers.ValidationError(message)
        return value
    return field.to_internal_value(value)


class EvaluateInSerializer(ClosedSerializer):
    credential = StrictCharField(max_length=30, help_text="Credential code, e.g. ACSM-CPT (case-insensitive).")
    certified_on = IsoDateField(help_text="Start of the cycle to evaluate.")
    as_of = IsoDateField(required=False, allow_null=True, help_text="Decides the status only; default today.")
    cpr_aed_valid_until = IsoDateField(required=False, allow_null=True, help_text="Absent = unknown.")
    current_credential_level = _optional_text(30, "Default: the credential itself.")
    activities = serializers.ListField(child=ActivityField(), required=False, max_length=MAX_ACTIVITIES)


class CycleOutSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    grace_until = serializers.DateField(allow_null=True)


class ActivityOutSerializer(serializers.Serializer):
    id = serializers.CharField()
    applied = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.ChoiceField(choices=list(REASONS), allow_null=True)


class EvaluateOutSerializer(serializers.Serializer):
    credential = serializers.CharField()
    organization = serializers.CharField()
    cycle = CycleOutSerializer()
    required = serializers.DecimalField(max_digits=12, decimal_places=2)
    earned = serializers.DecimalField(max_digits=12, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.ChoiceField(choices=list(STATUSES))
    activities = ActivityOutSerializer(many=True)


def result_payload(result) -> dict:
    """The response body of a CycleResult, exactly as EvaluateOutSerializer documents it (built by hand: hot path)."""
    cycle = result.cycle
    return {
        "credential": result.credential,
        "organization": result.organization,
        "cycle": {
            "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(),
            "grace_until": cycle.grace_until.isoformat() if cycle.grace_until else None,
        },
        "required": str(result.required),
        "earned": str(result.earned),
        "remaining": str(result.remaining),
        "status": result.status,
        "activities": [{"id": a.id, "applied": str(a.applied), "reason": a.reason} for a in result.activities],
    }


def nested_errors(message_dict: dict[str, list[str]]) -> dict:
    """`activities.<i>.<field>` keys from the selector become DRF's nested shape: {"activities": {"<i>": {...}}}."""
    out: dict = {}
    for key, messages in message_dict.items():
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[0] == "activities" and parts[1].isdigit():
            out.setdefault("activities", {}).setdefault(parts[1], {})[parts[2]] = messages
        else:
            out[key] = messages
    return out
