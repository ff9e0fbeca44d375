"""How an error reaches the client, in one place: one HTTP status per class of `presswatch.errors`, one JSON
shape for every error of the API, the error page for everything else.

The shape: {"error": {"code": "not_found", "message": "no article 999999", "details": null}}

status  code                 when
400     usage, config        UsageError, ConfigError: the request fits the API but cannot be carried out
                             (a bad date, an unknown filter, an item of a published digest)
401     login                LoginRequired (a page opened with GET redirects to /login instead)
403     permission, csrf     PermissionDenied (a role too weak), CsrfFailed (no or a wrong CSRF token)
429     throttled            TooManyAttempts: too many failed logins for the account or from the address; the
                             Retry-After header says in how many seconds to try again
404     not_found            NotFound, and a path no route answers
405     method_not_allowed   a route that does not take this method
422     invalid              the request does not fit the API's declared parameters (a path id that is not a
                             number, a page below 1, a body field missing): FastAPI's validation; `details`
                             lists {"where", "problem"} for each
503     store, timeout       StoreError: the store cannot be opened or migrated; QueryTimeout: a search ran
                             past `search_seconds` and was stopped
500     server               anything else: a generic message; the exception goes to the log
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    CsrfFailed,
    LoginRequired,
    NotFound,
    PermissionDenied,
    PresswatchError,
    QueryTimeout,
    StoreError,
    TooManyAttempts,
    UsageError,
)
from .deps import page

log = logging.getLogger(__name__)

# Looked up along the class's MRO, so a subclass (ConfigError, CsrfFailed) takes its parent's status.
STATUS: dict[type[PresswatchError], int] = {
    UsageError: 400,
    LoginRequired: 401,
    PermissionDenied: 403,
    NotFound: 404,
    TooManyAttempts: 429,
    StoreError: 503,
    QueryTimeout: 503,
}
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
INVALID = "invalid"  # FastAPI's request validation (422)
SERVER = "server"
ADVICE: dict[type[PresswatchError], str] = {
    LoginRequired: "log in first: POST /login, or open /login in a browser",
    CsrfFailed: "the form is stale or came from elsewhere (CSRF check failed); reload it",
}


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"], description="stable: one per kind of error")
    message: str = Field(description="what happened, to what, and what to do")
    details: Any = Field(default=None, description="for `invalid`: a list of {where, problem}")


class ErrorBody(BaseModel):
    """Every error of the API."""

    error: ErrorDetail


# For the OpenAPI schema of every API route.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 404, 422, 429, 503)
}


def is_api(request: Request) -> bool:
    """A request to the JSON API (`/api` itself too: a client's `..` can normalise a path to it)."""
    path = request.url.path
    return path == "/api" or path.startswith("/api/")


def status_of(exc: PresswatchError) -> int:
    """The HTTP status of one of our errors: that of its nearest class in STATUS, else 500."""
    return next((STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS), 500)


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The one error shape on /api/ routes; the error page elsewhere."""
    if is_api(request):
        body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
        return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)
    response = page(request, "error.html", status_code=status, status=status, message=message)
    response.headers.update(headers or {})
    return response


def _message(exc: PresswatchError) -> str:
    advice = next((ADVICE[cls] for cls in type(exc).__mro__ if cls in ADVICE), "")
    said = str(exc)
    return f"{said}; {advice}" if said and advice else said or advice or exc.code


async def presswatch_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PresswatchError)
    status = status_of(exc)
    if status == 401 and not is_api(request) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    if status >= 500:
        log.warning("request %s failed: %s", request.url.path, exc)
    headers = {"retry-after": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
    return error_response(request, status, exc.code, _message(exc), headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail)
    if exc.status_code == 404 and is_api(request):
        message = f"no API route at {request.url.path}; the routes are listed in /api/openapi.json"
    return error_response(request, exc.status_code, HTTP_CODES.get(exc.status_code, "http"), message, None, exc.headers)


async def invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [{"where": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()]
    message = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
    return error_response(request, 422, INVALID, message, problems)


async def server_error(request: Request, exc: Exception) -> Response:
    # a bug of ours: the details go to the log, not to the client
    log.error("request %s crashed", request.url.path, exc_info=exc)
    return error_response(request, 500, SERVER, "the server failed on this request; the log says why")


def add_error_handlers(app: FastAPI) -> None:
    """Every error, ours or FastAPI's, through the responses above."""
    app.add_exception_handler(PresswatchError, presswatch_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(Exception, server_error)
