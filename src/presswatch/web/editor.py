"""The digest editor (editors and admins): open a period's draft, include, exclude, reorder and edit its items,
preview it, publish it as an immutable version with its own URL, and read earlier versions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from ..digest import (
    Digest,
    DigestVersion,
    edit_item,
    list_versions,
    load_digest,
    open_draft,
    period_of,
    publish,
    render_html,
    reorder,
    set_included,
)
from ..digest.model import Period
from ..errors import NotFound, UsageError
from ..extract.dates import week_of
from ..store.queries import newest_published
from ..users.accounts import User
from .app import page
from .pages import pw_of, safe_next
from .security import PREVIEW_CSP, editor, reader

router = APIRouter(include_in_schema=False)
Editor = Annotated[User, Depends(editor)]
Reader = Annotated[User | None, Depends(reader)]


def period_or_404(label: str) -> Period:
    try:
        return period_of(label)
    except (ValueError, UsageError) as exc:
        raise NotFound(f"{label!r} is not a period: {exc}") from None


def editor_url(period: Period, topic: str | None, anchor: str = "") -> str:
    query = f"?{urlencode({'topic': topic})}" if topic else ""
    return f"/editor/{quote(period.label)}{query}{anchor}"


def version_url(period: str, version: int, topic: str | None) -> str:
    query = f"?{urlencode({'topic': topic})}" if topic else ""
    return f"/digests/{quote(period)}/v{version}{query}"


def versions_of(conn: Connection, period: Period, topic: str | None) -> tuple[Digest | None, list[DigestVersion]]:
    """The period's draft (None before it is opened) and its published versions, newest first."""
    versions = list_versions(conn, period, topic)
    draft = next((load_digest(conn, v.digest_id) for v in versions if v.version == 0), None)
    return draft, sorted((v for v in versions if v.version > 0), key=lambda v: -v.version)


@router.get("/editor")
def editor_index(request: Request, user: Editor) -> Response:
    pw = pw_of(request)
    with pw.store.connect() as conn:
        newest = newest_published(conn)
    return page(
        request,
        "editor_index.html",
        week=week_of(newest) if newest else "",
        topics=[(t.id, t.name) for t in pw.watchlist().topics],
    )


@router.post("/editor/open")
def editor_open(
    request: Request, user: Editor, week: Annotated[str, Form()], topic: Annotated[str, Form()] = ""
) -> Response:
    period = period_or_404(week.strip())
    with pw_of(request).store.begin() as conn:
        open_draft(conn, period, topic or None)
    return RedirectResponse(editor_url(period, topic or None), status_code=303)


@router.get("/editor/{label}")
def editor_page(request: Request, label: str, user: Editor, topic: str | None = None) -> Response:
    period = period_or_404(label)
    with pw_of(request).store.connect() as conn:
        draft, published = versions_of(conn, period, topic)
    return page(
        request,
        "editor.html",
        period=period,
        topic=topic,
        draft=draft,
        published=published,
        here=editor_url(period, topic),
        version_url=lambda v: version_url(v.period, v.version, v.topic),
        preview_url=f"/editor/{quote(period.label)}/preview" + (f"?{urlencode({'topic': topic})}" if topic else ""),
    )


@router.get("/editor/{label}/preview")
def editor_preview(request: Request, label: str, user: Editor, topic: str | None = None) -> Response:
    period = period_or_404(label)
    with pw_of(request).store.connect() as conn:
        draft, _ = versions_of(conn, period, topic)
    if draft is None:
        raise NotFound(f"there is no draft for {period.label} yet; open it first")
    return HTMLResponse(render_html(draft), headers={"content-security-policy": PREVIEW_CSP})


@router.post("/editor/items/{item_id}/include")
def item_include(
    request: Request, item_id: int, user: Editor, included: Annotated[str, Form()], back: Annotated[str, Form()]
) -> Response:
    with pw_of(request).store.begin() as conn:
        set_included(conn, item_id, included == "1")
    return RedirectResponse(f"{safe_next(back)}#item-{item_id}", status_code=303)


@router.post("/editor/items/{item_id}/edit")
def item_edit(
    request: Request,
    item_id: int,
    user: Editor,
    title: Annotated[str, Form()],
    summary: Annotated[str, Form()],
    back: Annotated[str, Form()],
) -> Response:
    if not title.strip():
        raise UsageError("an item needs a title")
    with pw_of(request).store.begin() as conn:
        edit_item(conn, item_id, summary=summary.strip(), title=title.strip())
    return RedirectResponse(f"{safe_next(back)}#item-{item_id}", status_code=303)


@router.post("/editor/digests/{digest_id}/move")
def item_move(
    request: Request,
    digest_id: int,
    user: Editor,
    item: Annotated[int, Form()],
    direction: Annotated[str, Form()],
    back: Annotated[str, Form()],
) -> Response:
    """Move one item up or down: the buttons that do what dragging does, without JavaScript."""
    with pw_of(request).store.begin() as conn:
        order = [i.item_id for i in load_digest(conn, digest_id).items if i.item_id is not None]
        if item not in order:
            raise NotFound(f"item {item} is not in digest {digest_id}")
        at = order.index(item)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
            reorder(conn, digest_id, order)
    return RedirectResponse(f"{safe_next(back)}#item-{item}", status_code=303)


@router.post("/editor/digests/{digest_id}/order")
def items_order(
    request: Request, digest_id: int, user: Editor, order: Annotated[str, Form()], back: Annotated[str, Form()]
) -> Response:
    """A whole new order, as the drag-and-drop script sends it: item ids separated by commas."""
    try:
        ids = [int(part) for part in order.split(",") if part.strip()]
    except ValueError:
        raise UsageError(f"order must be item ids separated by commas, not {order!r}") from None
    with pw_of(request).store.begin() as conn:
        reorder(conn, digest_id, ids)
    return RedirectResponse(safe_next(back), status_code=303)


@router.post("/editor/{label}/publish")
def editor_publish(request: Request, label: str, user: Editor, topic: Annotated[str, Form()] = "") -> Response:
    period = period_or_404(label)
    with pw_of(request).store.begin() as conn:
        version = publish(conn, period, topic or None)
    return RedirectResponse(version_url(period.label, version, topic or None), status_code=303)


@router.post("/editor/{label}/rebuild")
def editor_rebuild(request: Request, label: str, user: Editor, topic: Annotated[str, Form()] = "") -> Response:
    """Build the draft again from the current stories: edits to the draft are replaced."""
    period = period_or_404(label)
    pw_of(request).build_digest(period, topic or None)
    return RedirectResponse(editor_url(period, topic or None), status_code=303)


# ---- published versions: one URL each, never changed ------------------------------------------


@router.get("/digests")
def digests_index(request: Request, user: Reader) -> Response:
    from ..digest import published_digests

    with pw_of(request).store.connect() as conn:
        found = published_digests(conn)
    return page(request, "digests.html", digests=found, version_url=version_url)


@router.get("/digests/{label}/v{version}")
def digest_version(request: Request, label: str, version: int, user: Reader, topic: str | None = None) -> Response:
    period = period_or_404(label)
    with pw_of(request).store.connect() as conn:
        found = next((v for v in list_versions(conn, period, topic) if v.version == version and version > 0), None)
        if found is None:
            raise NotFound(f"{period.label} has no published version {version}")
        digest = load_digest(conn, found.digest_id)
    header = '<p style="font-size:13px"><a href="/digests">All published digests</a></p>'
    return HTMLResponse(render_html(digest, header=header), headers={"content-security-policy": PREVIEW_CSP})
