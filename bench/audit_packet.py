"""Benchmark: an audit packet with 40 evidence files (20 JPEG/PNG, 20 PDFs of 1-3 pages).

Goal: renders in <= 10 s with peak memory <= 300 MB. Prints both (wall time; peak Python allocations
by tracemalloc; the process's peak resident size by getrusage). Works in a transaction that is
rolled back and a temporary MEDIA_ROOT: nothing is left behind.

Run: DJANGO_SETTINGS_MODULE=cectracker.settings.test DATABASE_URL=... .venv/bin/python bench/audit_packet.py"""

import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cectracker.settings.local")


def make_image(i: int, fmt: str = "JPEG", size=(2400, 1800)) -> bytes:
    """A photo-sized certificate image with some detail (so it compresses like a real one)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for y in range(0, size[1], 40):
        draw.line([(0, y), (size[0], (y * 7 + i * 13) % size[1])], fill=((y * 3) % 255, (i * 37) % 255, 120), width=3)
    draw.rectangle([100, 100, size[0] - 100, 400], outline=(20, 40, 90), width=8)
    draw.text((150, 200), f"Certificate of completion #{i}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def make_pdf(pages: int, label: str = "transcript") -> bytes:
    """A small PDF with `pages` text pages (rendered by WeasyPrint itself, network-free)."""
    from cectracker.pdf import html_to_pdf

    body = "".join(
        f'<section style="page-break-after: always"><h1>{label} page {n + 1}</h1>'
        f"<p>{'Course content. ' * 80}</p></section>"
        for n in range(pages)
    )
    return html_to_pdf(f"<html><body>{body}</body></html>")


def seed_audit(*, user, credential, images: int, pdfs: int, actor=None, phone_photos: bool = False):
    """A certification of `credential` with one activity per evidence file, a renewal and an open audit."""
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from audits.models import Audit
    from certifications.models import Renewal
    from certifications.services import certification_add
    from credits.models import Activity, Evidence

    certification = certification_add(
        actor=actor or user,
        user=user,
        credential=credential,
        certified_on=dt.date(2023, 3, 15),
        cpr_aed_valid_until=dt.date(2030, 1, 1),
    )
    cycle = certification.cycles.get()
    pdf_bodies = {n: make_pdf(n) for n in (1, 2, 3)}
    for i in range(images + pdfs):
        activity = Activity.objects.create(
            user=user,
            kind="approved_course",
            awarding_org=credential.organization.short_name,
            title=f"Course {i}",
            completed_on=cycle.start + dt.timedelta(days=10 + i),
            amount=Decimal("1"),
        )
        if i < images:
            fmt = "JPEG" if i % 2 == 0 or phone_photos else "PNG"
            size = (8000, 6000) if phone_photos else (2400, 1800)  # 48 megapixels: a phone's full-size photo
            data, ctype, name = make_image(i, fmt, size), f"image/{fmt.lower()}", f"certificate-{i}.{fmt.lower()}"
        else:
            data, ctype, name = pdf_bodies[1 + i % 3], "application/pdf", f"transcript-{i}.pdf"
        evidence = Evidence(activity=activity, original_name=name, content_type=ctype, size=len(data), sha256="0" * 64)
        evidence.file.save(name, ContentFile(data), save=False)
        evidence.save()
    renewal = Renewal.objects.create(cycle=cycle, submitted_by=user, earned=Decimal(images + pdfs))
    return Audit.objects.create(
        organization=credential.organization,
        renewal=renewal,
        cycle=cycle,
        user=user,
        due_on=dt.date.today() + dt.timedelta(days=30),
    )


def main() -> None:
    import argparse
    import logging
    import resource
    import tempfile
    import time
    import tracemalloc

    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django_scopes import scopes_disabled

    from accounts.models import User
    from audits.models import AuditPacket
    from audits.services import audit_packet_render
    from certifications.defaults import load_defaults
    from certifications.models import Credential

    class Rollback(Exception):
        pass

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phone-photos", action="store_true", help="the images are 48-megapixel JPEG photos")
    args = parser.parse_args()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cect-bench-")
    try:
        with transaction.atomic(), scopes_disabled():
            load_defaults()
            user = User.objects.create_user("bench-audit@example.com", "x", name="Bench Trainer")
            audit = seed_audit(
                user=user,
                credential=Credential.objects.get(code="ACSM-CPT"),
                images=20,
                pdfs=20,
                phone_photos=args.phone_photos,
            )
            logging.getLogger("weasyprint").setLevel(logging.WARNING)
            # Timed run first (tracemalloc slows allocation-heavy code), then a measured run for memory.
            packet = AuditPacket.objects.create(audit=audit)
            start = time.perf_counter()
            packet = audit_packet_render(packet_id=packet.pk)
            elapsed = time.perf_counter() - start
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            tracemalloc.start()
            audit_packet_render(packet_id=AuditPacket.objects.create(audit=audit).pk)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert packet.state == AuditPacket.DONE, packet.error
            photos = "48-megapixel JPEG photos" if args.phone_photos else "images"
            print(
                f"packet: 40 evidence files (20 {photos}, 20 PDFs) -> {packet.pages} pages, "
                f"{packet.file.size / 1e6:.1f} MB"
            )
            print(f"render time: {elapsed:.2f} s (goal <= 10 s)")
            print(f"peak Python memory (tracemalloc): {peak / 1e6:.0f} MB (goal <= 300 MB)")
            print(f"peak resident size of the process after the timed render: {rss:.0f} MB")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
