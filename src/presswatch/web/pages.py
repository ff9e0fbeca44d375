"""The read-only pages: search, article with provenance, stories, entities, sources, the copy network;
login and saved searches."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..api import Presswatch
from . import charts, reading
from .deps import LoggedIn, PathId, Reader, client_address, page, pw_of, safe_next
from .security import SESSION_COOKIE, set_session_cookie
from .views import mention_marks, mention_summary, paragraphs, passage_marks

router = APIRouter(include_in_schema=False)


def svg_response(body: str) -> Response:
    return Response(body, media_type="image/svg+xml", headers={"cache-control": "no-store"})


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/search", status_code=303)


# ---- login ---------------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/search") -> Response:
    return page(request, "login.html", next=safe_next(next), failed=False)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/search",
) -> Response:
    token = pw_of(request).login(name, password, client_address(request))
    if token is None:
        return page(request, "login.html", status_code=401, next=safe_next(next), failed=True)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    pw_of(request).logout(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- search ----------------------------------------------------------------------------------------


def search_form(
    q: str = "",
    language: str = "",
    source: str = "",
    entity: str = "",
    topic: str = "",
    since: str = "",
    until: str = "",
    sort: str = "relevance",
) -> reading.SearchForm:
    return reading.SearchForm(q, language, source, entity, topic, since, until, sort)


@router.get("/search")
def search_page(
    request: Request,
    user: Reader,
    form: Annotated[reading.SearchForm, Depends(search_form)],
    page_number: Annotated[int, Query(alias="page", ge=1, le=reading.MAX_PAGE)] = 1,
) -> Response:
    pw = pw_of(request)
    rows, pages = reading.search(pw, form, page_number)
    saved = pw.saved_searches(user) if user is not None else []
    here = {"q": form.q, **form.filters()}
    return page(
        request,
        "search.html",
        form=form,
        rows=rows,
        pages=pages,
        choices=reading.choices(pw),
        saved=saved,
        prev_url="/search?" + urlencode({**here, "page": pages.page - 1}),
        next_url="/search?" + urlencode({**here, "page": pages.page + 1}),
        link=lambda s: "/search?" + urlencode({"q": s["query"], **s["filters"]}),
    )


@router.post("/searches")
def save_search_form(
    request: Request,
    user: LoggedIn,
    name: Annotated[str, Form()],
    q: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    entity: Annotated[str, Form()] = "",
    topic: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    sort: Annotated[str, Form()] = "relevance",
) -> Response:
    saved = reading.SearchForm(q, language, source, entity, topic, since, until, sort).checked()
    pw_of(request).save_search(user, name, saved.q, saved.filters())
    return RedirectResponse("/search?" + urlencode({"q": saved.q, **saved.filters()}), status_code=303)


@router.post("/searches/{search_id}/delete")
def delete_search_form(request: Request, search_id: PathId, user: LoggedIn) -> Response:
    pw_of(request).delete_search(user, search_id)
    return RedirectResponse("/search", status_code=303)


# ---- article -------------------------------------------------------------------------------------


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: PathId, user: Reader) -> Response:
    pw = pw_of(request)
    found = reading.article(pw, article_id)
    art = found["article"]
    text = art["text"]
    sides = []
    for link in (found["provenance"] or {}).get("links", []):
        sides.append(_side_by_side(pw, art, link))
    return page(
        request,
        "article.html",
        a=art,
        title_pieces=paragraphs(art["title"] or "", [], art["language"], mention_marks(found["mentions"], "title")),
        body=paragraphs(text, art["paragraph_languages"], art["language"], mention_marks(found["mentions"], "text")),
        mentions=mention_summary(found["mentions"]),
        provenance=found["provenance"],
        links=sides,
        stages=found["stages"],
    )


def _side_by_side(pw: Presswatch, art: dict[str, Any], link: dict[str, Any]) -> dict[str, Any]:
    """Both texts of a link, this article on the left, its shared passages marked on both sides."""
    other = pw.article(str(link["article"]["id"]))
    assert other is not None  # a link names stored articles
    this_side = link["side"]
    other_side = "copy" if this_side == "origin" else "origin"
    return {
        **link,
        "other": other,
        "this_text": paragraphs(
            art["text"], art["paragraph_languages"], art["language"], passage_marks(link["passages"], this_side)
        ),
        "other_text": paragraphs(
            other["text"], other["paragraph_languages"], other["language"], passage_marks(link["passages"], other_side)
        ),
    }


# ---- stories, entities, sources, copies ---------------------------------------------------------


@router.get("/stories")
def stories_page(request: Request, user: Reader) -> Response:
    pw = pw_of(request)
    return page(request, "stories.html", stories=pw.stories(limit=200), stages=reading.stages_run(pw))


@router.get("/stories/{story_id}")
def story_page(request: Request, story_id: PathId, user: Reader) -> Response:
    return page(request, "story.html", story=reading.story(pw_of(request), story_id))


@router.get("/charts/story/{story_id}.svg")
def story_chart(request: Request, story_id: PathId, user: Reader) -> Response:
    found = reading.story(pw_of(request), story_id)
    copies = {m["id"] for m in found["articles_list"] if m["is_copy"]}
    return svg_response(charts.story_coverage(found["articles_list"], copies))


@router.get("/entities")
def entities_page(request: Request, user: Reader) -> Response:
    pw = pw_of(request)
    return page(request, "entities.html", entities=pw.entities(), stages=reading.stages_run(pw))


@router.get("/entities/{entity_id}")
def entity_page(request: Request, entity_id: str, user: Reader) -> Response:
    return page(request, "entity.html", e=reading.entity(pw_of(request), entity_id))


@router.get("/charts/entity/{entity_id}.svg")
def entity_chart(request: Request, entity_id: str, user: Reader) -> Response:
    return svg_response(charts.entity_attention(reading.entity(pw_of(request), entity_id)["per_day"]))


@router.get("/sources")
def sources_page(request: Request, user: Reader) -> Response:
    return page(request, "sources.html", sources=reading.source_health(pw_of(request)))


@router.get("/copies")
def copies_page(request: Request, user: Reader) -> Response:
    pw = pw_of(request)
    return page(request, "copies.html", network=pw.copies(), stages=reading.stages_run(pw))


@router.get("/charts/copies.svg")
def copies_chart(request: Request, user: Reader) -> Response:
    return svg_response(charts.copy_graph(pw_of(request).copies()))
