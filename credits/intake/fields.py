"""What a certificate says: provider, organization, course title and number, completion date, amount with its
unit, participant. Pure functions over the text; each field comes with how sure we are and the line it came
from. The catalog and the organizations' units are looked up by the services, not here."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

LABELED, GUESSED = Decimal("0.9"), Decimal("0.6")
OCR_FACTOR = Decimal("0.85")  # OCR text is less sure than a text layer

CEC, CEU, HOURS = "CECs", "CEUs", "hours"
# An IACET continuing-education unit is 10 contact hours (0.1 per hour, the decimal system of RULES §5).
HOURS_PER_CEU = Decimal("10")

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("us", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")),
    ("mdy", re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)),
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+(\d{{4}})\b", re.I)),
]
_NOT_COMPLETION = re.compile(r"expir|valid\s+(?:until|through)|birth|printed|issued\s+on|renew", re.I)
_COMPLETION = re.compile(r"complet|date|awarded\s+on|attended|finished|\bon\b", re.I)

# ACE course numbers (RULES §4), tolerant of OCR reading 0 as O and 1 as I or l inside the digits.
ACE_NUMBER = re.compile(r"\b(CEP|CP|CA|CS|CL)\s?-?\s?([0-9OIl]{5,6})\b")
_OCR_SLIPS = re.compile(r"\bC\$(?=\s?[0-9OIl])")  # OCR reads the S of CS as $
_LABELED_NUMBER = re.compile(
    r"\b(?:course|program|activity|approval)\s*(?:number|no\.?|#|id|code)\s*[:#.]?\s*([A-Z0-9][A-Z0-9-]{3,19})\b", re.I
)
_CATALOG_LIKE = re.compile(r"\b([A-Z]{2,6}-?\d{4,8})\b")

_UNIT_WORDS = [
    (re.compile(r"continuing\s+education\s+credits?|\bCECs?\b|\bCE\s+credits?\b", re.I), CEC),
    (re.compile(r"continuing\s+education\s+units?|\bCEUs?\b", re.I), CEU),
    (re.compile(r"(?:contact|clock|credit)\s+hours?|\bhours?\b|\bhrs?\b\.?", re.I), HOURS),
]
_NUMBER = r"(\d{1,4}(?:[.,]\d{1,2})?)"
_UNIT = (
    r"(continuing\s+education\s+(?:credits?|units?)|CE\s+credits?|CECs?|CEUs?"
    r"|(?:contact|clock|credit)\s+hours?|hours?|hrs?)"
)
_AMOUNT_AFTER = re.compile(rf"{_NUMBER}\s*{_UNIT}\b", re.I)
_AMOUNT_BEFORE = re.compile(rf"\b{_UNIT}\s*(?:awarded|earned|approved)?\s*[:=\-]\s*{_NUMBER}", re.I)

_NAME_LABEL = re.compile(
    r"(?:this\s+(?:is\s+to\s+)?certif(?:y|ies)\s+that|awarded\s+to|presented\s+to|granted\s+to|issued\s+to|"
    r"participant(?:'s)?(?:\s+name)?|attendee(?:\s+name)?|student(?:\s+name)?|learner|recipient|^name)\s*[:\-]?\s*(.*)$",
    re.I,
)
_NAME_END = re.compile(r"\s+(?:has|for|who|successfully|completed|attended)\b.*$", re.I)
_NAME = re.compile(r"^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ.'\-]*(?:\s+[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ.'\-]*){1,4}$")

_TITLE_LABEL = re.compile(
    r"(?:course\s+title|course\s+name|program\s+title|title|course|program|workshop|"
    r"for\s+(?:successfully\s+)?completing(?:\s+the\s+course)?|has\s+(?:successfully\s+)?completed(?:\s+the\s+course)?|"
    r"completion\s+of(?:\s+the\s+course)?|in\s+recognition\s+of\s+completing)\s*[:\-]?\s*(.*)$",
    re.I,
)
_NOT_TITLE = re.compile(r"^(?:number|no\b|#|id\b|code\b|date|complet|provider|hours|cec|ceu)", re.I)
_TITLE_TAIL = re.compile(
    rf"(?:\s*[\(\[]?\s*(?:CEP|CP|CA|CS|CL)\s?\d{{5,6}}[\)\]]?|\s+on\s+.*|\s+offered\s+by\s+.*|\s*[,;]\s*{_NUMBER}\s*{_UNIT}.*"
    rf"|\s+\(?{_NUMBER}\s*{_UNIT}\)?.*|\s+(?:presented|provided|issued)\s+by\s+.*)$",
    re.I,
)
_PROVIDER_LABEL = re.compile(
    r"(?:^provider\b|provider\s*:|presented\s+by|issued\s+by|offered\s+by|provided\s+by|sponsored\s+by|hosted\s+by|"
    r"education\s+provider|awarding\s+organi[sz]ation)\s*[:\-]?\s*(.*)$",
    re.I,
)
_PROVIDER_TAIL = re.compile(r"\s*(?:[,;(].*|\s+(?:on|approved|an?\s+approved)\b.*)$", re.I)


@dataclass(frozen=True)
class Found:
    """One field's value, how sure the reader is (0..1) and the line it came from."""

    value: object
    confidence: Decimal
    source: str

    def as_json(self) -> dict:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        return {"value": str(value) if isinstance(value, Decimal) else value, "confidence": str(self.confidence),
                "source": self.source}  # fmt: skip


@dataclass(frozen=True)
class CertificateFields:
    provider: Found | None = None
    title: Found | None = None
    course_numbers: tuple[Found, ...] = ()
    completed_on: Found | None = None
    amount: Found | None = None  # value: Decimal as printed
    unit: Found | None = None  # value: CECs, CEUs or hours
    participant: Found | None = None

    def as_json(self) -> dict:
        out = {}
        for name in asdict(self):
            value = getattr(self, name)
            if isinstance(value, tuple):
                out[name] = [item.as_json() for item in value]
            else:
                out[name] = value.as_json() if value is not None else None
        return out


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _sure(confidence: Decimal, ocr: bool) -> Decimal:
    return (confidence * OCR_FACTOR).quantize(Decimal("0.01")) if ocr else confidence


def parse_date(text: str) -> date | None:
    """The first date in `text` in any accepted form: 2026-03-14, 03/14/2026, March 14, 2026, 14 Mar 2026."""
    found = _dates_in(text)
    return found[0][0] if found else None


def _dates_in(line: str) -> list[tuple[date, int]]:
    out = []
    for form, pattern in _DATES:
        for match in pattern.finditer(line):
            a, b, c = match.groups()
            try:
                if form == "iso":
                    value = date(int(a), int(b), int(c))
                elif form == "us":
                    value = date(int(c), int(a), int(b))
                elif form == "mdy":
                    value = date(int(c), _MONTHS[a.lower()], int(b))
                else:
                    value = date(int(c), _MONTHS[b.lower()], int(a))
            except ValueError:
                continue
            out.append((value, match.start()))
    return sorted(out, key=lambda item: item[1])


def _completion_date(lines: list[str], today: date | None) -> tuple[date, Decimal, str] | None:
    labeled, others = [], []
    for i, line in enumerate(lines):
        for value, _ in _dates_in(line):
            if today is not None and value > today:
                continue
            if _NOT_COMPLETION.search(line):
                continue
            context = line if _COMPLETION.search(line) else (lines[i - 1] if i else "")
            (labeled if _COMPLETION.search(context) else others).append((value, line))
    if labeled:
        return labeled[0][0], LABELED, labeled[0][1]
    if others:
        return others[0][0], GUESSED, others[0][1]
    return None


def ace_number(raw: str) -> str | None:
    """An ACE-format course number in `raw` (OCR's O/I/l read as 0/1 in the digits), upper case."""
    match = ACE_NUMBER.search(raw.upper().replace("l", "1"))
    if match is None:
        match = ACE_NUMBER.search(raw)
        if match is None:
            return None
    digits = match.group(2).upper().replace("O", "0").replace("I", "1").replace("L", "1")
    return match.group(1).upper() + digits


def _course_numbers(lines: list[str], ocr: bool) -> tuple[Found, ...]:
    seen: dict[str, Found] = {}
    for line in lines:
        for match in ACE_NUMBER.finditer(line):
            number = ace_number(match.group(0))
            if number and number not in seen:
                seen[number] = Found(number, _sure(LABELED, ocr), line)
        for match in _LABELED_NUMBER.finditer(line):
            number = match.group(1).upper()
            if number not in seen and any(ch.isdigit() for ch in number):
                seen[number] = Found(number, _sure(LABELED, ocr), line)
        for match in _CATALOG_LIKE.finditer(line):
            number = match.group(1).upper()
            if number not in seen:
                seen[number] = Found(number, _sure(GUESSED, ocr), line)
    return tuple(seen.values())


def unit_of(word: str) -> str:
    for pattern, unit in _UNIT_WORDS:
        if pattern.search(word):
            return unit
    return HOURS


def _amounts(lines: list[str]) -> list[tuple[Decimal, str, str]]:
    out = []
    for line in lines:
        for pattern, number_at, unit_at in ((_AMOUNT_AFTER, 1, 2), (_AMOUNT_BEFORE, 2, 1)):
            for match in pattern.finditer(line):
                try:
                    value = Decimal(match.group(number_at).replace(",", "."))
                except InvalidOperation:
                    continue
                out.append((value, unit_of(match.group(unit_at)), line))
    return out


def _amount(lines: list[str], ocr: bool) -> tuple[Found, Found] | tuple[None, None]:
    """The award: CECs or CEUs over hours when a certificate gives both ("0.7 CECs (7 contact hours)")."""
    found = _amounts(lines)
    for wanted in (CEC, CEU, HOURS):
        for value, unit, line in found:
            if unit == wanted:
                return Found(value, _sure(LABELED, ocr), line), Found(unit, _sure(LABELED, ocr), line)
    return None, None


_STRIP = " :-\u2013\u2014\"'“”|[]{}"
# An organization's name without a label (a letterhead): words that such names use.
_ORG_WORDS = re.compile(r"\b(?:academy|institute|cent(?:er|re)|education|training|university|college|association|"
                        r"council|school|online|society|federation)\b", re.I)  # fmt: skip


def _after_label(lines: list[str], label: re.Pattern, i: int, match: re.Match) -> tuple[str, str]:
    rest = match.group(1).strip(_STRIP)
    if rest:
        return rest, lines[i]
    return (lines[i + 1], f"{lines[i]} / {lines[i + 1]}") if i + 1 < len(lines) else ("", lines[i])


def _participant(lines: list[str], ocr: bool) -> Found | None:
    for i, line in enumerate(lines):
        match = _NAME_LABEL.search(line)
        if match is None:
            continue
        candidate, source = _after_label(lines, _NAME_LABEL, i, match)
        candidate = _NAME_END.sub("", candidate).strip(" ,.:")
        if _NAME.match(candidate) and not re.search(r"\d", candidate):
            return Found(candidate, _sure(LABELED, ocr), source)
    return None


def _clean_title(raw: str) -> str:
    title = raw.strip(" :-\u2013\u2014\"'“”")
    for _ in range(3):
        title = _TITLE_TAIL.sub("", title).strip(" ,.:-\"'“”")
    return title


def _title(lines: list[str], ocr: bool) -> Found | None:
    for i, line in enumerate(lines):
        match = _TITLE_LABEL.search(line)
        if match is None or _NOT_TITLE.match(match.group(1).strip(" :")):
            continue
        raw, source = _after_label(lines, _TITLE_LABEL, i, match)
        if _NOT_TITLE.match(raw) or _NAME_LABEL.search(raw):
            continue
        title = _clean_title(raw)
        if len(title) >= 4 and not _dates_in(title):
            return Found(title, _sure(LABELED, ocr), source)
    return None


def _provider(lines: list[str], ocr: bool) -> Found | None:
    for i, line in enumerate(lines):
        match = _PROVIDER_LABEL.search(line)
        if match is None:
            continue
        raw, source = _after_label(lines, _PROVIDER_LABEL, i, match)
        name = _PROVIDER_TAIL.sub("", raw).strip(" ,.:")
        if len(name) >= 3 and not _dates_in(name):
            return Found(name, _sure(LABELED, ocr), source)
    for line in lines[:3]:  # a letterhead
        name = line.strip(_STRIP)
        if _ORG_WORDS.search(name) and not re.search(r"certif|record|award|continuing", name, re.I):
            return Found(name, _sure(GUESSED, ocr), line)
    return None


def certificate_fields(text: str, *, ocr: bool = False, today: date | None = None) -> CertificateFields:
    """Every field the certificate's text gives; a date after `today` is never the completion date."""
    lines = [_OCR_SLIPS.sub("CS", line) for line in _lines(text)]
    when = _completion_date(lines, today)
    amount, unit = _amount(lines, ocr)
    return CertificateFields(
        provider=_provider(lines, ocr),
        title=_title(lines, ocr),
        course_numbers=_course_numbers(lines, ocr),
        completed_on=Found(when[0], _sure(when[1], ocr), when[2]) if when else None,
        amount=amount,
        unit=unit,
        participant=_participant(lines, ocr),
    )


def converted(
    *, amount: Decimal, unit: str, unit_per_hour: Decimal | None, approved: bool
) -> tuple[Decimal | None, Decimal | None]:
    """(amount in the awarding organization's unit, hours) for what a certificate printed (RULES §2, §5).

    CECs are the organization's own unit. A CEU is 10 contact hours, which on the decimal system (0.1 a
    hour: ACE, NASM, NSCA) is the same figure. Hours become the organization's unit for an approved course
    (the activity needs its amount); for another organization's course they stay hours, which the engine
    converts. An organization whose unit is unknown keeps CECs as printed and CEUs as hours."""
    if unit == CEC:
        return amount, None
    hours = amount * HOURS_PER_CEU if unit == CEU else amount
    if unit_per_hour is None:
        return None, hours
    if unit == CEU or approved:
        return (hours * unit_per_hour).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), None
    return None, hours
