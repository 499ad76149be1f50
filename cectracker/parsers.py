"""The API's JSON parser: refuses what PostgreSQL or Python cannot handle before any view sees it."""

from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings

# Deeper than any body of ours needs (the calculator's is 3 levels, a provider batch 3), far below
# Python's recursion limit, so no serializer, renderer or JSONField walk can overflow the stack.
MAX_DEPTH = 32

NUL_MESSAGE = "Null characters are not allowed."
DEPTH_MESSAGE = f"JSON nested more than {MAX_DEPTH} levels deep."


def _bad_char(value: str) -> str | None:
    """The message for a string PostgreSQL cannot store (NUL) or that cannot be encoded (a lone surrogate)."""
    if "\x00" in value:
        return NUL_MESSAGE
    if not value.isascii():  # the common case stays one C-level scan
        for char in value:
            if 0xD800 <= ord(char) <= 0xDFFF:
                return f"Surrogate characters are not allowed: U+{ord(char):X}."
    return None


def _nest(path: list[str], message: str) -> dict:
    """{"a": {"0": {"b": [message]}}} for path a, 0, b: the shape DRF gives nested field errors."""
    if not path:
        return {api_settings.NON_FIELD_ERRORS_KEY: [message]}
    error: dict | list = [message]
    for part in reversed(path):
        error = {part: error}
    return error


def _name(key: str) -> str:
    # A bad key is named with its characters escaped: the error body must itself be storable (provider
    # responses are kept for idempotent replays) and encodable.
    return key if _bad_char(key) is None else key.encode("unicode_escape", "backslashreplace").decode("ascii")


def check_data(data) -> None:
    """Raise a 400 naming the first key or string with a NUL or lone surrogate, or nested too deeply.

    Iterative (an explicit stack), so that the walk itself cannot overflow on what it is there to refuse."""
    stack = [(data, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            message = _bad_char(value)
            if message:
                raise exceptions.ValidationError(_nest(path, message))
        elif isinstance(value, dict | list):
            if len(path) >= MAX_DEPTH:
                raise exceptions.ValidationError(_nest(path[:1], DEPTH_MESSAGE))
            if isinstance(value, dict):
                for key, item in value.items():
                    message = _bad_char(key)
                    if message:
                        raise exceptions.ValidationError(_nest([*path, _name(key)], message))
                    stack.append((item, [*path, key]))
            else:
                stack.extend((item, [*path, str(index)]) for index, item in enumerate(value))


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus: no NUL or lone surrogate in any key or string, at most MAX_DEPTH levels.

    PostgreSQL refuses "\\u0000" in text and jsonb, and a lone surrogate ("\\ud800") cannot be encoded
    to UTF-8: unchecked, either is a 500 wherever it reaches the database (and a provider's stored
    idempotent answer could not hold it, so every retry failed too). Deep nesting is a RecursionError in
    the decoder or later. One parser, the default for every API view, so no endpoint can forget."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the decoder gave up before we could see the path
            raise exceptions.ValidationError(_nest([], DEPTH_MESSAGE)) from None
        check_data(data)
        return data
