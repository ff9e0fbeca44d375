"""The web UI and JSON API: one FastAPI app over the same Python API the CLI uses."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..api import Presswatch
from ..digest.render import day, stamp
from . import alerts, apidocs, coordination_pages, curation, editor, json_api, pages
from .errors import add_error_handlers
from .security import SecurityHeaders, check_csrf
from .views import snippet_pieces

HERE = Path(__file__).parent


def create_app(pw: Presswatch, public: bool = False) -> FastAPI:
    """The app over one store. `public`: pages and read-only API need no login (editing still does)."""
    app = FastAPI(
        title="presswatch",
        summary="Coverage of a contested topic across outlets and languages: search, provenance, digests.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads its script from a CDN: against our CSP, and we run offline; see apidocs
        redoc_url=None,
        dependencies=[Depends(check_csrf)],
    )
    app.state.pw = pw
    app.state.public = public
    app.state.secret = pw.signing_key("csrf")  # kept in the store: forms survive a restart
    app.state.templates = _templates()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    add_error_handlers(app)
    app.include_router(json_api.router)
    app.include_router(coordination_pages.api)
    app.include_router(pages.router)
    app.include_router(coordination_pages.router)
    app.include_router(editor.router)
    app.include_router(curation.router)
    app.include_router(apidocs.router)  # /openapi.json and an offline /docs
    app.include_router(alerts.feed)  # /alerts/feed/{token}: an alert's Atom feed, no login
    app.include_router(alerts.api)
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for every .html template
    templates.env.filters["day"] = day
    templates.env.filters["stamp"] = stamp
    templates.env.filters["pct"] = lambda x: f"{100 * (x or 0):.0f}%"
    templates.env.globals["snippet_pieces"] = snippet_pieces
    return templates
