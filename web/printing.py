"""A published version of a court's specially invited list as an A4 PDF for the notice board: the court, the
version, the date of publication, the digest, and the entries by panel, with extractable Chinese text
(reportlab's built-in CID font STSong-Light, which needs no font file)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schema.core.endpoint import RegistryGraphQL
from web.caching import IMMUTABLE_CACHE, cached
from web.labels import ENUMS, label, text
from web.pages import Lang, language
from web.profiles import not_found
from web.queries import VERSION, public

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=22, spaceAfter=4 * mm)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=12, leading=18, spaceBefore=5 * mm, spaceAfter=2 * mm)
GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("GRID", (0, 0), (-1, -1), 0.4, "#555555"),
    ("BACKGROUND", (0, 0), (-1, 0), "#e6e6e6"),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])
COLUMNS = (60 * mm, 30 * mm, 45 * mm, 40 * mm)


def cell(value: str) -> Paragraph:
    return Paragraph(escape(value), BODY)


def escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def by_panel(entries: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The entries under each of their panels, panels in the vocabulary's order; an entry may be under several."""
    return [(panel, found) for panel in ENUMS["Specialty"] if (found := [e for e in entries if panel in e["panels"]])]


def render(court: dict[str, Any], listed: dict[str, Any], lang: Lang) -> bytes:
    """The PDF's bytes; the same version renders to the same bytes (no creation time or random id inside)."""
    out = io.BytesIO()
    title = f"{court['name']} {text('invited_list', lang)}"
    document = SimpleDocTemplate(
        out, pagesize=A4, title=title, author=court["name"], invariant=True,
        leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
    )
    story: list[Any] = [
        Paragraph(escape(title), TITLE),
        Paragraph(f"{text('version', lang)}: {listed['version']}", BODY),
        Paragraph(f"{text('published_at', lang)}: {escape(str(listed['publishedAt']))}", BODY),
        Paragraph(f"{text('digest', lang)} (SHA-256): {listed['digest']}", BODY),
    ]
    header = [cell(text(key, lang)) for key in ("entries", "how", "through", "term")]
    for panel, entries in by_panel(listed["entries"]):
        story.append(Paragraph(f"{text('panel', lang)}: {escape(label('Specialty', panel, lang))}", HEADING))
        rows = [
            [cell(entry["name"]), cell(label("InvitedHow", entry["how"], lang)), cell(entry.get("throughName") or ""),
             cell(f"{entry['since']} – {entry['until']}")]
            for entry in entries
        ]
        table = Table([header, *rows], colWidths=COLUMNS, repeatRows=1)
        table.setStyle(GRID)
        story.append(table)
    if not listed["entries"]:
        story += [Spacer(1, 5 * mm), Paragraph(text("none", lang), BODY)]
    document.build(story)
    return out.getvalue()


def pdf_route(endpoint: RegistryGraphQL) -> Route:
    """`/courts/{court}/invited-list/{version}.pdf`, beside the CSV and the JSON; a version never changes, so it
    is cached for good."""

    async def printable(request: Request) -> Response:
        court_id, version = request.path_params["court"], request.path_params["version"]
        data = await public(endpoint, VERSION, court=court_id, version=version)
        if not data["node"] or data["invitedListVersion"] is None:
            return not_found(request)
        body = render(data["node"], data["invitedListVersion"], language(request))
        return cached(request, body, media_type="application/pdf", cache_control=IMMUTABLE_CACHE)

    return Route("/courts/{court}/invited-list/{version:int}.pdf", printable)
