"""Active content out of PDFs that others wrote: evidence is read by staff in their own PDF readers.

A trainer's PDF may carry JavaScript, actions that run on opening or on a page, launch commands,
embedded files, forms or rich media. None of it belongs in a certificate, and all of it would run
for the reviewer who opens the audit packet, so `strip_active_content` removes it when evidence is
stored and again when a packet is built (files stored before this existed are cleaned there).

Every object of the file is visited, not only the catalog and the pages: an action can hang from an
outline item, an annotation or another action's /Next, and a reader follows all of them. A file that
had any is written again by qpdf, which writes only the objects still reachable, so a removed script
is gone from the bytes, not merely unlinked."""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary

# Keys whose value is active content or leads to it, wherever they appear.
_ACTIVE_KEYS = (
    "/JS",  # a JavaScript action's script
    "/JavaScript",  # the document-level script name tree (in /Names)
    "/OpenAction",  # runs when the document opens
    "/AA",  # additional actions: on page open/close, on annotation and form events, on document events
    "/AcroForm",  # interactive forms (with their field scripts and calculations) and XFA
    "/XFA",
    "/EmbeddedFiles",  # attached files (in /Names)
    "/EF",  # a file specification's embedded file streams
    "/RichMediaContent",
    "/RichMediaSettings",
    "/Collection",  # a portfolio: a reader shows the embedded files instead of the document
    "/NeedsRendering",  # asks the reader to render the (removed) XFA form
)
# Annotations that exist only to run, play or carry something; links, highlights and notes stay.
_ACTIVE_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D", "/Widget"}
# Actions kept on links and outline items: moving inside the document, or a web address.
_SAFE_URI_SCHEMES = (b"http://", b"https://", b"mailto:")


class UnreadablePdf(ValueError):
    """The bytes do not open as a PDF (qpdf could not make sense of them)."""


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """Open PDF bytes with qpdf; raise UnreadablePdf when they are not a PDF at all."""
    try:
        return pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, OSError) as exc:
        raise UnreadablePdf(str(exc)) from exc


def strip_active_content(*, data: bytes) -> bytes:
    """The same document without scripts, actions, launch commands, embedded files, forms or rich media.

    A file with none of them is returned byte for byte: a trainer's certificate stays the file they sent
    (same digest), and only a file that had something to remove is written again."""
    with open_pdf(data) as pdf:
        removed = False
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if isinstance(annots, Array):
                kept = [a for a in annots if not _is_active_annotation(a)]
                if len(kept) != len(annots):
                    page.obj.Annots = Array(kept)
                    removed = True
        for obj in [pdf.trailer, *pdf.objects]:
            removed = _clean(obj) or removed
        if not removed:
            return data
        out = io.BytesIO()
        pdf.save(out)  # qpdf writes only reachable objects: what was unlinked above is left out
    return out.getvalue()


def _is_active_annotation(annot) -> bool:
    return isinstance(annot, Dictionary) and str(annot.get("/Subtype", "")) in _ACTIVE_ANNOTATIONS


def _clean(obj) -> bool:
    """Remove active keys from `obj` and the direct dictionaries and arrays inside it; True if any was.

    Indirect objects are each visited by the caller's loop over `pdf.objects`, so only direct ones are
    followed here (following references too would walk the whole file once per object)."""
    removed = False
    if isinstance(obj, (Dictionary, pikepdf.Stream)):
        for key in _ACTIVE_KEYS:
            if key in obj:
                del obj[key]
                removed = True
        if "/A" in obj and not _is_safe_action(obj["/A"]):
            del obj["/A"]
            removed = True
        if "/S" in obj and "/Next" in obj:
            del obj["/Next"]  # a chained action: the first may be harmless, the next not
            removed = True
        children = [obj[key] for key in obj.keys()]
    elif isinstance(obj, Array):
        children = list(obj)
    else:
        return False
    for child in children:
        if isinstance(child, (Dictionary, Array)) and not child.is_indirect:
            removed = _clean(child) or removed
    return removed


def _is_safe_action(action) -> bool:
    if not isinstance(action, Dictionary):
        return False
    kind = str(action.get("/S", ""))
    if kind == "/GoTo":
        return True
    if kind == "/URI":
        uri = action.get("/URI")
        return isinstance(uri, pikepdf.String) and bytes(uri).lower().startswith(_SAFE_URI_SCHEMES)
    return False
