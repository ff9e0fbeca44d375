"""The web UI and JSON API: one FastAPI app over the same Python API the CLI uses."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..api import Presswatch
from ..digest.render import day, stamp
from ..errors import CsrfFailed, LoginRequired, NotFound, PresswatchError, UsageError
from ..users.accounts import signing_key
from .security import SecurityHeaders, check_csrf, csrf_token, current_user
from .views import snippet_pieces

log = logging.getLogger(__name__)
HERE = Path(__file__).parent

ERROR_CODES = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_request",
    500: "server_error",
}


def create_app(pw: Presswatch, public: bool = False) -> FastAPI:
    """The app over one store. `public`: pages and read-only API need no login (editing still does)."""
    app = FastAPI(
        title="presswatch",
        summary="Coverage of a contested topic across outlets and languages: search, provenance, digests.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads its script from a CDN: against our CSP, and we run offline
        redoc_url=None,
        dependencies=[Depends(check_csrf)],
    )
    app.state.pw = pw
    app.state.public = public
    with pw.store.begin() as conn:
        app.state.secret = signing_key(conn, "csrf")  # kept in the store: forms survive a restart
    app.state.templates = _templates()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _error_handlers(app)

    from . import editor, json_api, pages

    app.include_router(json_api.router)
    app.include_router(pages.router)
    app.include_router(editor.router)
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for every .html template
    templates.env.filters["day"] = day
    templates.env.filters["stamp"] = stamp
    templates.env.filters["pct"] = lambda x: f"{100 * (x or 0):.0f}%"
    templates.env.globals["snippet_pieces"] = snippet_pieces
    return templates


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page rendered on the server, with what every page needs: the user, the CSRF token, the mode."""
    templates: Jinja2Templates = request.app.state.templates
    context.update(user=current_user(request), csrf_token=csrf_token(request), public=request.app.state.public)
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, detail: Any = None) -> Response:
    """The one error shape of the API, {"error": {"status", "code", "message", "detail"}}; a page elsewhere."""
    if is_api(request):
        body = {"error": {"status": status, "code": ERROR_CODES.get(status, "error"), "message": message}}
        if detail is not None:
            body["error"]["detail"] = detail
        return JSONResponse(body, status_code=status)
    return page(request, "error.html", status_code=status, status=status, message=message)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if exc.forbidden:
            return error_response(request, 403, f"this needs the {exc.role} role; ask an admin")
        if is_api(request) or request.method != "GET":
            return error_response(request, 401, "log in first: POST /login, or open /login in a browser")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{_next(target)}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return error_response(request, 403, "the form is stale or came from elsewhere (CSRF check failed); reload it")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"where": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()]
        message = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
        return error_response(request, 422, message, problems)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(PresswatchError)
    async def failed(request: Request, exc: PresswatchError) -> Response:
        log.warning("request %s failed: %s", request.url.path, exc)
        return error_response(request, 500, str(exc))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # a bug of ours: the details go to the log, not to the client
        log.error("request %s crashed", request.url.path, exc_info=exc)
        return error_response(request, 500, "the server failed on this request; the log says why")


def _next(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})
