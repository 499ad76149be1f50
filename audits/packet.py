"""The audit packet PDF: a cover page from `cycle_progress`, then every evidence file.

Images are downscaled with Pillow into temporary files that WeasyPrint may read (and nothing else);
PDF evidence is appended page by page with pypdf, each file first stripped of scripts, actions,
attachments and forms (`cectracker.pdfsafe`): evidence stored before uploads were cleaned still has
them, and the packet is opened in a reviewer's PDF reader. Files are read through the storage API."""

import io
import tempfile
from pathlib import Path

from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter

from audits.selectors import audit_documentation
from cectracker.pdf import render_pdf
from cectracker.pdfsafe import strip_active_content

MAX_IMAGE_SIDE = 1600  # pixels: a letter page at ~180 dpi; keeps packets and memory small


def _downscale(data: bytes, target: Path) -> None:
    with Image.open(io.BytesIO(data)) as image:
        # A JPEG is decoded straight at 1/2, 1/4 or 1/8 scale (still at least the target size): a 48-megapixel
        # phone photo no longer decodes in full first (11 s for a packet of them).
        image.draft("RGB", (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(target, "JPEG", quality=80, optimize=True)


def packet_pdf(*, audit) -> tuple[bytes, int]:
    """The packet's bytes and its page count."""
    documentation = audit_documentation(audit=audit)
    result = documentation.progress.result
    with tempfile.TemporaryDirectory(prefix="cect-packet-") as tmp:
        images, pdfs, listed = [], [], []
        for row in documentation.rows:
            for evidence in row.evidence:
                if evidence.content_type == "application/pdf":
                    pdfs.append(evidence)  # read one at a time when appended: never all in memory
                    listed.append((row, evidence, "appended after the images"))
                else:
                    path = Path(tmp) / f"{evidence.pk}.jpg"
                    with evidence.file.open("rb") as fh:
                        _downscale(fh.read(), path)
                    images.append((row, evidence, path.resolve().as_uri()))
                    listed.append((row, evidence, "image page"))
        cover = render_pdf(
            "audits/packet.html",
            {
                "audit": audit,
                "certification": documentation.progress.certification,
                "result": result,
                "rows": documentation.rows,
                "uncounted": documentation.uncounted,
                "missing": documentation.missing,
                "listed": listed,
                "images": images,
                "generated_at": timezone.now(),
            },
            allowed_files=[Path(tmp) / f"{e.pk}.jpg" for _, e, _ in images],
        )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for evidence in pdfs:
        with evidence.file.open("rb") as fh:
            writer.append(PdfReader(io.BytesIO(strip_active_content(data=fh.read()))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)
