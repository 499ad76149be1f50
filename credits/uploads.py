"""Evidence upload checks: what a file is, decided by its content, never by its name or claimed type.

A file is accepted only when its magic bytes say PDF, JPEG or PNG (`filetype`) AND it parses as that
(pypdf and qpdf for PDFs, Pillow for images), with nothing hidden before or after the real document
nor, in a PDF, between its objects. The size is counted while streaming, so an oversized upload is
refused without ever being held in memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler

ACCEPTED = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
LABELS = {"pdf": "a PDF", "jpg": "a JPEG image", "png": "a PNG image"}
# What a name or a browser may claim, mapped to our kinds (a claim outside these is ignored).
_CLAIMED_EXTENSIONS = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".jpe": "jpg", ".png": "png"}
_CLAIMED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/pjpeg": "jpg", "image/png": "png"}
# Markup a browser or another tool might sniff: none of our document kinds starts with it.
_MARKUP = (b"<html", b"<script", b"<!doctype", b"<svg", b"<?xml", b"<?php", b"<body", b"<iframe")
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo fits; a decompression bomb does not
_STREAM_START = re.compile(rb"stream(?:\r\n|\n)")
_HEAD = 8192
_TAIL = 2048


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: its kind by content, size, digest and a safe extension for the stored name."""

    content_type: str
    extension: str
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def _fail(message: str) -> ValidationError:
    return ValidationError({"file": [message]}, code="invalid")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_evidence_file(upload) -> CheckedUpload:
    """Accept a PDF, JPEG or PNG of at most EVIDENCE_MAX_BYTES, checked by content; raise ValidationError on `file`."""
    limit = max_bytes()
    digest, size, head, tail = hashlib.sha256(), 0, b"", b""
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise _fail(f"This file is larger than {_mb(limit)}. Upload a smaller scan or photo.")
        digest.update(chunk)
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
        tail = (tail + chunk)[-_TAIL:]
    if size == 0:
        raise _fail("This file is empty. Choose the certificate or transcript file again.")

    guessed = filetype.guess(head)
    kind = guessed.extension if guessed is not None else None
    if kind not in ACCEPTED:
        raise _fail("Only PDF, JPEG or PNG files are accepted, and this file is none of them.")
    if any(marker in head[:1024].lower() for marker in _MARKUP):
        raise _fail("This file contains web-page markup next to the document; upload a plain PDF, JPEG or PNG.")
    _check_claims(upload, kind)

    upload.seek(0)
    if kind == "pdf":
        _check_pdf(upload, head, tail)
    else:
        _check_image(upload, kind, tail)
    upload.seek(0)
    return CheckedUpload(ACCEPTED[kind], kind, size, digest.hexdigest())


def _check_claims(upload, kind: str) -> None:
    """A name or browser type that names another accepted kind is a mismatch: refuse rather than guess."""
    name = getattr(upload, "name", "") or ""
    claimed_ext = _CLAIMED_EXTENSIONS.get(os.path.splitext(name)[1].lower())
    claimed_type = _CLAIMED_TYPES.get((getattr(upload, "content_type", "") or "").split(";")[0].strip().lower())
    for claim in (claimed_ext, claimed_type):
        if claim is not None and claim != kind:
            raise _fail(
                f"This file is {LABELS[kind]} but was sent as {LABELS[claim]}; the name or type does not match."
            )


def _check_pdf(upload, head: bytes, tail: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not head.startswith(b"%PDF-"):
        raise _fail("This PDF does not start like a PDF; upload the original file.")
    if b"%%EOF" not in tail:
        raise _fail("This PDF is incomplete (it was cut short); upload the whole file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(upload, strict=False)
            if reader.is_encrypted:
                raise _fail("This PDF is password-protected; upload a copy without a password.")
            if len(reader.pages) < 1:
                raise _fail("This PDF has no pages.")
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise _fail("This PDF cannot be read (it is damaged or not really a PDF).") from exc
    upload.seek(0)
    _check_pdf_structure(b"".join(upload.chunks()))


def _check_pdf_structure(data: bytes) -> None:
    """qpdf must open it too, and no web-page markup may sit outside its streams.

    pypdf reads almost anything (it rebuilds a broken cross-reference table by scanning), so a valid
    PDF with an HTML document pasted between its objects, past the first kilobyte checked above,
    passes it, and a browser or a mail scanner sniffing the bytes may take the file for a web page.
    Inside a stream markup is the document's own data (a page that quotes HTML, a compressed image),
    so only bytes outside every real stream are looked at."""
    import pikepdf

    from cectracker.pdfsafe import UnreadablePdf, open_pdf

    lowered = data.lower()
    try:
        with open_pdf(data) as pdf:
            if not any(marker in lowered for marker in _MARKUP):
                return  # the usual case: nothing to place, no stream data to read
            raws = [bytes(obj.read_raw_bytes()) for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
    except UnreadablePdf as exc:
        raise _fail("This PDF cannot be read (it is damaged or not really a PDF).") from exc
    inside = _stream_spans(data, raws)
    for marker in _MARKUP:
        start = lowered.find(marker)
        while start >= 0:
            if not any(begin <= start and start + len(marker) <= end for begin, end in inside):
                raise _fail("This file contains web-page markup next to the document; upload a plain PDF, JPEG or PNG.")
            start = lowered.find(marker, start + 1)


def _stream_spans(data: bytes, raws: list[bytes]) -> list[tuple[int, int]]:
    """Where the real streams' data lie: right after a `stream` keyword, bytes equal to a stream qpdf read.

    A copy of a stream's bytes elsewhere is only excused if it too follows a `stream` keyword; and
    markup excused that way is markup already accepted inside the real stream."""
    starts = [m.end() for m in _STREAM_START.finditer(data)]
    spans = []
    for raw in {r for r in raws if r}:
        spans.extend((at, at + len(raw)) for at in starts if data.startswith(raw, at))
    return spans


def _check_image(upload, kind: str, tail: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    stripped = tail.rstrip(b"\x00\r\n ")
    if kind == "png" and not stripped.endswith(b"IEND\xaeB`\x82"):
        raise _fail("This PNG is incomplete or has something appended after the image.")
    if kind == "jpg" and not stripped.endswith(b"\xff\xd9"):
        raise _fail("This JPEG is incomplete or has something appended after the image.")
    expected = "PNG" if kind == "png" else "JPEG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[expected]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _fail(f"This image is too large ({width}×{height} pixels); at most 50 megapixels.")
                image.verify()
            upload.seek(0)
            with Image.open(upload, formats=[expected]) as image:
                if kind == "jpg":
                    image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))  # decode small: less memory
                image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _fail("This image cannot be read (it is damaged or not really an image).") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _fail("This image cannot be read (it is damaged or cut short).") from exc


class EvidenceUploadHandler(TemporaryFileUploadHandler):
    """Spools uploads to disk and stops storing a file one byte past the limit (the rest is discarded),
    so a huge upload never fills memory or disk; `check_evidence_file` then refuses it by size."""

    limit: int | None = None  # bytes; None: the evidence limit

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.stored = 0

    def receive_data_chunk(self, raw_data, start):
        room = (self.limit or max_bytes()) + 1 - self.stored
        if room <= 0:
            return None
        data = raw_data[:room]
        self.stored += len(data)
        self.file.write(data)
        return None


def install_upload_handlers(request, *, limit: int | None = None) -> None:
    """Use the size-capped handler for this request (`limit` bytes, by default the evidence limit); call
    before request.POST/FILES is read."""
    handler = EvidenceUploadHandler(request)
    handler.limit = limit
    request.upload_handlers = [handler]


def content_length_too_big(request, *, limit: int | None = None, files: int = 1) -> bool:
    """A request body far above the limit (`limit` bytes, or the evidence limit, for each of `files` files) is
    refused before it is read at all."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > files * (limit or max_bytes()) + 1024 * 1024
