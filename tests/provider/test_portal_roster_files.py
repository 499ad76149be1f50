"""Roster files are judged by their content: each refusal says what is wrong, and nothing is stored."""

import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ActionLog
from credits.models import ProviderCompletion
from credits.providers import roster
from credits.providers.models import RosterUpload
from tests.provider.conftest import portal_url, xlsx_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HEADER = ["Email", "Certification number", "Course number", "Completed on", "Amount", "Your record id"]


def upload(client, provider, name, data):
    return client.post(portal_url("provider_uploads", provider), {"file": SimpleUploadedFile(name, data)})


def refused(client, provider, name, data, words):
    """POST the file; the page says `words` next to the file field, and nothing was stored anywhere."""
    logged = ActionLog.objects.count()
    response = upload(client, provider, name, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    text = " ".join(errors.get("file", []) + errors.get("__all__", []))
    assert words in text, text
    html = response.content.decode()
    assert 'aria-invalid="true"' in html or "alert-error" in html
    assert RosterUpload.objects.count() == 0 and ProviderCompletion.objects.count() == 0
    assert ActionLog.objects.count() == logged
    media = os.path.join(settings.MEDIA_ROOT, "rosters")
    assert not os.path.exists(media) or not os.listdir(media)
    return text


def test_a_pdf_named_csv_is_refused_by_its_content(portal_a, provider_a):
    refused(portal_a, provider_a, "roster.csv", PDF, "Only CSV or Excel (.xlsx) rosters are accepted")


def test_a_png_named_xlsx_is_refused(portal_a, provider_a):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    refused(portal_a, provider_a, "roster.xlsx", png, "it is image/png")


def test_a_zip_that_is_not_a_workbook_is_refused(portal_a, provider_a):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    refused(portal_a, provider_a, "roster.xlsx", out.getvalue(), "neither")


def test_an_old_xls_is_refused_with_what_to_do(portal_a, provider_a):
    refused(portal_a, provider_a, "roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Save As")


def test_a_web_page_named_csv_is_refused(portal_a, provider_a):
    refused(portal_a, provider_a, "roster.csv", b"<html><script>alert(1)</script></html>", "web page")


def test_a_latin1_csv_is_refused_for_its_encoding(portal_a, provider_a):
    data = "Email,Completed on\nren\xe9e@example.com,2025-06-01\n".encode("latin-1")
    refused(portal_a, provider_a, "roster.csv", data, "not in the UTF-8 encoding")


def test_a_utf16_csv_is_refused(portal_a, provider_a):
    data = "Email,Completed on\na@example.com,2025-06-01\n".encode("utf-16")
    refused(portal_a, provider_a, "roster.csv", data, "Only CSV or Excel")


def test_more_than_10000_rows_are_refused(portal_a, provider_a):
    lines = ["Email,Course number,Completed on"] + [f"p{i}@example.com,CEP123456,2025-06-01" for i in range(10_001)]
    refused(portal_a, provider_a, "big.csv", "\n".join(lines).encode(), "more than 10,000 rows")


def test_exactly_10000_rows_are_accepted(portal_a, provider_a, course_a):
    lines = ["Email,Course number,Completed on"] + [f"p{i}@example.com,CEP123456,2025-06-01" for i in range(10_000)]
    response = upload(portal_a, provider_a, "big.csv", "\n".join(lines).encode())
    assert response.status_code == 302
    assert RosterUpload.objects.get().rows == 10_000


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", " =1+1"])
def test_a_formula_in_a_csv_cell_is_refused(portal_a, provider_a, cell):
    data = f'Email,Completed on\n"{cell}",2025-06-01\n'.encode()
    text = refused(portal_a, provider_a, "roster.csv", data, "Row 2, column A")
    assert "formula" in text


def test_a_formula_in_an_xlsx_cell_is_refused(portal_a, provider_a):
    data = xlsx_bytes([HEADER, ["a@example.com", "", "CEP123456", "=TODAY()", "", ""]])
    text = refused(portal_a, provider_a, "roster.xlsx", data, "Row 2, column D holds a formula")
    assert "values only" in text


def test_a_text_cell_starting_like_a_formula_in_an_xlsx_is_refused(portal_a, provider_a):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["x@example.com", "", "CEP123456", "2025-06-01", "", ""])
    workbook.active["F2"].value = "@cmd"
    workbook.active["F2"].data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    refused(portal_a, provider_a, "roster.xlsx", out.getvalue(), "Row 2, column F")


def test_an_xlsx_with_macros_is_refused(portal_a, provider_a):
    data = xlsx_bytes([HEADER], extra_parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    refused(portal_a, provider_a, "roster.xlsx", data, "contains macros")


def test_an_xlsx_with_external_links_is_refused(portal_a, provider_a):
    data = xlsx_bytes([HEADER], extra_parts={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    refused(portal_a, provider_a, "roster.xlsx", data, "external links")


def test_a_damaged_xlsx_is_refused(portal_a, provider_a):
    data = xlsx_bytes([HEADER, ["a@example.com"]])
    refused(portal_a, provider_a, "roster.xlsx", data[: len(data) // 2], "cannot be opened")


def test_a_100_mb_file_is_refused_without_being_read(portal_a, provider_a):
    data = b"Email,Completed on\n" + b"a@example.com,2025-06-01\n" * (100 * 1024 * 1024 // 25)
    assert len(data) >= 100 * 1024 * 1024 - 100
    refused(portal_a, provider_a, "huge.csv", data, "larger than 10 MB")


def test_a_file_past_the_limit_is_refused_while_streaming(settings):
    settings.ROSTER_MAX_BYTES = 1000  # noqa: F811
    with pytest.raises(Exception) as exc:
        roster.roster_read(SimpleUploadedFile("r.csv", b"Email\n" + b"a@example.com\n" * 100))
    assert "larger than" in str(exc.value)


def test_empty_and_header_only_files_say_so(portal_a, provider_a):
    refused(portal_a, provider_a, "empty.csv", b"", "This file is empty")
    refused(portal_a, provider_a, "header.csv", b"Email,Completed on\n", "no attendees")


def test_the_templates_are_accepted_back_and_map_every_column(portal_a, provider_a):
    for kind in ("csv", "xlsx"):
        response = portal_a.get(portal_url("provider_roster_template", provider_a, kind=kind))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        body = response.content
        filled = body + b"a@example.com,,CEP123456,03/14/2025,,r-1\n" if kind == "csv" else body
        if kind == "xlsx":
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(body))
            workbook.active.append(["a@example.com", "", "CEP123456", "03/14/2025", "", "r-1"])
            out = io.BytesIO()
            workbook.save(out)
            filled = out.getvalue()
        sheet = roster.roster_read(SimpleUploadedFile(f"t.{kind}", filled)).sheet
        assert roster.mapping_guess(sheet.headers) == {field: i for i, field in enumerate(roster.FIELDS)}
        [record] = roster.roster_records(sheet=sheet, mapping=roster.mapping_guess(sheet.headers))
        assert record == {
            "attendee_email": "a@example.com",
            "course_number": "CEP123456",
            "completed_on": "2025-03-14",
            "record_id": "r-1",
        }


def test_semicolon_csv_and_excel_dates_and_numbers_are_read_as_people_see_them():
    import datetime as dt

    sheet = roster.roster_read(SimpleUploadedFile("r.csv", b"\xef\xbb\xbfE-mail;Date\nA@x.com;2025-06-01\n")).sheet
    assert sheet.headers == ["E-mail", "Date"] and sheet.rows == [(2, ["A@x.com", "2025-06-01"])]
    data = xlsx_bytes([["Cert #", "Completed", "CECs"], [998877, dt.datetime(2025, 6, 1), 0.5]])
    sheet = roster.roster_read(SimpleUploadedFile("r.xlsx", data)).sheet
    assert sheet.rows == [(2, ["998877", "2025-06-01", "0.5"])]
    assert roster.mapping_guess(["Cert #", "Completed", "CECs"]) == {
        "certification_number": 0,
        "completed_on": 1,
        "amount": 2,
    }


def test_an_xlsx_whose_xml_declares_entities_is_refused(portal_a, provider_a):
    """defusedxml (which openpyxl uses when it is installed) refuses entity declarations: no billion laughs."""
    import zipfile

    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    data = xlsx_bytes([HEADER, ["a@example.com", "", "CEP123456", "2025-06-01", "", ""]])
    out = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = bomb.encode() if item.filename.startswith("xl/worksheets/") else src.read(item.filename)
            dst.writestr(item, body)
    refused(portal_a, provider_a, "roster.xlsx", out.getvalue(), "cannot be read")


def test_columns_past_the_fiftieth_are_not_read():
    wide = ["Email", *[f"c{i}" for i in range(100)]]
    far_right = ["=1+1"] * 51  # formulas past column 50 are never reached
    data = xlsx_bytes([wide, ["a@example.com", *["x"] * 49, *far_right]])
    sheet = roster.roster_read(SimpleUploadedFile("r.xlsx", data)).sheet
    assert len(sheet.headers) == len(sheet.rows[0][1]) == roster.MAX_COLUMNS
    csv_data = (",".join(wide) + "\n" + ",".join(["a@example.com", *["x"] * 49, *far_right]) + "\n").encode()
    sheet = roster.roster_read(SimpleUploadedFile("r.csv", csv_data)).sheet
    assert len(sheet.headers) == len(sheet.rows[0][1]) == roster.MAX_COLUMNS
