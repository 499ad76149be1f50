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
