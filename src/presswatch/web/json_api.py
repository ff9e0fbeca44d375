"""The JSON API under /api: the same readings as the pages, and the digest editor's actions.

Every error has one shape, {"error": {"code", "message", "details"}}: see `web/errors.py`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..api import MAX_ID
from ..digest import DigestVersion, digest_dict
from ..errors import LoginRequired, NotFound, UsageError
from . import reading
from .deps import Editor, LoggedIn, PathId, Reader, client_address, period_or_404, pw_of, version_url
from .errors import ERROR_RESPONSES, error_response
from .security import set_session_cookie

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


class Credentials(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=4096)


@router.post("/login", tags=["users"])
def login(request: Request, body: Credentials) -> Response:
    """Log in: sets the session cookie. 401 for a wrong name or password; 429, with Retry-After, after too many
    failures for the account or from the address. Needs the X-CSRF-Token header, as every change does."""
    pw = pw_of(request)
    token = pw.login(body.name, body.password, client_address(request))
    user = pw.session_user(token)
    if token is None or user is None:
        return error_response(request, 401, LoginRequired.code, "wrong name or password")
    response = JSONResponse({"name": user.name, "role": user.role})
    set_session_cookie(request, response, token)
    return response


@router.get("/me", tags=["users"])
def me(user: LoggedIn) -> dict[str, Any]:
    """The logged-in user."""
    return {"name": user.name, "role": user.role}


@router.get("/search", tags=["articles"])
def search(
    request: Request,
    user: Reader,
    q: str = "",
    language: str = "",
    source: str = "",
    entity: str = "",
    topic: str = "",
    since: Annotated[str, Query(description="YYYY-MM-DD, included")] = "",
    until: Annotated[str, Query(description="YYYY-MM-DD, included")] = "",
    sort: Literal["relevance", "date"] = "relevance",
    page: Annotated[int, Query(ge=1, le=reading.MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = reading.PAGE_SIZE,
) -> dict[str, Any]:
    """Full-text search (words, "phrases", prefix*, AND/OR/NOT) with filters; the newest articles without `q`."""
    form = reading.SearchForm(q, language, source, entity, topic, since, until, sort)
    rows, pages = reading.search(pw_of(request), form, page, size)
    return {"query": q, "filters": form.filters(), "page": pages.page, "has_next": pages.has_next, "results": rows}


@router.get("/articles/{article_id}", tags=["articles"])
def article(request: Request, article_id: PathId, user: Reader) -> dict[str, Any]:
    """One article: metadata, text, paragraph languages, versions and mentions."""
    found = reading.article(pw_of(request), article_id)
    return {**found["article"], "mentions": found["mentions"]}


@router.get("/articles/{article_id}/provenance", tags=["articles"])
def provenance(request: Request, article_id: PathId, user: Reader) -> dict[str, Any]:
    """The article's first publisher, its copies, partial copies (with passages) and translations."""
    found = reading.article(pw_of(request), article_id)
    if found["provenance"] is None:
        return {"computed": False, "message": "run `presswatch process` first", "links": []}
    return {"computed": True, **found["provenance"]}


@router.get("/stories", tags=["stories"])
def stories(request: Request, user: Reader, limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[dict[str, Any]]:
    """Stories, latest first."""
    return pw_of(request).stories(limit=limit)


@router.get("/stories/{story_id}", tags=["stories"])
def story(request: Request, story_id: PathId, user: Reader) -> dict[str, Any]:
    """One story with its articles, oldest first; `is_copy` marks copies and partial copies."""
    return reading.story(pw_of(request), story_id)


@router.get("/entities", tags=["entities"])
def entities(request: Request, user: Reader) -> list[dict[str, Any]]:
    """Watched entities with their mention counts per language."""
    return pw_of(request).entities()


@router.get("/entities/{entity_id}", tags=["entities"])
def entity(request: Request, entity_id: str, user: Reader) -> dict[str, Any]:
    """One entity: aliases, articles per day per language, top outlets, spellings seen."""
    return reading.entity(pw_of(request), entity_id)


@router.get("/sources", tags=["sources"])
def sources(request: Request, user: Reader) -> list[dict[str, Any]]:
    """Every source with its fetch health (status, last success, last error, error streak, polls)."""
    return reading.source_health(pw_of(request))


@router.get("/copies", tags=["provenance"])
def copies(request: Request, user: Reader) -> list[dict[str, Any]]:
    """The outlet copy network: who republished whom, how often, the median delay in hours."""
    return pw_of(request).copies()


# ---- saved searches ------------------------------------------------------------------------------


class SavedSearch(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    query: str = ""
    filters: dict[str, str] = Field(default_factory=dict)


@router.get("/saved-searches", tags=["users"])
def saved_searches(request: Request, user: LoggedIn) -> list[dict[str, Any]]:
    return pw_of(request).saved_searches(user)


@router.post("/saved-searches", tags=["users"], status_code=201)
def add_saved_search(request: Request, body: SavedSearch, user: LoggedIn) -> dict[str, Any]:
    """Save a search under a name (replacing one of the same name). Needs the X-CSRF-Token header."""
    unknown = sorted(set(body.filters) - set(reading.FILTERS))
    if unknown:
        raise UsageError(f"unknown filters {unknown}; use {', '.join(reading.FILTERS)}")
    form = reading.SearchForm(body.query, **body.filters).checked()
    search_id = pw_of(request).save_search(user, body.name, form.q, form.filters())
    return {"id": search_id, "name": body.name}


@router.delete("/saved-searches/{search_id}", tags=["users"], status_code=204)
def remove_saved_search(request: Request, search_id: PathId, user: LoggedIn) -> None:
    if not pw_of(request).delete_search(user, search_id):
        raise NotFound(f"you have no saved search {search_id}")


# ---- digests ---------------------------------------------------------------------------------------


def _version(v: DigestVersion) -> dict[str, Any]:
    found = {k: getattr(v, k) for k in ("digest_id", "period", "topic", "version", "status", "title", "items")}
    found.update(created_at=v.created_at, published_at=v.published_at)
    if v.version > 0:
        found["url"] = version_url(v.period, v.version, v.topic)
    return found


@router.get("/digests/{period}", tags=["digests"])
def digest_versions(request: Request, period: str, user: Reader, topic: str | None = None) -> list[dict[str, Any]]:
    """The draft (version 0, when opened) and the published versions of a period, oldest first."""
    return [_version(v) for v in pw_of(request).digest_versions(period_or_404(period), topic)]


@router.get("/digests/{period}/v{version}", tags=["digests"])
def digest_version(request: Request, period: str, version: PathId, user: Reader, topic: str | None = None) -> Any:
    """A published version, as the digest JSON (schema presswatch.digest/1)."""
    return digest_dict(pw_of(request).published_version(period_or_404(period), version, topic))


@router.post("/digests/{period}/draft", tags=["digests"])
def digest_draft(request: Request, period: str, user: Editor, topic: str | None = None) -> dict[str, Any]:
    """Open the period's draft (built from the stories the first time), with every item and its item_id."""
    draft = pw_of(request).open_draft(period_or_404(period), topic)
    body = digest_dict(draft)
    body["digest_id"] = draft.digest_id
    body["all_items"] = [
        {"item_id": i.item_id, "title": i.title, "summary": i.summary, "language": i.language, "included": i.included}
        for i in draft.items
    ]
    return body


class ItemChange(BaseModel):
    included: bool | None = None
    title: str | None = Field(default=None, min_length=1)
    summary: str | None = None


@router.patch("/digest-items/{item_id}", tags=["digests"])
def change_item(request: Request, item_id: PathId, change: ItemChange, user: Editor) -> dict[str, Any]:
    """Include or exclude a draft's item, or edit its title or summary."""
    pw_of(request).edit_digest_item(item_id, change.included, change.title, change.summary)
    return {"item_id": item_id, "changed": change.model_dump(exclude_none=True)}


class ItemOrder(BaseModel):
    items: list[Annotated[int, Field(ge=1, le=MAX_ID)]]


@router.put("/digests/{digest_id}/order", tags=["digests"])
def order_items(request: Request, digest_id: PathId, order: ItemOrder, user: Editor) -> dict[str, Any]:
    """Put a draft's items in this order (items not named keep their order after them)."""
    items = pw_of(request).reorder_digest(digest_id, order.items)
    return {"digest_id": digest_id, "items": items}


@router.post("/digests/{period}/publish", tags=["digests"], status_code=201)
def publish_digest(request: Request, period: str, user: Editor, topic: str | None = None) -> dict[str, Any]:
    """Copy the draft into a new immutable version; returns its number and URL."""
    found = period_or_404(period)
    version = pw_of(request).publish_digest(found, topic)
    return {"period": found.label, "topic": topic, "version": version, "url": version_url(found.label, version, topic)}
