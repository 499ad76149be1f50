"""Query parameters checked as strictly as bodies: what the OpenAPI schema forbids is a 400 naming it.

A list view declares its parameters with a serializer, which drf-spectacular turns into the schema's
parameters (types, enums, minimums), and reads them through `query_params_valid`, so the schema and the
check are one declaration."""

from rest_framework import exceptions, serializers


def query_params_valid(request, *serializer_classes: type[serializers.Serializer], only: bool = True) -> dict:
    """The parameters the serializers declare, validated: a repeated one, a mistyped one or a value outside its
    enum is a 400 naming it. With `only`, so is a parameter none of them declares (the schema lists them all);
    pagination checks its own two with `only=False`, inside views that declare more."""
    names = [name for serializer_class in serializer_classes for name in serializer_class().fields]
    errors = {name: ["Give this parameter once."] for name in names if len(request.query_params.getlist(name)) > 1}
    if only:
        takes = ", ".join(sorted(names)) or "no parameters"
        errors |= {
            name: [f"Unknown parameter; this takes {takes}."] for name in request.query_params if name not in names
        }
    if errors:
        raise exceptions.ValidationError(errors)
    data = {}
    for serializer_class in serializer_classes:
        # A plain dict, not the QueryDict: DRF reads a missing boolean in form-like data as false.
        given = {name: request.query_params[name] for name in serializer_class().fields if name in request.query_params}
        params = serializer_class(data=given)
        params.is_valid(raise_exception=True)
        data |= params.validated_data
    return data


class PageQuerySerializer(serializers.Serializer):
    """`limit` and `offset` of every API list (cectracker.pagination.LimitOffsetPage)."""

    limit = serializers.IntegerField(
        min_value=1, required=False, help_text="Number of results to return per page (at most 200)."
    )
    offset = serializers.IntegerField(
        min_value=0, required=False, help_text="The initial index from which to return the results."
    )
