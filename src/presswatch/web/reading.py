"""What the pages and the JSON API read, gathered from the Python API the CLI uses (no analysis here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..api import ArticleFilter, Presswatch
from ..errors import NotFound, UsageError
from ..extract.dates import date_range
from .views import Pages

PAGE_SIZE = 20
MAX_PAGE = 1_000_000  # a page number past this is refused (422): no store lists twenty million articles
SORTS = ("relevance", "date")
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
            limit=pages.size + 1,
            offset=pages.offset,
            entity=self.entity or None,
            topic=self.topic or None,
            sort=self.sort,
        )


def search(pw: Presswatch, form: SearchForm, page: int, size: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], Pages]:
    """One page of results: by relevance or date for words, the newest articles when there are none."""
    pages = Pages(max(page, 1), size, False)
    where = form.article_filter(pages)
    rows = pw.search(form.q, where) if form.q.strip() else pw.articles(where)
    return rows[:size], Pages(pages.page, size, len(rows) > size)


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
    """An article with its mentions and its provenance (None when the reuse stage has not run)."""
    found = pw.article(str(article_id))
    if found is None:
        raise NotFound(f"no article {article_id}")
    ran = stages_run(pw)
    return {
        "article": found,
        "mentions": pw.mentions_in(article_id),
        "provenance": pw.provenance(str(article_id)) if ran["reuse"] else None,
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
