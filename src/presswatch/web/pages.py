"""The read-only pages: search, article with provenance, stories, entities, sources, the copy network;
login and saved searches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..api import MAX_ID, Presswatch
from . import charts, reading
from .deps import LoggedIn, PathId, Reader, StoryId, client_address, page, pw_of, safe_next
from .security import SESSION_COOKIE, set_session_cookie
from .views import Pages, mention_marks, mention_summary, paragraphs, passage_marks

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
    found, pages = reading.search(pw, form, page_number)
    saved = pw.saved_searches(user) if user is not None else []
    here = {"q": form.q, **form.filters()}
    chart = None
    if found.timeline:
        label = "Matching articles per day, by language"
        chart = charts.figure(charts.search_coverage(found.timeline, _day_link(**here)), label)
    return page(
        request,
        "search.html",
        form=form,
        found=found,
        rows=found.hits,
        pages=pages,
        chart=chart,
        exports={fmt: _export_link(here, fmt) for fmt in ("csv", "csv_excel", "jsonl")},
        choices=reading.choices(pw),
        saved=saved,
        prev_url="/search?" + urlencode({**here, "page": pages.page - 1}),
        next_url="/search?" + urlencode({**here, "page": pages.page + 1}),
        facet_link=lambda key, value: "/search?" + urlencode({**here, key: value}),
        link=lambda s: "/search?" + urlencode({"q": s["query"], **s["filters"]}),
    )


def _export_link(search: dict[str, str], fmt: str) -> str:
    """The export of every match of a search: `csv`, `jsonl`, or `csv_excel` (CSV with a byte order mark)."""
    chosen = {**search, "format": fmt.removesuffix("_excel")}
    if fmt.endswith("_excel"):
        chosen["excel"] = "true"
    return "/api/search/export?" + urlencode(chosen)


@router.get("/charts/search.svg")
def search_chart(request: Request, user: Reader, form: Annotated[reading.SearchForm, Depends(search_form)]) -> Response:
    timeline = reading.coverage(pw_of(request), form)
    return svg_response(charts.standalone(charts.search_coverage(timeline, _day_link(q=form.q, **form.filters()))))


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
        story=pw.story(found["story_id"]) if found["story_id"] else None,
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


def story_form(
    since: str = "",
    until: str = "",
    language: str = "",
    outlet: str = "",
    topic: str = "",
    min_size: Annotated[int, Query(ge=1, le=MAX_ID)] = 1,
    sort: str = "recent",
) -> reading.StoryForm:
    return reading.StoryForm(since, until, language, outlet, topic, min_size, sort)


@router.get("/stories")
def stories_page(
    request: Request,
    user: Reader,
    form: Annotated[reading.StoryForm, Depends(story_form)],
    page_number: Annotated[int, Query(alias="page", ge=1, le=reading.MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = reading.PAGE_SIZE,
) -> Response:
    pw = pw_of(request)
    stages = reading.stages_run(pw)
    pages = Pages(page_number, size, False)
    rows, has_next, total = reading.stories(pw, form, pages.offset, pages.size) if stages["stories"] else ([], False, 0)
    here = {**form.filters(), **({"size": str(size)} if size != reading.PAGE_SIZE else {})}
    return page(
        request,
        "stories.html",
        form=form,
        stories=rows,
        total=total,
        pages=Pages(pages.page, pages.size, has_next),
        choices=reading.choices(pw),
        stages=stages,
        prev_url="/stories?" + urlencode({**here, "page": pages.page - 1}),
        next_url="/stories?" + urlencode({**here, "page": pages.page + 1}),
    )


@router.get("/stories/{story_id}")
def story_page(request: Request, story_id: StoryId, user: Reader) -> Response:
    pw = pw_of(request)
    found = reading.story(pw, story_id)
    editing = user is not None and user.can("editor")
    return page(
        request,
        "story.html",
        story=found,
        editing=editing,
        nearby=reading.nearby_stories(pw, found) if editing else [],
        chart=charts.figure(_coverage(found), "Coverage over time: who published when, in which language"),
    )


def _coverage(found: dict[str, Any]) -> charts.Build:
    copies = {m["id"] for m in found["articles_list"] if m["is_copy"]}
    return charts.story_coverage(found["articles_list"], copies)


@router.get("/charts/story/{story_id}.svg")
def story_chart(request: Request, story_id: StoryId, user: Reader) -> Response:
    return svg_response(charts.standalone(_coverage(reading.story(pw_of(request), story_id))))


@router.get("/entities")
def entities_page(request: Request, user: Reader) -> Response:
    pw = pw_of(request)
    return page(request, "entities.html", entities=pw.entities(), stages=reading.stages_run(pw))


def _day_link(**filters: str) -> Callable[[str, str], str]:
    """The search for one bar of a per-day chart: these filters, that day, that language, newest first."""

    def link(day: str, language: str) -> str:
        chosen = {**filters, "since": day, "until": day, "sort": "date"}
        if language != "unknown":
            chosen["language"] = language
        return "/search?" + urlencode(chosen)

    return link


def _attention(e: dict[str, Any]) -> charts.Build:
    return charts.per_day(e["per_day"], _day_link(entity=e["id"]))


@router.get("/entities/{entity_id}")
def entity_page(request: Request, entity_id: str, user: Reader) -> Response:
    e = reading.entity(pw_of(request), entity_id)
    label = f"Articles naming {e['name']} per day, by language"
    return page(request, "entity.html", e=e, chart=charts.figure(_attention(e), label) if e["per_day"] else None)


@router.get("/charts/entity/{entity_id}.svg")
def entity_chart(request: Request, entity_id: str, user: Reader) -> Response:
    return svg_response(charts.standalone(_attention(reading.entity(pw_of(request), entity_id))))


@router.get("/sources")
def sources_page(request: Request, user: Reader) -> Response:
    return page(request, "sources.html", sources=reading.source_health(pw_of(request)))


@router.get("/sources/{source_id}")
def outlet_page(
    request: Request,
    source_id: PathId,
    user: Reader,
    page_number: Annotated[int, Query(alias="page", ge=1, le=reading.MAX_PAGE)] = 1,
) -> Response:
    pw = pw_of(request)
    found = reading.outlet(pw, source_id, page_number)
    chart = None
    if found["per_day"]:
        build = charts.per_day(found["per_day"], _day_link(source=found["name"]))
        chart = charts.figure(build, f"Articles of {found['name']} per day, by language")
    here = f"/sources/{source_id}?page="
    return page(
        request,
        "outlet.html",
        o=found,
        chart=chart,
        stages=reading.stages_run(pw),
        prev_url=f"{here}{page_number - 1}",
        next_url=f"{here}{page_number + 1}",
    )


@router.get("/copies")
def copies_page(request: Request, user: Reader) -> Response:
    pw = pw_of(request)
    network = pw.copies()
    label = "Who republishes whom: outlets that published first, linked to those that republished them"
    chart = charts.figure(charts.copy_graph(network), label) if network else None
    return page(request, "copies.html", network=network, chart=chart, stages=reading.stages_run(pw))


@router.get("/copies/{origin_id}/{copier_id}")
def copy_links_page(request: Request, origin_id: PathId, copier_id: PathId, user: Reader) -> Response:
    return page(request, "copy_links.html", edge=reading.copy_links(pw_of(request), origin_id, copier_id))


@router.get("/charts/copies.svg")
def copies_chart(request: Request, user: Reader) -> Response:
    return svg_response(charts.standalone(charts.copy_graph(pw_of(request).copies())))
