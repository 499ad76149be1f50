"""The audit packet PDF: a cover page from `cycle_progress`, then one labelled page per page of evidence.

Every page is US Letter. Each evidence page opens with a label naming its activity (title, completion date,
amount applied) and the file, and the evidence fills the printable area below it, scaled to fit: images
are downscaled with Pillow into temporary files that WeasyPrint may read (and nothing else) and drawn to
the box's size; each page of a PDF is placed into the box of its labelled page by qpdf (pikepdf), after
the file is stripped of scripts, actions, attachments and forms (`cectracker.pdfsafe`): evidence stored
before uploads were cleaned still has them, and the packet is opened in a reviewer's PDF reader. Files
are read through the storage API; cleaned PDFs wait in the temporary folder, where qpdf reads them."""

import io
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.utils import timezone
from PIL import Image, ImageOps

from audits.selectors import DocumentRow, audit_documentation
from cectracker.pdf import render_pdf_with_anchors
from cectracker.pdfsafe import strip_active_content

MAX_IMAGE_SIDE = 1600  # pixels: a letter page at ~180 dpi; keeps packets and memory small

# The page layout, in points (1/72 in), shared by the template and the placing of PDF pages.
PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, 8.5 x 11 in
MARGIN = 36  # 0.5 in on every side
LABEL_HEIGHT = 54  # the label above the evidence
EVIDENCE_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - LABEL_HEIGHT - 6  # a little slack, so a page never spills over
# The evidence box in PDF coordinates (origin bottom left): right under the label, the full printable width.
EVIDENCE_BOX = pikepdf.Rectangle(
    MARGIN,
    PAGE_HEIGHT - MARGIN - LABEL_HEIGHT - EVIDENCE_HEIGHT,
    PAGE_WIDTH - MARGIN,
    PAGE_HEIGHT - MARGIN - LABEL_HEIGHT,
)


@dataclass(frozen=True)
class EvidencePage:
    """One page of evidence in the packet: the activity it documents, the file, which page of it."""

    row: DocumentRow
    evidence: object  # credits.models.Evidence
    number: int  # the page of the file, from 1
    pages: int  # the file's page count
    path: Path  # the downscaled image, or the cleaned PDF

    @property
    def anchor(self) -> str:
        return f"evidence-{self.evidence.pk}-{self.number}"

    @property
    def image_uri(self) -> str | None:
        return None if self.path.suffix == ".pdf" else self.path.resolve().as_uri()


def _downscale(data: bytes, target: Path) -> None:
    with Image.open(io.BytesIO(data)) as image:
        # A JPEG is decoded straight at 1/2, 1/4 or 1/8 scale, still at least the size it is drawn at: a
        # 48-megapixel phone photo (8000 x 6000) decodes at 2000 x 1500, not in full (11 s for a packet of them).
        # The size asked for is the fitted one: a square box would keep the short side at 1/2 scale.
        scale = MAX_IMAGE_SIDE / max(image.size)
        if scale < 1:
            image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
        image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        ImageOps.exif_transpose(image, in_place=True)  # a phone photo of a certificate stands the right way up
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(target, "JPEG", quality=80, optimize=True)


def _evidence_pages(rows: list[DocumentRow], folder: Path) -> list[EvidencePage]:
    """Every evidence page in the order of the activities, each file read once into `folder`."""
    pages = []
    for row in rows:
        for evidence in row.evidence:
            with evidence.file.open("rb") as fh:
                data = fh.read()
            if evidence.content_type == "application/pdf":
                path = folder / f"{evidence.pk}.pdf"
                path.write_bytes(strip_active_content(data=data))
                with pikepdf.open(path) as pdf:
                    count = len(pdf.pages)
                pages += [EvidencePage(row, evidence, n, count, path) for n in range(1, count + 1)]
            else:
                path = folder / f"{evidence.pk}.jpg"
                _downscale(data, path)
                pages.append(EvidencePage(row, evidence, 1, 1, path))
            del data
    return pages


def packet_pdf(*, audit) -> tuple[bytes, int]:
    """The packet's bytes and its page count."""
    documentation = audit_documentation(audit=audit)
    result = documentation.progress.result
    with tempfile.TemporaryDirectory(prefix="cect-packet-") as tmp:
        pages = _evidence_pages(documentation.rows, Path(tmp))
        cover, anchors = render_pdf_with_anchors(
            "audits/packet.html",
            {
                "audit": audit,
                "certification": documentation.progress.certification,
                "result": result,
                "rows": documentation.rows,
                "uncounted": documentation.uncounted,
                "missing": documentation.missing,
                "pages": pages,
                "layout": {"margin": MARGIN, "label": LABEL_HEIGHT, "evidence": EVIDENCE_HEIGHT},
                "generated_at": timezone.now(),
            },
            allowed_files=[p.path for p in pages if p.image_uri],
        )
        page_of = {anchor: index for index, names in enumerate(anchors) for anchor in names}
        with pikepdf.open(io.BytesIO(cover)) as packet, ExitStack() as sources:
            opened: dict[Path, pikepdf.Pdf] = {}
            for page in pages:
                if page.image_uri:
                    continue  # WeasyPrint drew it
                if page.path not in opened:
                    opened[page.path] = sources.enter_context(pikepdf.open(page.path))
                source = opened[page.path].pages[page.number - 1]
                # Scaled (up or down, aspect kept) into the box under its label; a rotated page stands upright.
                packet.pages[page_of[page.anchor]].add_overlay(source, EVIDENCE_BOX)
            out = io.BytesIO()
            packet.save(out)  # the sources stay open until here: qpdf copies their streams while writing
            return out.getvalue(), len(packet.pages)
