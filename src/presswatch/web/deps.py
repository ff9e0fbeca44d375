"""What a request handler needs, in one place: the app's Presswatch, the page renderer, who is asking and
what they may do, and the checked forms of a few path parts. Routers import this module, never `app.py`."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..api import MAX_ID, Presswatch
from ..digest import Period, period_of
from ..errors import LoginRequired, NotFound, PermissionDenied, UsageError
from ..users import User
from .security import SESSION_COOKIE, csrf_token


def pw_of(request: Request) -> Presswatch:
    """The Presswatch the app was made over."""
    pw: Presswatch = request.app.state.pw
    return pw


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page rendered on the server, with what every page needs: the user, the CSRF token, the mode."""
    templates: Jinja2Templates = request.app.state.templates
    context.update(user=current_user(request), csrf_token=csrf_token(request), public=request.app.state.public)
    return templates.TemplateResponse(request, template, context, status_code=status_code)


# ---- who is asking ---------------------------------------------------------------------------------


def current_user(request: Request) -> User | None:
    """The user of the session cookie, looked up once per request."""
    if not hasattr(request.state, "user"):
        request.state.user = pw_of(request).session_user(request.cookies.get(SESSION_COOKIE))
    user: User | None = request.state.user
    return user


def reader(request: Request) -> User | None:
    """Anyone in public mode; a logged-in user otherwise."""
    user = current_user(request)
    if user is None and not request.app.state.public:
        raise LoginRequired()
    return user


def editor(request: Request) -> User:
    """An editor or admin: the digest editor changes what gets sent."""
    user = current_user(request)
    if user is None:
        raise LoginRequired("editor")
    if not user.can("editor"):
        raise PermissionDenied("this needs the editor role; ask an admin")
    return user


def logged_in(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    return user


Reader = Annotated[User | None, Depends(reader)]
Editor = Annotated[User, Depends(editor)]
LoggedIn = Annotated[User, Depends(logged_in)]


# ---- path parts and links ----------------------------------------------------------------------------

# An id in a path: from 1 to the largest integer the store holds; anything else is 422 before the store is asked.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def story_path_id(story_id: str) -> int:
    """A story id in a path. Anything but a number from 1 to MAX_ID names no story: 404, as for one not stored."""
    digits = story_id.isascii() and story_id.isdigit() and len(story_id) <= len(str(MAX_ID))
    if not digits or not 0 < int(story_id) <= MAX_ID:
        raise NotFound(f"no story {story_id!r}; the stories are listed at /stories")
    return int(story_id)


StoryId = Annotated[int, Depends(story_path_id)]


def client_address(request: Request) -> str | None:
    """The address the request came from (behind a proxy: what uvicorn's --proxy-headers made of it)."""
    return request.client.host if request.client else None


def safe_next(target: str | None) -> str:
    """Only a path on this site: never a redirect to somewhere else after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/search"
    return target


def period_or_404(label: str) -> Period:
    try:
        return period_of(label)
    except (ValueError, UsageError) as exc:
        raise NotFound(f"{label!r} is not a period: {exc}") from None


def version_url(period: str, version: int, topic: str | None) -> str:
    """The one URL of a published digest version."""
    query = f"?{urlencode({'topic': topic})}" if topic else ""
    return f"/digests/{quote(period)}/v{version}{query}"
