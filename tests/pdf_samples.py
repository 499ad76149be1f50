"""PDFs with active content, written with pikepdf the way an attacker's tool would, and a finder for it.

Each kind is separate so a test can show that each one is removed, not only all of them together."""

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String

KINDS = (
    "open_action",
    "page_aa",
    "javascript_names",
    "launch",
    "embedded_files",
    "file_attachment",
    "acroform",
    "xfa",
    "rich_media",
    "outline_js",
)
# What must not be left anywhere in a cleaned file: keys, annotation subtypes and action types.
ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/OpenAction",
    "/AA",
    "/AcroForm",
    "/XFA",
    "/EmbeddedFiles",
    "/EF",
    "/RichMediaContent",
}
ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Widget"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}
TEXT = "Certificate of completion"


def active_pdf(kinds=KINDS) -> bytes:
    """A one-page PDF with a line of text and the given kinds of active content."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 200))
    page = pdf.pages[0].obj
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    page.Resources = Dictionary(Font=Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 12 Tf 20 100 Td ({TEXT}) Tj ET".encode())
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('opened')")))
    annots, names = [], Dictionary()

    def filespec(name):
        return Dictionary(Type=Name.Filespec, F=String(name), EF=Dictionary(F=pdf.make_stream(b"MZ\x90\x00")))

    rect = Array([10, 10, 60, 60])
    if "open_action" in kinds:
        pdf.Root.OpenAction = script
    if "page_aa" in kinds:
        page.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.alert('page')")))
    if "javascript_names" in kinds:
        names.JavaScript = Dictionary(Names=Array([String("init"), script]))
    if "launch" in kinds:
        launch = Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe")))
        annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect, A=launch))
    if "embedded_files" in kinds:
        names.EmbeddedFiles = Dictionary(Names=Array([String("payload.exe"), filespec("payload.exe")]))
    if "file_attachment" in kinds:
        annots.append(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=rect, FS=filespec("a.exe")))
    if "acroform" in kinds or "xfa" in kinds:
        widget = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Widget,
                FT=Name.Tx,
                T=String("name"),
                Rect=rect,
                AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String("event.value = 1"))),
            )
        )
        annots.append(widget)
        form = Dictionary(Fields=Array([widget]))
        if "xfa" in kinds:
            form.XFA = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
        pdf.Root.AcroForm = form
    if "rich_media" in kinds:
        annots.append(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.RichMedia,
                Rect=rect,
                RichMediaContent=Dictionary(Assets=Dictionary(Names=Array([String("m.swf"), filespec("m.swf")]))),
            )
        )
    if "outline_js" in kinds:
        item = pdf.make_indirect(
            Dictionary(Title=String("Start"), A=Dictionary(S=Name.JavaScript, JS=String("app.alert('outline')")))
        )
        outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=item, Last=item, Count=1))
        item.Parent = outlines
        pdf.Root.Outlines = outlines
    if annots:
        page.Annots = Array([pdf.make_indirect(a) for a in annots])
    if len(names):
        pdf.Root.Names = names
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def active_content(data: bytes) -> set[str]:
    """Every active key, annotation subtype and action type found in any object of the file."""
    found = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in [pdf.trailer, *pdf.objects]:
            _walk(obj, found)
    return found


def _walk(obj, found) -> None:
    if isinstance(obj, (Dictionary, pikepdf.Stream)):
        found.update(key for key in obj.keys() if key in ACTIVE_KEYS)
        for key in ("/Subtype", "/S"):
            value = str(obj.get(key, ""))
            if value in ACTIVE_SUBTYPES | ACTIVE_ACTIONS:
                found.add(value)
        children = [obj[key] for key in obj.keys()]
    elif isinstance(obj, Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, (Dictionary, Array)) and not child.is_indirect:
            _walk(child, found)
