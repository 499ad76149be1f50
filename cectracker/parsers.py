"""The API's JSON parser: refuses what PostgreSQL or Python cannot handle before any view sees it."""

import codecs
import re

from rest_framework import exceptions
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.settings import api_settings
from rest_framework.utils import json

# Deeper than any body of ours needs (the calculator's is 3 levels, a provider batch 3), far below
# Python's recursion limit, so no serializer, renderer or JSONField walk can overflow the stack.
MAX_DEPTH = 32

# In the body's text, the only ways a NUL or a lone surrogate can reach a parsed string: an escape, or
# the raw character (a charset such as raw_unicode_escape can decode to one). A match only means "look
# closer" (a valid surrogate pair or an escaped backslash matches too): the walk decides.
_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_RAW_SURROGATE = re.compile("[\ud800-\udfff]")


def _maybe_bad(text: str) -> bool:
    # Plain substring tests first: each is a C scan, far cheaper than the regular expressions.
    if "\\u" in text and _ESCAPE.search(text):
        return True
    return "\x00" in text or (not text.isascii() and _RAW_SURROGATE.search(text) is not None)


NUL_MESSAGE = "Null characters are not allowed."
DEPTH_MESSAGE = f"JSON nested more than {MAX_DEPTH} levels deep."


def unstorable_character(value: str) -> str | None:
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
    return (
        key if unstorable_character(key) is None else key.encode("unicode_escape", "backslashreplace").decode("ascii")
    )


def check_data(data) -> None:
    """Raise a 400 naming the first key or string with a NUL or lone surrogate, or nested too deeply.

    Iterative (an explicit stack), so that the walk itself cannot overflow on what it is there to refuse."""
    stack = [(data, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            message = unstorable_character(value)
            if message:
                raise exceptions.ValidationError(_nest(path, message))
        elif isinstance(value, dict | list):
            if len(path) >= MAX_DEPTH:
                raise exceptions.ValidationError(_nest(path[:1], DEPTH_MESSAGE))
            if isinstance(value, dict):
                for key, item in value.items():
                    message = unstorable_character(key)
                    if message:
                        raise exceptions.ValidationError(_nest([*path, _name(key)], message))
                    stack.append((item, [*path, key]))
            else:
                stack.extend((item, [*path, str(index)]) for index, item in enumerate(value))


def _too_deep(data) -> bool:
    """check_data's depth rule alone, level by level, without paths or string checks: the fast path.

    type() rather than isinstance(): the decoder builds plain dicts and lists only, and it is faster."""
    level, depth = [data], 1
    while level := [
        item
        for value in level
        if type(value) in _CONTAINERS
        for item in (value.values() if type(value) is dict else value)
        if type(item) in _CONTAINERS
    ]:
        depth += 1
        if depth > MAX_DEPTH:
            return True
    return False


_CONTAINERS = (dict, list)


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus: no NUL or lone surrogate in any key or string, at most MAX_DEPTH levels.

    PostgreSQL refuses "\\u0000" in text and jsonb, and a lone surrogate ("\\ud800") cannot be encoded
    to UTF-8: unchecked, either is a 500 wherever it reaches the database (and a provider's stored
    idempotent answer could not hold it, so every retry failed too). Deep nesting is a RecursionError in
    the decoder or later. One parser, the default for every API view, so no endpoint can forget.

    The calculator is a hot path: the text is searched first (in C), and the walk that names the field
    runs only when the search or the depth check finds something."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            # As JSONParser.parse, but keeping the text for the search below.
            text = codecs.getreader(encoding)(stream).read()
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:  # includes UnicodeDecodeError
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:  # the decoder gave up before we could see the path
            raise exceptions.ValidationError(_nest([], DEPTH_MESSAGE)) from None
        # More than MAX_DEPTH levels need more than MAX_DEPTH brackets (counting those inside strings too).
        deep = text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(data)
        if deep or _maybe_bad(text):
            check_data(data)
        return data
