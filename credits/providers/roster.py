"""Roster files of the provider portal (CSV or XLSX): what a file is, decided by its content and never by its
name; every refusal in words; the rows as text cells; how the columns map to the completion fields.

Nothing here touches the database: the portal stores a file only after `roster_read` accepted it, and the
report itself goes through `credits.providers.services.completions_report`, as the API's does."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

from cectracker.forms import DATE_INPUT_FORMATS
from certifications.exports.csv import FORMULA_STARTS
from credits.providers.models import MAX_COMPLETIONS

# The completion fields a column can feed, in the template's order, with their names for people.
FIELDS = {
    "attendee_email": "Email",
    "certification_number": "Certification number",
    "course_number": "Course number",
    "completed_on": "Completed on",
    "amount": "Amount",
    "record_id": "Your record id",
}
# Headers people write, squeezed to lower-case letters and digits, and the field each means.
_SYNONYMS = {
    **{k: "attendee_email" for k in ("email", "emailaddress", "attendeeemail", "mail")},
    **{
        k: "certification_number"
        for k in ("certificationnumber", "certnumber", "certno", "cert", "certification", "certificationno")
    },
    **{k: "course_number" for k in ("coursenumber", "course", "courseno", "coursecode", "courseid")},
    **{k: "completed_on" for k in ("completedon", "completed", "completiondate", "date", "datecompleted")},
    **{k: "amount" for k in ("amount", "cecs", "cec", "ceus", "ceu", "credits", "cecamount")},
    **{k: "record_id" for k in ("yourrecordid", "recordid", "record", "id")},
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and .doc) container
_MAX_UNPACKED = 50 * 1024 * 1024  # an XLSX of 10,000 rows unpacks to a few MB; a zip bomb to far more
MAX_COLUMNS = 50  # a roster needs six; columns further right are not read at all
_MAX_PARTS = 2000


@dataclass(frozen=True)
class Sheet:
    """A roster as read: its kind, the header cells and each data row with its row number in the file."""

    kind: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass(frozen=True)
class CheckedRoster:
    kind: str
    size: int
    sha256: str
    sheet: Sheet


def max_bytes() -> int:
    return settings.ROSTER_MAX_BYTES


def too_big_message() -> str:
    return f"This file is larger than {max_bytes() // (1024 * 1024)} MB; a roster of 10,000 rows is far smaller."


def _fail(message: str) -> ValidationError:
    return ValidationError({"file": [message]}, code="invalid")


def roster_read(upload) -> CheckedRoster:
    """Accept a CSV (UTF-8) or XLSX roster of at most ROSTER_MAX_BYTES and MAX_COMPLETIONS rows, without
    formulas, macros or external links; raise ValidationError on `file` saying what is wrong."""
    limit = max_bytes()
    parts, size, digest = [], 0, hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise _fail(
                f"This file is larger than {limit // (1024 * 1024)} MB; a roster of 10,000 rows is far smaller."
            )
        digest.update(chunk)
        parts.append(chunk)
    data = b"".join(parts)
    upload.seek(0)
    if not data.strip():
        raise _fail("This file is empty. Choose the roster file again.")
    if data.startswith(_ZIP_MAGIC):
        sheet = _xlsx_sheet(data)
    elif data.startswith(_OLE_MAGIC):
        raise _fail("This is an old Excel (.xls) file. In Excel choose Save As and pick .xlsx or CSV UTF-8.")
    else:
        sheet = _csv_sheet(data)
    return CheckedRoster(sheet.kind, size, digest.hexdigest(), sheet)


def _not_a_roster(data: bytes) -> ValidationError:
    guessed = filetype.guess(data[:8192])
    what = f" (it is {guessed.mime})" if guessed is not None else ""
    return _fail(f"Only CSV or Excel (.xlsx) rosters are accepted, and this file is neither{what}, whatever its name.")


def _xlsx_sheet(data: bytes) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise _not_a_roster(data)
        if len(infos) > _MAX_PARTS or sum(info.file_size for info in infos) > _MAX_UNPACKED:
            raise _fail("This workbook unpacks to far more data than a roster holds; save the roster alone as .xlsx.")
        content_types = archive.read("[Content_Types].xml").lower()
    except zipfile.BadZipFile:
        raise _fail("This file looks like a workbook but cannot be opened (it is damaged or cut short).") from None
    if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroenabled" in content_types:
        raise _fail("This workbook contains macros, which we never open. Save it as a plain .xlsx workbook or CSV.")
    if any(name.startswith("xl/externalLinks/") for name in names):
        raise _fail(
            "This workbook links to other files (external links). Copy the roster into a new workbook "
            "as values only, or save it as CSV."
        )
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            try:
                worksheet = workbook.worksheets[0]
                rows = worksheet.iter_rows(max_col=MAX_COLUMNS)
                cells = (_xlsx_row(number, row) for number, row in enumerate(rows, start=1))
                return _sheet("xlsx", cells)
            finally:
                workbook.close()
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken part (KeyError, ValueError, XML errors)
        raise _fail("This workbook cannot be read (it is damaged or not really an .xlsx file).") from exc


def _xlsx_row(number: int, row) -> tuple[int, list[str]]:
    values = []
    for column, cell in enumerate(row, start=1):
        if getattr(cell, "data_type", None) == "f":
            raise _fail(f"{_where(number, column)} holds a formula. Paste the roster as values only, then upload it.")
        values.append(_text(cell.value))
    return number, values


def _text(value) -> str:
    """A cell as the text a person sees: dates as YYYY-MM-DD, whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_sheet(data: bytes) -> Sheet:
    if filetype.guess(data[:8192]) is not None or b"\x00" in data:
        raise _not_a_roster(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(
            f"This file is not in the UTF-8 encoding (byte {exc.start + 1} cannot be read). In Excel choose "
            "Save As and pick \u201cCSV UTF-8 (comma delimited)\u201d, then upload that file."
        ) from None
    if text.lstrip()[:1] == "<":
        raise _fail("This file is a web page or XML, not a CSV roster.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _sheet("csv", ((reader.line_num, row[:MAX_COLUMNS]) for row in reader))
    except csv.Error as exc:
        raise _fail(f"This CSV cannot be read: {exc}.") from None


def _sheet(kind: str, numbered_rows) -> Sheet:
    """Header and data rows, skipping empty rows; refuses formulas and more than MAX_COMPLETIONS rows."""
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in numbered_rows:
        cells = [cell if isinstance(cell, str) else _text(cell) for cell in raw]
        for column, cell in enumerate(cells, start=1):
            # A cell a spreadsheet program would run as a formula (CSV injection): refused, never stored.
            if cell.startswith(FORMULA_STARTS) or cell.lstrip().startswith(FORMULA_STARTS):
                char = cell[:1] if cell.startswith(FORMULA_STARTS) else cell.lstrip()[:1]
                shown = {"\t": "a tab", "\r": "a line break"}.get(char, f"\u201c{char}\u201d")
                raise _fail(
                    f"{_where(number, column)} starts with {shown}, which a spreadsheet would run as a formula. "
                    "Remove it (a roster needs no formulas or minus signs), then upload the file again."
                )
        cells = [cell.strip() for cell in cells]
        while cells and not cells[-1]:
            cells.pop()  # a workbook row comes padded to MAX_COLUMNS
        if not cells:
            continue
        if headers is None:
            headers = cells
            continue
        rows.append((number, cells))
        if len(rows) > MAX_COMPLETIONS:
            raise _fail(f"This roster has more than {MAX_COMPLETIONS:,} rows; split it into files of at most that.")
    if headers is None:
        raise _fail("This file has no rows. The first row names the columns; each row below is one attendee.")
    if not rows:
        raise _fail("This file has a header row but no attendees below it.")
    return Sheet(kind, headers, rows)


def _where(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"Row {row}, column {letters}"


def mapping_guess(headers: list[str]) -> dict[str, int]:
    """Which column feeds which field, from the header names (the first column of each field wins)."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = _SYNONYMS.get(re.sub(r"[^a-z0-9]", "", header.lower()))
        if field is not None and field not in mapping:
            mapping[field] = index
    return mapping


def roster_records(*, sheet: Sheet, mapping: dict[str, int], default_course: str = "") -> list[dict[str, str]]:
    """The completion records the service takes, one per data row: empty cells are left out (an empty amount
    is the course's), dates typed as MM/DD/YYYY become YYYY-MM-DD, an empty course is `default_course`."""
    records = []
    for _, cells in sheet.rows:
        record = {field: cells[i] for field, i in mapping.items() if i < len(cells) and cells[i]}
        if "completed_on" in record:
            record["completed_on"] = _iso_date(record["completed_on"])
        if default_course and "course_number" not in record:
            record["course_number"] = default_course
        records.append(record)
    return records


def _iso_date(value: str) -> str:
    for pattern in DATE_INPUT_FORMATS:
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return value  # the service refuses it, naming the field


def template_csv() -> bytes:
    """The roster template: the header row alone, in UTF-8 with a byte-order mark so Excel reads it right."""
    out = io.StringIO()
    csv.writer(out).writerow(FIELDS.values())
    return ("\ufeff" + out.getvalue()).encode()


def template_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Roster"
    sheet.append(list(FIELDS.values()))
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 24
        # Text cells: certification numbers keep their leading zeros, dates stay as typed.
        for row in range(2, 1002):
            sheet[f"{column}{row}"].number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stored_sheet(name: str) -> Sheet:
    """The rows of a roster file kept in storage (it was checked on upload; it is read the same way again)."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        return roster_read(handle).sheet
