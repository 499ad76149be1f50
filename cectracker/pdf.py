"""HTML to PDF with WeasyPrint, never touching the network.

Every PDF we make (transcripts, audit packets) goes through `html_to_pdf`: WeasyPrint renders only
our own templates and may read only the local files the caller names (and our static files)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


class FetchRefused(ValueError):
    """WeasyPrint asked for something we did not allow."""


def _static_path(url: str) -> Path | None:
    prefix = settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    found = finders.find(url[len(prefix) :])
    return Path(found) if found else None


class SafeURLFetcher:
    """Build a WeasyPrint fetcher that serves only `allowed_files` (absolute paths) and static files."""

    def __new__(cls, allowed_files=()):
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        allowed = {str(Path(p).resolve()) for p in allowed_files}

        class _Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                path: Path | None = None
                if url.startswith("file://"):
                    candidate = str(Path(url[len("file://") :]).resolve())
                    path = Path(candidate) if candidate in allowed else None
                else:
                    path = _static_path(url)
                if path is None:
                    raise FetchRefused(f"refused to fetch {url[:80]!r}")
                return URLFetcherResponse(url, path.read_bytes())

        return _Fetcher(allowed_protocols=("file", "http", "https"))


def _html(html: str, allowed_files):
    from weasyprint import HTML

    return HTML(string=html, base_url=settings.STATIC_URL, url_fetcher=SafeURLFetcher(allowed_files))


def html_to_pdf(html: str, *, allowed_files=()) -> bytes:
    """Render `html` to PDF bytes; only `allowed_files` and static files may be loaded."""
    return _html(html, allowed_files).write_pdf()


def render_pdf_with_anchors(template_name: str, context: dict, *, allowed_files=()) -> tuple[bytes, list[set[str]]]:
    """Like `render_pdf`, with the element ids found on each page, so a caller can find a page again."""
    document = _html(render_to_string(template_name, context), allowed_files).render()
    return document.write_pdf(), [set(page.anchors) for page in document.pages]


def render_pdf(template_name: str, context: dict, *, allowed_files=()) -> bytes:
    """Render one of our templates to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context), allowed_files=allowed_files)
