"""The digest editor (editors and admins): open a period's draft, include, exclude, reorder and edit its items,
preview it, publish it as an immutable version with its own URL, and read earlier versions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..api import MAX_ID, Presswatch
from ..digest import Digest, DigestVersion, Period, period_of, render_html
from ..digest.render import S_A, S_META
from ..errors import NotFound, UsageError
from ..extract.dates import week_of
from .deps import Editor, PathId, Reader, page, period_or_404, pw_of, safe_next, version_url
from .security import PREVIEW_CSP

router = APIRouter(include_in_schema=False)


def editor_url(period: Period, topic: str | None, anchor: str = "") -> str:
    query = f"?{urlencode({'topic': topic})}" if topic else ""
    return f"/editor/{quote(period.label)}{query}{anchor}"


def versions_of(pw: Presswatch, period: Period, topic: str | None) -> tuple[Digest | None, list[DigestVersion]]:
    """The period's draft (None before it is opened) and its published versions, newest first."""
    published = [v for v in pw.digest_versions(period, topic) if v.version > 0]
    return pw.saved_draft(period, topic), sorted(published, key=lambda v: -v.version)


@router.get("/editor")
def editor_index(request: Request, user: Editor) -> Response:
    """Open a week's draft; below, every draft and published issue, the newest period first."""
    pw = pw_of(request)
    newest = pw.newest_published()
    issues = pw.digest_issues()
    return page(
        request,
        "editor_index.html",
        week=week_of(newest) if newest else "",
        topics=[(t.id, t.name) for t in pw.watchlist().topics],
        drafts=[v for v in issues if v.version == 0],
        published=[v for v in issues if v.version > 0],
        editor_link=lambda v: editor_url(period_of(v.period), v.topic),
        describe=lambda label: period_of(label).describe(),
        version_url=lambda v: version_url(v.period, v.version, v.topic),
    )


@router.post("/editor/open")
def editor_open(
    request: Request, user: Editor, week: Annotated[str, Form()], topic: Annotated[str, Form()] = ""
) -> Response:
    period = period_or_404(week.strip())
    pw_of(request).open_draft(period, topic or None)
    return RedirectResponse(editor_url(period, topic or None), status_code=303)


@router.get("/editor/{label}")
def editor_page(request: Request, label: str, user: Editor, topic: str | None = None) -> Response:
    period = period_or_404(label)
    draft, published = versions_of(pw_of(request), period, topic)
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
        publish_url=confirm_url(period, topic, "publish"),
        rebuild_url=confirm_url(period, topic, "rebuild"),
    )


@router.get("/editor/{label}/preview")
def editor_preview(request: Request, label: str, user: Editor, topic: str | None = None) -> Response:
    period = period_or_404(label)
    draft = pw_of(request).saved_draft(period, topic)
    if draft is None:
        raise NotFound(f"there is no draft for {period.label} yet; open it first")
    return HTMLResponse(render_html(draft), headers={"content-security-policy": PREVIEW_CSP})


@router.post("/editor/items/{item_id}/include")
def item_include(
    request: Request, item_id: PathId, user: Editor, included: Annotated[str, Form()], back: Annotated[str, Form()]
) -> Response:
    pw_of(request).edit_digest_item(item_id, included=included == "1")
    return RedirectResponse(f"{safe_next(back)}#item-{item_id}", status_code=303)


@router.post("/editor/items/{item_id}/edit")
def item_edit(
    request: Request,
    item_id: PathId,
    user: Editor,
    title: Annotated[str, Form()],
    summary: Annotated[str, Form()],
    back: Annotated[str, Form()],
) -> Response:
    if not title.strip():
        raise UsageError("an item needs a title")
    pw_of(request).edit_digest_item(item_id, summary=summary.strip(), title=title.strip())
    return RedirectResponse(f"{safe_next(back)}#item-{item_id}", status_code=303)


@router.post("/editor/digests/{digest_id}/move")
def item_move(
    request: Request,
    digest_id: PathId,
    user: Editor,
    item: Annotated[int, Form(ge=1, le=MAX_ID)],
    direction: Annotated[str, Form()],
    back: Annotated[str, Form()],
) -> Response:
    """Move one item up or down: the buttons that do what dragging does, without JavaScript."""
    pw_of(request).move_digest_item(digest_id, item, -1 if direction == "up" else 1)
    return RedirectResponse(f"{safe_next(back)}#item-{item}", status_code=303)


@router.post("/editor/digests/{digest_id}/order")
def items_order(
    request: Request, digest_id: PathId, user: Editor, order: Annotated[str, Form()], back: Annotated[str, Form()]
) -> Response:
    """A whole new order, as the drag-and-drop script sends it: item ids separated by commas."""
    parts = [part.strip() for part in order.split(",") if part.strip()]
    if not all(part.isascii() and part.isdigit() and 0 < int(part) <= MAX_ID for part in parts):
        raise UsageError(f"order must be item ids separated by commas, not {order[:200]!r}")
    ids = [int(part) for part in parts]
    pw_of(request).reorder_digest(digest_id, ids)
    return RedirectResponse(safe_next(back), status_code=303)


@router.post("/editor/digests/{digest_id}/intro")
def digest_intro(
    request: Request, digest_id: PathId, user: Editor, intro: Annotated[str, Form()], back: Annotated[str, Form()]
) -> Response:
    """The editor's note at the top of the issue."""
    pw_of(request).set_digest_intro(digest_id, intro)
    return RedirectResponse(f"{safe_next(back)}#intro", status_code=303)


# Publishing and rebuilding cannot be undone (a published version never changes, a rebuild drops the edits):
# their buttons lead to a page that says what will happen, whose form does it. No script is needed.
ACTIONS = ("publish", "rebuild")


def confirm_url(period: Period, topic: str | None, action: str) -> str:
    query = urlencode({"action": action, **({"topic": topic} if topic else {})})
    return f"/editor/{quote(period.label)}/confirm?{query}"


@router.get("/editor/{label}/confirm")
def editor_confirm(request: Request, label: str, user: Editor, action: str, topic: str | None = None) -> Response:
    """Ask before publishing or rebuilding the draft, saying what it will do."""
    period = period_or_404(label)
    if action not in ACTIONS:
        raise NotFound(f"there is nothing to confirm called {action!r}; the actions are {', '.join(ACTIONS)}")
    draft, published = versions_of(pw_of(request), period, topic)
    if draft is None:
        raise NotFound(f"there is no draft for {period.label} yet; open it first")
    return page(
        request,
        "editor_confirm.html",
        action=action,
        period=period,
        topic=topic,
        draft=draft,
        next_version=(published[0].version if published else 0) + 1,
        edited=sum(1 for item in draft.items if not item.included),
        back=editor_url(period, topic),
    )


@router.post("/editor/{label}/publish")
def editor_publish(
    request: Request,
    label: str,
    user: Editor,
    topic: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    period = period_or_404(label)
    if confirmed != "yes":  # a form without the confirmation (an old page, a bookmark) asks first
        return RedirectResponse(confirm_url(period, topic or None, "publish"), status_code=303)
    version = pw_of(request).publish_digest(period, topic or None)
    return RedirectResponse(version_url(period.label, version, topic or None), status_code=303)


@router.post("/editor/{label}/rebuild")
def editor_rebuild(
    request: Request,
    label: str,
    user: Editor,
    topic: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    """Build the draft again from the current stories: edits to its items are replaced, its note is kept."""
    period = period_or_404(label)
    if confirmed != "yes":
        return RedirectResponse(confirm_url(period, topic or None, "rebuild"), status_code=303)
    pw_of(request).build_digest(period, topic or None)
    return RedirectResponse(editor_url(period, topic or None), status_code=303)


# ---- published versions: one URL each, never changed ------------------------------------------


@router.get("/digests")
def digests_index(request: Request, user: Reader) -> Response:
    return page(request, "digests.html", digests=pw_of(request).published_digests(), version_url=version_url)


@router.get("/digests/{label}/v{version}")
def digest_version(request: Request, label: str, version: PathId, user: Reader, topic: str | None = None) -> Response:
    digest = pw_of(request).published_version(period_or_404(label), version, topic)
    header = f'<p style="{S_META}"><a href="/digests" style="{S_A}">All published digests</a></p>'
    return HTMLResponse(render_html(digest, header=header), headers={"content-security-policy": PREVIEW_CSP})
