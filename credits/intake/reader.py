"""A certificate's text: a PDF's text layer (pypdf), or OCR (Tesseract through pytesseract) of an image or a
scanned PDF's pages (rendered with pypdfium2). No ORM, no storage: bytes in, text out, within the limits."""

from __future__ import annotations

import io
import re
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache

MAX_PAGES = 20
from credits.uploads import MAX_PIXELS  # noqa: E402  (the upload checks' limit, applied to rendered pages too)

READ_SECONDS = 30
OCR_DPI = 200
# Fewer letters than this on every page: the PDF is a scan (or a photo saved as PDF) and needs OCR.
_MIN_TEXT_LAYER = 40
_WORD_CHARS = re.compile(r"\w")


class Unreadable(Exception):
    """The file cannot be read within the limits; the message says why, in the trainer's words."""


@dataclass(frozen=True)
class DocumentText:
    text: str
    method: str  # "text" (a PDF's text layer) or "ocr"
    pages: int


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Whether Tesseract can be run here (Debian's tesseract-ocr); without it only PDFs with text are read."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except Exception:  # not installed, not on PATH, or not runnable: all mean "no image reading"
        return False
    return True


NO_OCR = "Image reading is unavailable on this server (Tesseract is not installed): fill in the fields yourself."


class _Clock:
    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds

    def left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Unreadable(
                f"Reading this file took longer than {self.seconds:.0f} seconds; fill in the fields yourself."
            )
        return left


def document_text(data: bytes, content_type: str, *, seconds: float = READ_SECONDS) -> DocumentText:
    """The text of a PDF, JPEG or PNG (already checked by credits.uploads), or Unreadable with the reason."""
    clock = _Clock(seconds)
    if content_type == "application/pdf":
        return _pdf_text(data, clock)
    return DocumentText(_image_text(data, clock), "ocr", 1)


def _pdf_text(data: bytes, clock: _Clock) -> DocumentText:
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise Unreadable(
                f"This PDF has {pages} pages; at most {MAX_PAGES} are read. Upload the certificate's pages only."
            )
        texts = []
        for page in reader.pages:
            clock.left()
            texts.append(page.extract_text() or "")
    text = "\n".join(texts)
    if len(_WORD_CHARS.findall(text)) >= _MIN_TEXT_LAYER:
        return DocumentText(text, "text", pages)
    if not ocr_available():
        raise Unreadable("This PDF is a scan without text. " + NO_OCR)
    return DocumentText(_scanned_pdf_text(data, pages, clock), "ocr", pages)


def _scanned_pdf_text(data: bytes, pages: int, clock: _Clock) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        sizes = [document[i].get_size() for i in range(pages)]
        points = sum(width * height for width, height in sizes)
        # Render at OCR_DPI, or lower so that all pages together stay within the pixel limit.
        scale = min(OCR_DPI / 72, (MAX_PIXELS / max(points, 1)) ** 0.5)
        if scale < 100 / 72:
            raise Unreadable("This PDF's pages are too large to read (more than 50 megapixels at 100 dpi).")
        texts = []
        for i in range(pages):
            clock.left()
            image = document[i].render(scale=scale).to_pil()
            texts.append(_ocr(image, clock))
    finally:
        document.close()
    return "\n".join(texts)


def _image_text(data: bytes, clock: _Clock) -> str:
    from PIL import Image, ImageOps

    if not ocr_available():
        raise Unreadable(NO_OCR)
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise Unreadable(f"This image is too large ({width}×{height} pixels); at most 50 megapixels are read.")
        image = ImageOps.exif_transpose(image)  # phones store "rotate me" instead of rotating
        return _ocr(image, clock)


def _ocr(image, clock: _Clock) -> str:
    """Tesseract on a cleaned grayscale copy: the paper's brightness divided out, so shadows go."""
    import pytesseract

    try:
        return pytesseract.image_to_string(_cleaned(image), config="--psm 3", timeout=clock.left())
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" in str(exc).lower():
            raise Unreadable(
                f"Reading this file took longer than {clock.seconds:.0f} seconds; fill in the fields yourself."
            ) from exc
        raise


def _cleaned(image):
    from PIL import Image, ImageChops, ImageFilter, ImageOps

    gray = image.convert("L")
    if gray.width < 1600:  # small photos: Tesseract reads letters about 30 px high best
        gray = gray.resize((1600, int(gray.height * 1600 / gray.width)))
    # The paper's brightness without the ink: at 1/8 scale, a max filter wipes out letters (bold headings
    # too, which a plain blur would hollow out), a blur smooths the rest; divided out, shadows go.
    small = gray.resize((max(gray.width // 8, 1), max(gray.height // 8, 1)), Image.Resampling.BOX)
    small = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(radius=4))
    background = small.resize(gray.size, Image.Resampling.BILINEAR)
    flat = ImageOps.autocontrast(ImageOps.invert(ImageChops.subtract(background, gray)), cutoff=1)
    return flat
