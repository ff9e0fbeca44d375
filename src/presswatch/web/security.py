"""The session cookie, CSRF tokens and the security headers of every response (who may do what: `deps`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from starlette.middleware.base import BaseHTTPMiddleware

from ..errors import CsrfFailed

SESSION_COOKIE = "pw_session"
CSRF_COOKIE = "pw_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Our pages load only our own CSS, JS and SVG charts; no inline script or style can run.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# A digest preview is the mail HTML, styled inline and shown in a frame of the editor; it runs no script.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'; base-uri 'none'"
)


def csrf_token(request: Request) -> str:
    """The token forms and scripts send back: an HMAC of this browser's CSRF cookie under the app's secret."""
    seed: str = request.state.csrf_seed
    secret: bytes = request.app.state.secret
    return hmac.new(secret, seed.encode(), hashlib.sha256).hexdigest()


async def check_csrf(request: Request) -> None:
    """Refuse a POST, PUT, PATCH or DELETE whose form field or header does not carry this browser's token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not request.cookies.get(CSRF_COOKIE) or not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise CsrfFailed()


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=14 * 24 * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


class SecurityHeaders(BaseHTTPMiddleware):
    """Every response: a Content-Security-Policy and its friends; every browser: a CSRF cookie."""

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        seed = request.cookies.get(CSRF_COOKIE)
        request.state.csrf_seed = seed or secrets.token_urlsafe(32)
        response = await call_next(request)
        response.headers.setdefault("content-security-policy", CSP)
        response.headers.setdefault("x-content-type-options", "nosniff")
        response.headers.setdefault("referrer-policy", "same-origin")
        response.headers.setdefault("cross-origin-opener-policy", "same-origin")
        if "frame-ancestors 'self'" not in response.headers["content-security-policy"]:
            response.headers.setdefault("x-frame-options", "DENY")
        if seed is None:
            response.set_cookie(
                CSRF_COOKIE,
                request.state.csrf_seed,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/",
            )
        return response
