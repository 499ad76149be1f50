"""The organization file (format `cectracker-organization/1`): read, check against `schema.json`, write.

Pure: no Django, no database. Reading accepts YAML or JSON; writing is canonical YAML, so that a file
written by `dump` reads back to the same data and is written again byte for byte. Errors are
`(path, message)` pairs: the path in the file (`rule_set.rules.caps[0].per_year`) and plain words.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from certifications.rules.params import RuleParams, RuleParamsError

FORMAT = "cectracker-organization/1"
SCHEMA_PATH = Path(__file__).with_name("schema.json")
MAX_BYTES = 2_000_000  # a catalog of ~10,000 courses; larger files are refused before they are parsed

FileError = tuple[str, str]


class OrgFileInvalid(ValueError):
    """The file cannot be imported; `errors` lists every problem found, each with its path."""

    def __init__(self, errors: list[FileError]) -> None:
        super().__init__("; ".join(f"{path or 'file'}: {message}" for path, message in errors))
        self.errors = errors


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the format (the one in the repository, also served to operators)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# libyaml's C reader and writer when the wheel has them (a 10,000-course catalog reads in well under a second).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:-])&\S")  # a reference needs an anchor (&name) to point at


def _refuse_references(text: str) -> None:
    """`*name` references can expand a small file into gigabytes: refused before anything is built."""
    if not _ANCHOR.search(text):
        return
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise yaml.YAMLError(f"line {mark.line + 1}: references (*name) are not allowed in this file")


def load(raw: bytes | str) -> Any:
    """The data of a file, JSON or YAML; OrgFileInvalid when it is too big or not readable."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise OrgFileInvalid([("", f"the file is larger than {MAX_BYTES // 1_000_000} MB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise OrgFileInvalid([("", "the file is not text (UTF-8): export it again as YAML or JSON")]) from None
    if "\x00" in text:
        raise OrgFileInvalid([("", "the file contains a NUL character")])
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text)
        _refuse_references(text)
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 (the safe loader, in C when available)
    except json.JSONDecodeError as exc:
        raise OrgFileInvalid([("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise OrgFileInvalid([("", f"not valid YAML: {problem}{where}")]) from None


def errors(data: Any) -> list[FileError]:
    """Every problem of the file's data: its shape against the schema, then the rules as the engine reads them."""
    found = [item for error in _validator().iter_errors(data) for item in _in_words(error)]
    if found:
        return sorted(set(found), key=lambda item: _sort_key(item[0]))
    try:
        RuleParams.from_dict(data["rule_set"]["rules"])
    except RuleParamsError as exc:
        found += [(path_of(["rule_set", "rules", *key.split(".")]), message) for key, message in exc.errors.items()]
    try:
        date.fromisoformat(data["rule_set"]["effective_from"])
    except ValueError:
        found.append(("rule_set.effective_from", "is not a date of the calendar"))
    return found


def check(data: Any) -> dict[str, Any]:
    """The data when it has no problem; OrgFileInvalid naming each one otherwise."""
    found = errors(data)
    if found:
        raise OrgFileInvalid(found)
    return data


def dump(data: dict[str, Any]) -> str:
    """Canonical YAML: keys in the order given, every text that could read as another type quoted."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


class _Dumper(_SafeDumper):  # type: ignore[misc, valid-type]
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None  # notes read as paragraphs
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


@cache
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(schema())


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a group of named fields",
    "array": "a list",
    "null": "null",
}


def _in_words(error: jsonschema.ValidationError) -> list[FileError]:
    path = list(error.absolute_path)
    kind, value, sub = error.validator, error.validator_value, error.schema
    if kind == "required" and isinstance(error.instance, dict):
        return [(path_of([*path, name]), "is missing") for name in value if name not in error.instance]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = set(sub.get("properties", {}))
        return [
            (path_of([*path, str(name)]), "is not a field of this format (check the spelling)")
            for name in error.instance
            if name not in known
        ]
    if kind == "propertyNames" or "propertyNames" in error.relative_schema_path:
        return [(path_of([*path, str(error.instance)]), "is not a known activity kind")]
    return [(path_of(path), _message(kind, value, sub, error))]


def _message(kind: str, value: Any, sub: Any, error: jsonschema.ValidationError) -> str:
    if isinstance(sub, dict) and "x-words" in sub and kind in ("type", "pattern"):
        return f"must be {sub['x-words']}"
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        return "must be " + " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    if kind == "enum":
        return "must be one of: " + ", ".join(str(v) for v in value)
    if kind == "const":
        return f'must be "{value}"'
    if kind == "minimum":
        return f"must be at least {value}"
    if kind == "maximum":
        return f"must be at most {value}"
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"must be at most {value} characters"
    if kind in ("minItems", "minProperties"):
        return f"must list at least {value}"
    return error.message


def path_of(parts: list[Any]) -> str:
    """`["caps", 0, "per_year"]` as `caps[0].per_year` (digits in a dotted engine path are list positions)."""
    out = ""
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit() and out.endswith("caps")):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _sort_key(path: str) -> list[tuple[int, Any]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\[\]]+", path) if p]
