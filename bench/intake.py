"""How well and how fast certificates are read: per-field accuracy on PDFs and on photos, and files a minute.

Generates its own corpus: certificates in 8 layouts (provider styles, sans and serif fonts, portrait and
landscape, tables and prose, CPR cards), each with its true values, rendered to PDF with WeasyPrint; a share
of them is rasterized (pypdfium2) and turned into photos of a printed page with Pillow (rotation, blur,
shadow, sensor noise, JPEG compression). Then each file goes through the same reader as uploads
(`credits.intake.reader.document_text` and `credits.intake.fields.certificate_fields`) and every field is
compared with the truth (exact match after normalization: case, spaces, punctuation).

Run: .venv/bin/python bench/intake.py [--count 200] [--photos 0.25] [--seed 7] [--save DIR]
Needs no database and no network; photos need Tesseract (Debian's tesseract-ocr)."""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")

import django  # noqa: E402

django.setup()

from django.utils.html import escape  # noqa: E402

from credits.intake.fields import certificate_fields  # noqa: E402
from credits.intake.reader import document_text, ocr_available  # noqa: E402

FIELDS = ("provider", "title", "course_number", "completed_on", "amount", "participant")
FIRST = ["Tess", "Maria", "James", "Aiko", "Daniel", "Priya", "Oluwaseun", "Chloe", "Mateo", "Hannah", "Liam", "Zoe"]
LAST = ["Trainer", "Garcia", "O'Neill", "Nakamura", "Schmidt", "Patel", "Adeyemi", "Dubois", "Rossi", "Kowalski"]
SUBJECTS = [
    "Kettlebell Foundations",
    "Mobility for Desk Workers",
    "Resistance Training Program Design",
    "Nutrition Coaching Essentials",
    "Behavior Change Strategies",
    "Functional Movement Screening",
    "Balance and Fall Prevention",
    "Prenatal Exercise Guidelines",
    "Youth Athletic Development",
    "Metabolic Conditioning Methods",
    "Corrective Exercise Techniques",
    "Group Cycling Instruction",
]
PROVIDERS = ["Move Well Academy", "Strong Science Online", "Peak Performance Institute", "Coastal Fitness Education"]


@dataclass
class Certificate:
    layout: str
    provider: str
    title: str
    course_number: str
    completed_on: date
    amount: Decimal
    unit: str
    participant: str

    def truth(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "title": self.title,
            "course_number": self.course_number,
            "completed_on": self.completed_on.isoformat(),
            "amount": f"{self.amount} {self.unit}",
            "participant": self.participant,
        }


def _date_forms(day: date) -> list[str]:
    return [day.isoformat(), day.strftime("%m/%d/%Y"), day.strftime("%B %-d, %Y"), day.strftime("%-d %b %Y")]


def _css(size: str, font: str) -> str:
    return (
        f"@page {{ size: {size}; margin: 1.8cm; }} body {{ font-family: '{font}'; font-size: 13pt; color: #111; }}"
        " h1 { font-size: 26pt; margin: 0 0 .4cm; } .big { font-size: 20pt; font-weight: bold; margin: .2cm 0; }"
        " table { border-collapse: collapse; margin-top: .5cm; } td, th { border: 1px solid #444; padding: 6px 10px;"
        " text-align: left; } .page { page-break-after: always; } .sig { margin-top: 1.2cm; border-top: 1px solid #000;"
        " width: 7cm; padding-top: 4px; font-size: 10pt; } p { margin: .25cm 0; }"
    )


def _layout_ace_classic(c: Certificate, when: str) -> str:
    return (
        f"<h1>Certificate of Completion</h1><p>This certifies that</p><p class='big'>{escape(c.participant)}</p>"
        f"<p>has successfully completed</p><p class='big'>{escape(c.title)}</p>"
        f"<p>Course Number: {c.course_number}</p><p>Completion date: {when}</p>"
        f"<p>CECs: {c.amount}</p><p>Provider: {escape(c.provider)}</p>"
        "<p>Approved by the American Council on Exercise</p><div class='sig'>Education Director</div>"
    )


def _layout_table(c: Certificate, when: str) -> str:
    rows = [
        ("Participant", c.participant),
        ("Course title", c.title),
        ("Course number", c.course_number),
        ("Date completed", when),
        ("CECs awarded", str(c.amount)),
        ("Provider", c.provider),
    ]
    cells = "".join(f"<tr><th>{k}:</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<h1>{escape(c.provider)}</h1><p>Record of continuing education · ACE approved</p><table>{cells}</table>"


def _layout_prose(c: Certificate, when: str) -> str:
    return (
        f"<h1>{escape(c.provider)}</h1><p>This is to certify that {escape(c.participant)}</p>"
        f"<p>has completed the course {escape(c.title)} ({c.course_number})</p>"
        f"<p>on {when}, and is awarded {c.amount} CECs.</p><p>Provider: {escape(c.provider)}</p>"
        "<p>ACE approved continuing education.</p>"
    )


def _layout_acsm(c: Certificate, when: str) -> str:
    return (
        "<h1>ACSM Approved Provider</h1><p>Certificate awarded to</p>"
        f"<p class='big'>{escape(c.participant)}</p><p>Course title: {escape(c.title)}</p>"
        f"<p>Date of completion: {when}</p><p>Continuing Education Credits: {c.amount}</p>"
        f"<p>Presented by: {escape(c.provider)}</p><p>Certificate ID: {random.randint(100000, 999999)}</p>"
    )


def _layout_nasm(c: Certificate, when: str) -> str:
    return (
        f"<h1>{escape(c.provider)}</h1><p>Presented to: {escape(c.participant)}</p>"
        f"<p>For completing: {escape(c.title)}</p><p>Completed on {when}</p>"
        f"<p>{c.amount} CEUs approved by NASM</p><p>Provider: {escape(c.provider)}</p>"
    )


def _layout_contact_hours(c: Certificate, when: str) -> str:
    return (
        f"<table><tr><td><h1>Certificate</h1></td><td>Provider: {escape(c.provider)}</td></tr></table>"
        f"<p>Attendee name: {escape(c.participant)}</p><p>Program title: {escape(c.title)}</p>"
        f"<p>Contact hours: {c.amount}</p><p>Date: {when}</p><p>Recognized by the NSCA</p>"
    )


def _layout_serif_two_dates(c: Certificate, when: str) -> str:
    issued = (c.completed_on + timedelta(days=3)).strftime("%m/%d/%Y")
    return (
        f"<h1>Award of Achievement</h1><p>Issued to</p><p class='big'>{escape(c.participant)}</p>"
        f"<p>in recognition of completing</p><p class='big'>{escape(c.title)}</p>"
        f"<p>Course No. {c.course_number} · {c.amount} CECs</p><p>Completed: {when}</p>"
        f"<p>Issued on {issued} by {escape(c.provider)}</p><p>Offered by: {escape(c.provider)}</p>"
    )


def _layout_cpr(c: Certificate, when: str) -> str:
    valid = (c.completed_on + timedelta(days=730)).strftime("%m/%d/%Y")
    return (
        f"<h1>{escape(c.provider)}</h1><p>Course: {escape(c.title)}</p><p>Student name: {escape(c.participant)}</p>"
        f"<p>Completed {when}</p><p>Valid until {valid}</p><p>{c.amount} hours</p>"
    )


# name, builder, page size, font, unit, has an ACE course number, title choices
LAYOUTS = [
    ("ace-classic", _layout_ace_classic, "letter", "DejaVu Sans", "CECs", True, None),
    ("table-landscape", _layout_table, "letter landscape", "Liberation Sans", "CECs", True, None),
    ("prose", _layout_prose, "A4", "Liberation Serif", "CECs", True, None),
    ("acsm", _layout_acsm, "letter landscape", "DejaVu Serif", "CECs", False, None),
    ("nasm-ceu", _layout_nasm, "A4 landscape", "Liberation Sans", "CEUs", False, None),
    ("contact-hours", _layout_contact_hours, "letter", "DejaVu Sans", "hours", False, None),
    ("serif-two-dates", _layout_serif_two_dates, "A4", "Liberation Serif", "CECs", True, None),
    ("cpr-card", _layout_cpr, "A5 landscape", "DejaVu Sans", "hours", False, ["CPR/AED for Professionals"]),
]  # fmt: skip


def make_certificate(rng: random.Random, index: int) -> tuple[Certificate, str, str, str]:
    """One certificate's truth and its HTML body, page size and font."""
    name, build, size, font, unit, numbered, titles = LAYOUTS[index % len(LAYOUTS)]
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
    amount = {"CECs": Decimal(rng.choice(["0.2", "0.5", "0.7", "1.0", "1.5"])), "CEUs": Decimal("0.6"),
              "hours": Decimal(rng.choice(["2", "4", "6", "8"]))}[unit]  # fmt: skip
    if name == "acsm":
        amount = Decimal(rng.choice(["2", "4", "6", "10"]))
    number = f"{rng.choice(['CEP', 'CA', 'CS', 'CL', 'CP'])}{rng.randrange(10000, 999999):05d}" if numbered else ""
    cert = Certificate(
        layout=name,
        provider=rng.choice(PROVIDERS) if name != "cpr-card" else "American Heart Training Center",
        title=rng.choice(titles or SUBJECTS),
        course_number=number,
        completed_on=day,
        amount=amount,
        unit=unit,
        participant=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    )
    when = rng.choice(_date_forms(day))
    return cert, build(cert, when), size, font


def render_pdfs(certs: list[tuple[Certificate, str, str, str]]) -> list[bytes]:
    """Render the certificates, one PDF each; one WeasyPrint document per layout, split by page (fast)."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    out: list[bytes | None] = [None] * len(certs)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (_, _, size, font) in enumerate(certs):
        groups.setdefault((size, font), []).append(i)
    for (size, font), indexes in groups.items():
        body = "".join(f"<div class='page'>{certs[i][1]}</div>" for i in indexes)
        html = f"<html><head><style>{_css(size, font)}</style></head><body>{body}</body></html>"
        reader = PdfReader(io.BytesIO(HTML(string=html).write_pdf()))
        pages = [p for p in reader.pages if (p.extract_text() or "").strip()]
        for i, page in zip(indexes, pages, strict=True):
            writer = PdfWriter()
            writer.add_page(page)
            buffer = io.BytesIO()
            writer.write(buffer)
            out[i] = buffer.getvalue()
    return [data for data in out if data is not None]


def photograph(pdf: bytes, rng: random.Random) -> bytes:
    """A phone photo of the printed page: rotated a little, on a desk, blurred, shadowed, noisy, JPEG."""
    import pypdfium2
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    document = pypdfium2.PdfDocument(pdf)
    # A 12-megapixel phone photo of a page that fills most of the frame is about 300 dpi; 240 is on the low side.
    page = document[0].render(scale=240 / 72).to_pil().convert("RGB")
    document.close()
    margin = 160
    desk = Image.new("RGB", (page.width + 2 * margin, page.height + 2 * margin), (120, 100, 80))
    desk.paste(page, (margin, margin))
    photo = desk.rotate(rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC, fillcolor=(120, 100, 80))
    small = (photo.width // 8, photo.height // 8)  # drawn small and scaled up: a soft shadow costs little
    shadow = Image.new("L", small, 255)
    draw = ImageDraw.Draw(shadow)
    corner = rng.choice([(0, 0), (small[0], 0), (0, small[1]), small])
    radius = int(max(small) * rng.uniform(0.5, 0.8))
    for step in range(12):  # a soft shadow from one corner, down to about 60 % brightness
        r = radius - step * radius // 12
        draw.ellipse(
            [corner[0] - r, corner[1] - r, corner[0] + r, corner[1] + r], fill=int(255 - (step + 1) * 100 / 12)
        )
    shadow = shadow.filter(ImageFilter.GaussianBlur(radius=8)).resize(photo.size, Image.Resampling.BILINEAR)
    photo = ImageChops.multiply(photo, Image.merge("RGB", [shadow] * 3))
    photo = photo.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.8, 1.8)))
    noise = Image.effect_noise(photo.size, rng.uniform(8, 18)).convert("RGB")
    photo = Image.blend(photo, ImageChops.multiply(photo, noise.point(lambda v: min(255, v + 100))), 0.25)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=rng.randint(55, 80))
    return buffer.getvalue()


def normal(value: object) -> str:
    return re.sub(r"[^\w.]+", " ", str(value or "").casefold()).strip()


def read_fields(data: bytes, content_type: str) -> dict[str, str]:
    document = document_text(data, content_type)
    fields = certificate_fields(document.text, ocr=document.method == "ocr")
    number = fields.course_numbers[0].value if fields.course_numbers else ""
    ace = next((f.value for f in fields.course_numbers if re.fullmatch(r"(CEP|CP|CA|CS|CL)\d{5,6}", f.value)), number)
    return {
        "provider": fields.provider.value if fields.provider else "",
        "title": fields.title.value if fields.title else "",
        "course_number": ace if fields.course_numbers else "",
        "completed_on": fields.completed_on.value.isoformat() if fields.completed_on else "",
        "amount": f"{fields.amount.value} {fields.unit.value}" if fields.amount and fields.unit else "",
        "participant": fields.participant.value if fields.participant else "",
    }


def score(files: list[tuple[Certificate, bytes, str]], label: str, show_misses: int) -> None:
    right = {name: 0 for name in FIELDS}
    misses: list[str] = []
    started = time.perf_counter()
    for cert, data, content_type in files:
        try:
            found = read_fields(data, content_type)
        except Exception as exc:  # an unreadable file counts every field wrong
            found = {}
            misses.append(f"{cert.layout}: {type(exc).__name__}: {exc}")
        truth = cert.truth()
        for name in FIELDS:
            if normal(found.get(name)) == normal(truth[name]):
                right[name] += 1
            elif len(misses) < show_misses:
                misses.append(f"{cert.layout} {name}: read {found.get(name)!r}, truth {truth[name]!r}")
    elapsed = time.perf_counter() - started
    n = len(files)
    total = sum(right.values())
    print(f"\n{label}: {n} files, {elapsed:.1f} s, {n / elapsed * 60:.0f} files a minute")
    for name in FIELDS:
        print(f"  {name:<14} {right[name] / n:7.1%}")
    print(f"  {'all fields':<14} {total / (n * len(FIELDS)):7.1%}")
    for line in misses:
        print("   miss:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200, help="certificates in the corpus (default 200)")
    parser.add_argument("--photos", type=float, default=0.25, help="share of them photographed (default 0.25)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--misses", type=int, default=8, help="wrong fields to print per group")
    parser.add_argument("--save", help="also write the corpus into this folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    random.seed(args.seed)

    started = time.perf_counter()
    certs = [make_certificate(rng, i) for i in range(args.count)]
    pdfs = render_pdfs(certs)
    photo_count = int(args.count * args.photos) if ocr_available() else 0
    chosen = set(rng.sample(range(args.count), photo_count))
    pdf_files, photo_files = [], []
    for i, ((cert, *_), pdf) in enumerate(zip(certs, pdfs, strict=True)):
        if i in chosen:
            photo_files.append((cert, photograph(pdf, rng), "image/jpeg"))
        else:
            pdf_files.append((cert, pdf, "application/pdf"))
    layouts = len({cert.layout for cert, *_ in certs})
    print(f"corpus: {args.count} certificates in {layouts} layouts ({len(pdf_files)} PDFs with text, "
          f"{len(photo_files)} photos), made in {time.perf_counter() - started:.1f} s")  # fmt: skip
    if args.save:
        folder = Path(args.save)
        folder.mkdir(parents=True, exist_ok=True)
        for i, (cert, data, content_type) in enumerate(pdf_files + photo_files):
            suffix = "pdf" if content_type == "application/pdf" else "jpg"
            (folder / f"{i:03d}-{cert.layout}.{suffix}").write_bytes(data)
    if pdf_files:
        score(pdf_files, "PDFs with a text layer", args.misses)
    if photo_files:
        score(photo_files, "Photos of printed certificates (OCR)", args.misses)
    else:
        print("\nPhotos: skipped (Tesseract is not installed)")


if __name__ == "__main__":
    main()
