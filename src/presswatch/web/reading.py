"""What the pages and the JSON API read, gathered from the Python API the CLI uses (no analysis here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from ..api import SEARCH_SORTS, ArticleFilter, Presswatch, SearchResults
from ..errors import NotFound, UsageError
from ..extract.dates import date_range, shifted
from .views import Pages

PAGE_SIZE = 20
MAX_PAGE = 1_000_000  # a page number past this is refused (422): no store lists twenty million articles
SORTS = SEARCH_SORTS
FILTERS = ("language", "source", "entity", "topic", "since", "until", "sort")


@dataclass
class SearchForm:
    """A search as a user types it: the words and the filters, all optional."""

    q: str = ""
    language: str = ""
    source: str = ""
    entity: str = ""
    topic: str = ""
    since: str = ""
    until: str = ""
    sort: str = "relevance"

    def filters(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if k != "q" and v and not (k == "sort" and v == "relevance")}

    def checked(self) -> SearchForm:
        """This search, after a clear error for a bad date or sort: saved searches must run later."""
        self.article_filter(Pages(1, 1, False))
        return self

    def article_filter(self, pages: Pages) -> ArticleFilter:
        if self.sort not in SORTS:
            raise UsageError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        since, until = date_range(self.since, self.until)
        return ArticleFilter(
            source=self.source or None,
            language=self.language or None,
            since=since,
            until=until,
            limit=pages.size,
            offset=pages.offset,
            entity=self.entity or None,
            topic=self.topic or None,
            sort=self.sort,
        )


def search(pw: Presswatch, form: SearchForm, page: int, size: int = PAGE_SIZE) -> tuple[SearchResults, Pages]:
    """One page of results (copies grouped) with the counts, facets and coverage over time: by relevance or date
    for words, the newest articles when there are none."""
    pages = Pages(max(page, 1), size, False)
    found = pw.search_results(form.q, form.article_filter(pages))
    return found, Pages(pages.page, size, found.has_next)


def coverage(pw: Presswatch, form: SearchForm) -> list[dict[str, Any]]:
    """A search's matching articles per day and language."""
    return pw.search_coverage(form.q, form.article_filter(Pages(1, 1, False)))


def export_search(pw: Presswatch, form: SearchForm, fmt: str, out: IO[str], excel: bool = False) -> int:
    """Every article the search matches (copies included) written to `out`; how many."""
    return pw.export_search(form.q, form.article_filter(Pages(1, 1, False)), fmt, out, excel)


def choices(pw: Presswatch) -> dict[str, Any]:
    """What the search filters offer: the store's languages, outlets, entities and topics."""
    watchlist = pw.watchlist()
    return {
        **pw.filter_values(),
        "entities": [(e.id, e.name) for e in watchlist.entities],
        "topics": [(t.id, t.name) for t in watchlist.topics],
    }


def stages_run(pw: Presswatch) -> dict[str, bool]:
    """Which `process` stages have run at least once on this store."""
    return pw.stages_run()


def article(pw: Presswatch, article_id: int) -> dict[str, Any]:
    """An article with its mentions, its provenance (None when the reuse stage has not run) and its story's id."""
    found = pw.article(str(article_id))
    if found is None:
        raise NotFound(f"no article {article_id}")
    ran = stages_run(pw)
    return {
        "article": found,
        "mentions": pw.mentions_in(article_id),
        "provenance": pw.provenance(str(article_id)) if ran["reuse"] else None,
        "story_id": pw.story_of(article_id),
        "stages": ran,
    }


def story(pw: Presswatch, story_id: int) -> dict[str, Any]:
    """A story, its articles, and which of them (`is_copy`) are copies or partial copies of an earlier one."""
    try:
        found = pw.story(story_id)
    except UsageError as exc:
        raise NotFound(str(exc)) from None
    copies = pw.copied_among([m["id"] for m in found["articles_list"]])
    for member in found["articles_list"]:
        member["is_copy"] = member["id"] in copies
    return found


@dataclass
class StoryForm:
    """The stories list as a user narrows it: a period, a language, an outlet, a topic, a least size; an order."""

    since: str = ""
    until: str = ""
    language: str = ""
    outlet: str = ""
    topic: str = ""
    min_size: int = 1
    sort: str = "recent"

    def filters(self) -> dict[str, str]:
        """The filters set, as query parameters (defaults left out)."""
        found = {k: str(v) for k, v in vars(self).items() if v and k not in ("min_size", "sort")}
        if self.min_size > 1:
            found["min_size"] = str(self.min_size)
        if self.sort != "recent":
            found["sort"] = self.sort
        return found

    def narrowing(self) -> dict[str, Any]:
        """The filters as `Presswatch.stories` and `story_count` take them; UsageError for a bad date."""
        since, until = date_range(self.since, self.until)
        return {
            "since": since,
            "until": until,
            "language": self.language or None,
            "outlet": self.outlet or None,
            "topic": self.topic or None,
            "min_articles": self.min_size,
        }


def stories(pw: Presswatch, form: StoryForm, offset: int, limit: int) -> tuple[list[dict[str, Any]], bool, int]:
    """A page of the stories the form keeps, whether more follow, and how many there are in all."""
    narrowing = form.narrowing()
    rows = pw.stories(limit=limit + 1, offset=offset, sort=form.sort, **narrowing)
    return rows[:limit], len(rows) > limit, pw.story_count(**narrowing)


NEARBY_DAYS = 14  # the stories an editor is offered to merge with: those active within two weeks of this one


def nearby_stories(pw: Presswatch, found: dict[str, Any], limit: int = 50) -> list[dict[str, Any]]:
    """The largest stories active around a story's dates (itself left out): what it may be merged with."""
    since = shifted(found["first_seen"], timedelta(days=-NEARBY_DAYS)) if found["first_seen"] else None
    until = shifted(found["last_seen"], timedelta(days=NEARBY_DAYS)) if found["last_seen"] else None
    rows = pw.stories(since, until, limit=limit + 1, sort="size")
    return [s for s in rows if s["id"] != found["id"]][:limit]


def entity(pw: Presswatch, entity_id: str) -> dict[str, Any]:
    """A watched entity: its aliases, articles per day per language, top outlets and spellings seen."""
    try:
        entry = pw.watchlist().entity(entity_id)
    except UsageError as exc:
        raise NotFound(str(exc)) from None
    attention = pw.attention(entity_id)
    aliases = [
        {"text": a.text, "lang": a.lang, "script": a.script, "case_sensitive": a.case_sensitive, "origin": a.origin}
        for a in entry.aliases
    ]
    return {"id": entry.id, "name": entry.name, "kind": entry.kind, "aliases": aliases, **attention}


def source_health(pw: Presswatch) -> list[dict[str, Any]]:
    """Every source with its fetch health and its article count, as `presswatch sources list` shows them."""
    return pw.sources()


def outlet(pw: Presswatch, source_id: int, page: int, size: int = PAGE_SIZE) -> dict[str, Any]:
    """An outlet's page: its health, languages, copy-network edges and entities, and a page of its articles,
    newest first."""
    found = pw.outlet(source_id)
    pages = Pages(page, size, False)
    where = ArticleFilter(source=found["name"], limit=size + 1, offset=pages.offset, sort="date")
    rows = pw.articles(where)
    return {**found, "page": page, "size": size, "has_next": len(rows) > size, "articles_list": rows[:size]}


def copy_links(pw: Presswatch, origin: int, copier: int) -> dict[str, Any]:
    """One edge of the copy network: the two outlets and every copy behind its count."""
    return pw.copies_between(origin, copier)
