"""Evidence files are checked by content: magic bytes and a real parse, never the name or claimed type."""

import pytest
from django.core.exceptions import ValidationError

from credits.uploads import check_evidence_file
from tests.credits.conftest import make_jpeg, make_pdf, make_pdf_of_size, make_png, upload


def refused(name, data, content_type="application/octet-stream"):
    with pytest.raises(ValidationError) as info:
        check_evidence_file(upload(name, data, content_type))
    return " ".join(info.value.message_dict["file"])


def test_real_pdf_png_and_jpeg_are_accepted_by_content():
    assert check_evidence_file(upload("c.pdf", make_pdf(), "application/pdf")).content_type == "application/pdf"
    assert check_evidence_file(upload("c.png", make_png(), "image/png")).content_type == "image/png"
    checked = check_evidence_file(upload("c.jpg", make_jpeg(), "image/jpeg"))
    assert (checked.content_type, checked.extension) == ("image/jpeg", "jpg")
    assert len(checked.sha256) == 64 and checked.size == len(make_jpeg())


def test_a_name_without_extension_and_a_generic_type_are_fine():
    assert check_evidence_file(upload("scan", make_png())).content_type == "image/png"


def test_an_exe_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"
    assert "Only PDF, JPEG or PNG" in refused("certificate.pdf", exe, "application/pdf")


def test_html_renamed_pdf_is_refused():
    assert "Only PDF, JPEG or PNG" in refused("c.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")


def test_svg_with_script_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "Only PDF, JPEG or PNG" in refused("c.png", svg, "image/png")


def test_a_png_claiming_to_be_a_pdf_is_refused():
    assert "was sent as a PDF" in refused("c.png", make_png(), "application/pdf")
    assert "was sent as a PDF" in refused("c.pdf", make_png(), "image/png")


def test_png_header_followed_by_html_is_refused():
    data = make_png()[:16] + b"<html><body><script>alert(1)</script></body></html>"
    assert refused("c.png", data, "image/png")


def test_valid_png_with_html_appended_is_refused():
    assert refused("c.png", make_png() + b"<html><script>alert(1)</script></html>", "image/png")


def test_valid_images_with_an_archive_appended_are_refused():
    zip_tail = b"PK\x03\x04" + b"\x01" * 64
    assert "appended" in refused("c.png", make_png() + zip_tail, "image/png")
    assert "appended" in refused("c.jpg", make_jpeg() + zip_tail, "image/jpeg")


def test_truncated_pdf_is_refused():
    pdf = make_pdf()
    assert "cut short" in refused("c.pdf", pdf[: len(pdf) // 2], "application/pdf")


def test_pdf_that_does_not_parse_is_refused():
    assert "cannot be read" in refused("c.pdf", b"%PDF-1.7\n garbage garbage\n%%EOF\n", "application/pdf")


def test_truncated_jpeg_is_refused():
    jpeg = make_jpeg((64, 64))
    assert refused("c.jpg", jpeg[: len(jpeg) // 2] + b"\xff\xd9", "image/jpeg")


def test_empty_file_is_refused():
    assert "empty" in refused("c.pdf", b"", "application/pdf")


def test_ten_megabytes_plus_one_byte_is_refused_but_ten_megabytes_is_measured(settings):
    limit = settings.EVIDENCE_MAX_BYTES
    assert limit == 10 * 1024 * 1024
    big = make_pdf_of_size(limit + 1)
    assert "larger than 10 MB" in refused("c.pdf", big, "application/pdf")
    exact = make_pdf_of_size(limit)
    assert check_evidence_file(upload("c.pdf", exact, "application/pdf")).size == limit


def test_huge_image_dimensions_are_refused(monkeypatch):
    import credits.uploads

    monkeypatch.setattr(credits.uploads, "MAX_PIXELS", 100)
    assert "too large" in refused("c.png", make_png((20, 20)), "image/png")


def test_upload_handler_stops_storing_past_the_limit(rf, settings):
    from credits.uploads import EvidenceUploadHandler

    settings.EVIDENCE_MAX_BYTES = 1000
    handler = EvidenceUploadHandler(rf.post("/"))
    handler.new_file("file", "big.pdf", "application/pdf", 5000)
    for start in range(0, 5000, 500):
        handler.receive_data_chunk(b"x" * 500, start)
    stored = handler.file_complete(5000)
    stored.seek(0, 2)
    assert stored.tell() == 1001  # one byte past the limit, the rest discarded


HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/certifications/')</script></body></html>\n"


def _pdf(*, junk: bytes = b"", content: bytes = b"BT /F1 12 Tf 20 100 Td (Certificate) Tj ET") -> bytes:
    """A well-formed one-page PDF, written by hand so that `junk` sits between the header and the first
    object with every cross-reference offset right: nothing for a parser to repair, as an attacker makes it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + junk
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PADDING = b"%" + b"x" * 1024 + b"\n"


def test_the_hand_written_pdf_is_accepted_without_junk():
    assert check_evidence_file(upload("c.pdf", _pdf(), "application/pdf")).content_type == "application/pdf"


def test_a_pdf_with_html_after_its_first_kilobyte_is_refused():
    data = _pdf(junk=PADDING + HTML_PAGE)
    assert data.index(b"<html") > 1024 and data.startswith(b"%PDF-")
    assert "web-page markup" in refused("c.pdf", data, "application/pdf")


def test_a_pdf_header_with_padding_and_an_html_document_is_refused():
    data = b"%PDF-1.7\n%" + b"x" * 1024 + b"\n" + HTML_PAGE + b"%%EOF\n"
    assert refused("c.pdf", data, "application/pdf")


def test_markup_appended_after_the_end_of_a_pdf_is_refused():
    assert "web-page markup" in refused("c.pdf", make_pdf() + b"\n" + HTML_PAGE + b"%%EOF\n", "application/pdf")


def test_markup_inside_a_page_stream_is_the_document_and_is_accepted():
    # Past the first kilobyte, which is refused markup wherever it is (a sniffer reads no further).
    text = b"BT /F1 12 Tf 20 100 Td (How <html> and <script> tags work) Tj ET"
    data = _pdf(content=PADDING + text)
    assert data.index(b"<html") > 1024
    assert check_evidence_file(upload("c.pdf", data, "application/pdf")).content_type == "application/pdf"


def test_a_copy_of_a_stream_outside_every_stream_is_still_refused():
    # The same bytes as the page's stream, but between the objects: only the real stream's place is excused.
    content = PADDING + b"BT /F1 12 Tf 20 100 Td (<html> tags) Tj ET"
    data = _pdf(junk=PADDING + content + b"\n", content=content)
    assert "web-page markup" in refused("c.pdf", data, "application/pdf")
