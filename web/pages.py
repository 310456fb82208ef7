"""The templates, the page's language, and rendering a template into a cached response."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from web.caching import PAGE_CACHE, cached
from web.labels import ENUMS, label, text

Lang = Literal["zh", "en"]

HTML = "text/html; charset=utf-8"
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(label=label, enums=ENUMS)


def language(request: Request) -> Lang:
    """`?lang=en` or `?lang=zh` first, else the first language the browser prefers; Chinese by default."""
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        return "en" if asked == "en" else "zh"
    header = request.headers.get("accept-language", "")
    preferred = [part.split(";")[0].strip().lower() for part in header.split(",") if part.strip()]
    for tag in preferred:
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


def switched(request: Request, lang: Lang) -> str:
    """This page's address in the other language."""
    query = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    query.append(("lang", "zh" if lang == "en" else "en"))
    return request.url.path + "?" + urlencode(query)


def page(request: Request, template: str, *, status_code: int = 200, cache_control: str = PAGE_CACHE, **values: Any) -> Response:
    """Render `template` in the caller's language, with an ETag and `cache_control` (200 only)."""
    lang = language(request)
    values.update(lang=lang, t=lambda key: text(key, lang), switch_url=switched(request, lang))
    body = TEMPLATES.get_template(template).render(values).encode("utf-8")
    if status_code != 200:
        return Response(body, status_code=status_code, media_type=HTML, headers={"Cache-Control": "no-cache"})
    return cached(request, body, media_type=HTML, cache_control=cache_control)
