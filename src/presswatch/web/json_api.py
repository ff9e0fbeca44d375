"""The JSON API under /api: the same readings as the pages, and the digest editor's actions.

Every error has one shape, {"error": {"code", "message", "details"}}: see `web/errors.py`.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from ..api import EXPORT_FORMATS, MAX_ID, plain_tree
from ..digest import DigestVersion, digest_dict
from ..errors import LoginRequired, NotFound, UsageError
from . import reading
from .deps import Editor, LoggedIn, PathId, Reader, StoryId, client_address, period_or_404, pw_of, version_url
from .errors import ERROR_RESPONSES, error_response
from .security import set_session_cookie


def _plain_times(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)  # FastAPI reads the parameters and the answer's type through the wrapper
    def answer(*args: Any, **kwargs: Any) -> Any:
        return plain_tree(endpoint(*args, **kwargs))

    return answer


class PlainTimesRoute(APIRoute):
    """A route whose answer has its date-times as ISO 8601 in UTC with a Z, as the CLI and the exports write them
    (FastAPI would write a stored UTC time without its zone)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _plain_times(endpoint), **kwargs)


router = APIRouter(prefix="/api", responses=ERROR_RESPONSES, route_class=PlainTimesRoute)


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


def search_form(
    q: Annotated[str, Query(description='words, "a phrase", prefix*, AND / OR / NOT; none: every article')] = "",
    language: Annotated[str, Query(description="only this language (ISO 639-1)")] = "",
    source: Annotated[str, Query(description="only this outlet")] = "",
    entity: Annotated[str, Query(description="only articles naming this watched entity (its id)")] = "",
    topic: Annotated[str, Query(description="only articles relevant to this watchlist topic (its id)")] = "",
    since: Annotated[str, Query(description="YYYY-MM-DD, included")] = "",
    until: Annotated[str, Query(description="YYYY-MM-DD, included")] = "",
    sort: Literal["relevance", "date"] = "relevance",
) -> reading.SearchForm:
    return reading.SearchForm(q, language, source, entity, topic, since, until, sort)


SearchQuery = Annotated[reading.SearchForm, Depends(search_form)]


@router.get("/search", tags=["articles"])
def search(
    request: Request,
    user: Reader,
    form: SearchQuery,
    page: Annotated[int, Query(ge=1, le=reading.MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = reading.PAGE_SIZE,
) -> dict[str, Any]:
    """Full-text search with filters: a page of results, each the earliest matching article of its group of
    copies and translations with the others in `copies`; `total` matching articles, `groups` results; `facets`
    (matches per language, source, entity) and `timeline` (per day and language) over every match; `export`
    links. Without `q`, every article the filters keep, newest first."""
    found, pages = reading.search(pw_of(request), form, page, size)
    here = {"q": form.q, **form.filters()}
    exports = {fmt: "/api/search/export?" + urlencode({**here, "format": fmt}) for fmt in EXPORT_FORMATS}
    exports["csv_excel"] = exports["csv"] + "&excel=true"
    return {**found.as_dict(form.filters()), "page": pages.page, "size": size, "export": exports}


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
SPOOL_BYTES = 8 * 1024 * 1024  # an export larger than this waits on disk, not in memory


@router.get("/search/export", tags=["articles"], response_class=Response)
def search_export(
    request: Request,
    user: Reader,
    form: SearchQuery,
    format: Literal["csv", "jsonl"] = "csv",
    excel: Annotated[bool, Query(description="CSV for spreadsheets: UTF-8 with a byte order mark")] = False,
) -> Response:
    """Every article the search matches (copies included), in its order, as CSV or JSONL with the fields of
    `presswatch export articles`; the count in the `X-Presswatch-Count` header."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline="")
    try:
        count = reading.export_search(pw_of(request), form, format, spool, excel)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    headers = {
        "content-disposition": f'attachment; filename="presswatch-search.{format}"',
        "x-presswatch-count": str(count),
    }
    chunks = iter(lambda: spool.read(64 * 1024), "")
    return StreamingResponse(
        chunks, media_type=EXPORT_TYPES[format], headers=headers, background=BackgroundTask(spool.close)
    )


@router.get("/articles/{article_id}", tags=["articles"])
def article(request: Request, article_id: PathId, user: Reader) -> dict[str, Any]:
    """One article: metadata, text, paragraph languages, versions, mentions and its story (`story_id`, null
    before `process`)."""
    found = reading.article(pw_of(request), article_id)
    return {**found["article"], "mentions": found["mentions"], "story_id": found["story_id"]}


@router.get("/articles/{article_id}/provenance", tags=["articles"])
def provenance(request: Request, article_id: PathId, user: Reader) -> dict[str, Any]:
    """The article's first publisher, its copies, partial copies (with passages) and translations."""
    found = reading.article(pw_of(request), article_id)
    if found["provenance"] is None:
        return {"computed": False, "message": "run `presswatch process` first", "links": []}
    return {"computed": True, **found["provenance"]}


@router.get("/stories", tags=["stories"])
def stories(
    request: Request,
    user: Reader,
    since: Annotated[str, Query(description="YYYY-MM-DD, included: stories active on or after it")] = "",
    until: Annotated[str, Query(description="YYYY-MM-DD, included: stories active on or before it")] = "",
    language: Annotated[str, Query(description="with an article in this language")] = "",
    outlet: Annotated[str, Query(description="with an article from this outlet (any case)")] = "",
    topic: Annotated[str, Query(description="with an article relevant to this watchlist topic (its id)")] = "",
    min_size: Annotated[int, Query(ge=1, le=MAX_ID, description="at least this many articles")] = 1,
    sort: Literal["recent", "size"] = "recent",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> dict[str, Any]:
    """Stories, latest activity first (or the largest first: `sort=size`), a page at a time; `total` counts
    every page."""
    form = reading.StoryForm(since, until, language, outlet, topic, min_size, sort)
    rows, has_next, total = reading.stories(pw_of(request), form, offset, limit)
    return {
        "filters": form.filters(),
        "total": total,
        "offset": offset,
        "limit": limit,
        "has_next": has_next,
        "stories": rows,
    }


@router.get("/stories/{story_id}", tags=["stories"])
def story(request: Request, story_id: StoryId, user: Reader) -> dict[str, Any]:
    """One story with its articles, oldest first (`is_copy` marks copies and partial copies), and the editors'
    edits of it (`edits`). 404 for an id that names no story, and for a story merged into another."""
    return reading.story(pw_of(request), story_id)


# ---- an editor's corrections to the stories: each is recorded (who, when) and kept by later `process` runs


class StoryMerge(BaseModel):
    story: int = Field(ge=1, le=MAX_ID, description="the story whose articles move into this one")


class StorySplit(BaseModel):
    articles: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=10_000)
    title: str | None = Field(default=None, max_length=1000, description="a name for the new story")


class StoryMove(BaseModel):
    article: int = Field(ge=1, le=MAX_ID, description="the article that moves into this story")


class StoryRename(BaseModel):
    title: str = Field(min_length=1, max_length=1000)


@router.post("/stories/{story_id}/merge", tags=["stories"])
def merge_stories(request: Request, story_id: StoryId, body: StoryMerge, user: Editor) -> dict[str, Any]:
    """Move every article of story `story` into this one (the other is left empty); this story."""
    pw_of(request).merge_stories(story_id, body.story, user.name)
    return reading.story(pw_of(request), story_id)


@router.post("/stories/{story_id}/split", tags=["stories"], status_code=201)
def split_story(request: Request, story_id: StoryId, body: StorySplit, user: Editor) -> dict[str, Any]:
    """Move the chosen articles of this story into a new story; the new story."""
    found = pw_of(request).split_story(story_id, body.articles, user.name, body.title)
    return reading.story(pw_of(request), found["id"])


@router.post("/stories/{story_id}/move", tags=["stories"])
def move_to_story(request: Request, story_id: StoryId, body: StoryMove, user: Editor) -> dict[str, Any]:
    """Move one article, from whatever story it is in, into this story; this story."""
    pw_of(request).move_article(body.article, story_id, user.name)
    return reading.story(pw_of(request), story_id)


@router.post("/stories/{story_id}/rename", tags=["stories"])
def rename_story(request: Request, story_id: StoryId, body: StoryRename, user: Editor) -> dict[str, Any]:
    """Give this story a name of the editor's own, kept however it grows; this story."""
    pw_of(request).rename_story(story_id, body.title, user.name)
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
    """The outlet copy network: who republished whom, how often, the median delay in hours; `origin_id` and
    `copier_id` name the outlets for `/api/sources/{id}` and `/api/copies/{origin_id}/{copier_id}`."""
    return pw_of(request).copies()


@router.get("/copies/{origin_id}/{copier_id}", tags=["provenance"])
def copy_links(request: Request, origin_id: PathId, copier_id: PathId, user: Reader) -> dict[str, Any]:
    """The copies behind one edge of the copy network: each copy by outlet `copier_id` with the article of
    outlet `origin_id` it copies (kind, score, delay in hours), oldest copy first. 404 for an unknown outlet."""
    return reading.copy_links(pw_of(request), origin_id, copier_id)


@router.get("/sources/{source_id}", tags=["sources"])
def outlet(
    request: Request,
    source_id: PathId,
    user: Reader,
    page: Annotated[int, Query(ge=1, le=reading.MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = reading.PAGE_SIZE,
) -> dict[str, Any]:
    """One outlet: its health, its languages and articles per day, whom it copies (`copies_from`) and who copies
    it (`copied_by`), the watched entities it names most, and a page of its articles, newest first."""
    return reading.outlet(pw_of(request), source_id, page, size)


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


class DigestChange(BaseModel):
    intro: str = Field(max_length=20_000)


@router.patch("/digests/{digest_id}", tags=["digests"])
def change_digest(request: Request, digest_id: PathId, change: DigestChange, user: Editor) -> dict[str, Any]:
    """Write a draft's editor's note, shown at the top of the issue (empty: none)."""
    pw_of(request).set_digest_intro(digest_id, change.intro)
    return {"digest_id": digest_id, "intro": change.intro.strip()}


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
