"""The Python API that the CLI and the web UI both call; neither holds logic of its own."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .alerts import Channels, EvaluationReport, Rule, SendReport, checked_rule, evaluate_rules, render_feed, send_due
from .alerts import send_sample as send_alert_sample
from .alerts.sender import Retry
from .cluster import client_for
from .config import Settings, load_settings
from .coordination.runs import Options as CoordinationOptions
from .coordination.runs import checked_methods, detect_and_store
from .coordination.runs import sensitivity as coordination_windows
from .coordination.traces import METHODS as COORDINATION_METHODS
from .coordination.window import parse_window
from .digest import (
    DIGEST_ITEMS,
    SMTP_PORT,
    Digest,
    DigestVersion,
    Newsletter,
    Period,
    build_digest,
    build_site,
    edit_item,
    list_issues,
    list_versions,
    load_digest,
    open_draft,
    period_of,
    publish,
    published_digests,
    reorder,
    resolve_period,
    save_draft,
    set_included,
    set_intro,
)
from .digest import FORMATS as DIGEST_FORMATS
from .digest import render as render_digest
from .digest import send as send_mail
from .entities.emerging import EmergingReport, emerging_names
from .entities.queries import article_mentions, entity_attention, entity_counts, mentions_of, source_entities
from .entities.suggest import Suggestion, suggest_aliases
from .entities.watchlist import AliasEntry, Watchlist, add_alias, load_stored, parse_watchlist, store_watchlist
from .errors import NotFound, UsageError
from .export import (
    ARTICLE_FIELDS,
    TABLES,
    export_articles,
    export_network,
    export_table,
    plain,
    plain_tree,
    run_or_latest,
)
from .export import FORMATS as EXPORT_FORMATS
from .export import NETWORK_FORMATS as COORDINATION_FORMATS
from .export import TABLE_FORMATS as EXPORT_TABLE_FORMATS
from .extract import LanguageOptions
from .extract.dates import DateWindow, date_range, week_bounds, week_of
from .extract.text import clean_text
from .fetch import FetchReport, FetchSettings, FetchThread, Monitor, PollBounds, watch
from .fetch.poll import OnEvent, keep_hops
from .fetch.sources import (
    SourceEntry,
    add_source,
    discover,
    find_source,
    read_opml,
    remove_source,
    source_with_health,
    sources_with_health,
    write_opml,
)
from .ingest import IngestOptions, IngestReport, OnFile, OnOutcome, Outcome, expand_paths, ingest_paths, reextract
from .ingest.posts import FORMATS as POST_FORMATS
from .ingest.posts import (
    ImportOptions,
    OnProblem,
    OnProgress,
    PostImportReport,
    PostProblem,
    TimeWindow,
    check_mapping,
    import_posts,
)
from .process import OnStage, run_stages, stage_names
from .process.distributed import run_stage_on
from .reuse.queries import LINK_KINDS, copied_ids, copies_between, copy_network, provenance_of
from .schedule import Job, JobOutcome, RunLock, Scheduler, run_loop
from .store import Store
from .store import alerts as alerts_store
from .store import coordination as coord
from .store import queries as q
from .store import search as found_by
from .store.queries import MAX_ID, ArticleFilter, SearchLimits, StageReport
from .store.search import SORTS as SEARCH_SORTS
from .store.search import SearchResults
from .stories import SORTS as STORY_SORTS
from .stories import (
    StoryFilter,
    count_stories,
    list_stories,
    merge,
    merged_into,
    move,
    rename,
    split,
    story_detail,
    story_of_article,
)
from .users.accounts import (
    User,
    add_user,
    check_password,
    check_throttle,
    clear_failures,
    close_session,
    delete_search,
    list_users,
    open_session,
    record_failure,
    save_search,
    saved_searches_of,
    session_user,
    signing_key,
)

# Besides Presswatch: the value types, choices and pure helpers (rendering, reading
# the dates users write) that callers need, so that the CLI imports nothing below this module.
__all__ = [
    "DIGEST_FORMATS",
    "DIGEST_ITEMS",
    "SMTP_PORT",
    "STORY_SORTS",
    "COORDINATION_FORMATS",
    "EXPORT_FORMATS",
    "EXPORT_TABLE_FORMATS",
    "LINK_KINDS",
    "MAX_ID",
    "TABLES",
    "ARTICLE_FIELDS",
    "SEARCH_SORTS",
    "SearchResults",
    "AliasEntry",
    "ArticleFilter",
    "IngestReport",
    "POST_FORMATS",
    "PostImportReport",
    "COORDINATION_METHODS",
    "PostProblem",
    "Outcome",
    "Period",
    "Presswatch",
    "date_range",
    "plain",
    "plain_tree",
    "render_digest",
    "resolve_period",
    "Rule",
    "sample_dir",
    "start_local_cluster",
    "week_bounds",
]

log = logging.getLogger(__name__)


class Presswatch:
    """One store and the settings in force: the entry point of every command."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = (settings or load_settings()).replace(**overrides)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The store, created and migrated on first use."""
        if self._store is None:
            store = Store(self.settings.db)
            applied = store.migrate()
            if applied:
                log.info("store %s migrated: %s", self.settings.db, ", ".join(applied))
            self._store = store
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def init(self) -> str | None:
        """Create or migrate the store; return its schema revision."""
        return self.store.revision()

    def ingest_options(self, base_url: str | None = None, source: str | None = None) -> IngestOptions:
        s = self.settings
        language = LanguageOptions(
            s.language_accuracy, tuple(s.languages), s.paragraph_language_min_chars, tuple(s.paragraph_languages)
        )
        dates = DateWindow(datetime.fromisoformat(s.earliest_date), s.future_days)
        return IngestOptions(
            base_url,
            source,
            s.max_page_bytes,
            s.feed_min_words,
            s.workers,
            language,
            dates,
            item_seconds=s.item_seconds,
            item_memory_bytes=s.item_memory_bytes,
        )

    def ingest(
        self,
        paths: list[str],
        base_url: str | None = None,
        source: str | None = None,
        on_outcome: OnOutcome | None = None,
        on_file: OnFile | None = None,
        cluster: str | None = None,
    ) -> IngestReport:
        """Ingest paths (and, on a cluster, fsspec URLs); `cluster` overrides the setting of that name."""
        address = self.settings.cluster if cluster is None else cluster
        options = self.ingest_options(base_url, source)
        if not address:
            return ingest_paths(self.store, paths, options, on_outcome, on_file)
        from .cluster import client_for, require_shared_store
        from .ingest.distributed import ingest_on_cluster

        require_shared_store(self.settings.db)
        with client_for(address) as client:
            return ingest_on_cluster(client, self.store, paths, options, on_outcome, on_file)

    def import_posts(
        self,
        paths: list[str],
        fmt: str = "auto",
        mapping: list[str] | dict[str, str] | None = None,
        platform: str | None = None,
        on_outcome: OnProblem | None = None,
        on_progress: OnProgress | None = None,
    ) -> PostImportReport:
        """Import social posts from files (see README, Social posts); re-importing a post updates it."""
        pairs = mapping if isinstance(mapping, dict) else check_mapping(mapping or [])
        s = self.settings
        window = DateWindow(datetime.fromisoformat(s.earliest_date), s.future_days)
        earliest, latest = (int(at.replace(tzinfo=UTC).timestamp() * 1000) for at in (window.earliest, window.latest))
        bounds = TimeWindow(earliest, latest)
        options = ImportOptions(fmt, pairs, platform, bounds, s.max_page_bytes)
        return import_posts(self.store, expand_paths(paths), options, on_outcome, on_progress)

    def post_stats(self) -> dict[str, Any]:
        """Posts, accounts, platforms, time span and traces per method."""
        from .store.posts import post_counts

        with self.store.connect() as conn:
            return post_counts(conn)

    def reextract(self, on_outcome: OnOutcome | None = None, cluster: str | None = None) -> IngestReport:
        """Extract every kept raw record again; `cluster` overrides the setting of that name."""
        address = self.settings.cluster if cluster is None else cluster
        if not address:
            return reextract(self.store, self.ingest_options(), on_outcome)
        from .cluster import client_for, require_shared_store
        from .ingest.distributed import reextract_on_cluster

        require_shared_store(self.settings.db)
        with client_for(address) as client:
            return reextract_on_cluster(client, self.store, self.ingest_options(), on_outcome)

    def raw_count(self) -> int:
        from .ingest import count_raw

        return count_raw(self.store)

    def count_inputs(self, paths: list[str], cluster: str | None = None) -> int:
        """How many input files the paths, directories and globs name; UsageError for one that names none."""
        if self.settings.cluster if cluster is None else cluster:
            from .ingest.distributed import input_shards  # URLs too: the workers read them

            return len(input_shards(paths))
        return len(expand_paths(paths))

    def articles(self, where: ArticleFilter | None = None) -> list[dict[str, Any]]:
        """One page of articles, newest first; the outlet filter in any case ("balkan wire"), UsageError with
        the closest names for an outlet the store does not have."""
        where = where or ArticleFilter()
        with self.store.connect() as conn:
            if where.source:
                where = replace(where, source=q.outlet_name(conn, where.source))
            return q.list_articles(conn, where)

    def why_no_articles(self, where: ArticleFilter, shown: dict[str, str]) -> str:
        """Why `articles(where)` is empty, in a sentence: the store is empty, the page is past the last, or which
        filters keep nothing. `shown` names each filter as the user gave it (field -> "--since 2026-11-01")."""
        with self.store.connect() as conn:
            total = q.count_articles(conn, ArticleFilter())
            if total == 0:
                return "the store has no articles yet; ingest some with `presswatch ingest PATH`"
            if where.source:
                where = replace(where, source=q.outlet_name(conn, where.source))
            kept = q.count_articles(conn, replace(where, offset=0))
            if kept:
                return f"--offset {where.offset} is past the last of the {kept} articles these filters keep"
            alone = {
                field: q.count_articles(conn, replace(ArticleFilter(), **{field: getattr(where, field)}))
                for field in shown
                if getattr(where, field) is not None
            }
            counts = q.stats(conn)
        held = f"the store has {total} articles"
        if counts["first_published"]:
            held += f", published {plain(counts['first_published'])} … {plain(counts['last_published'])}"
        empty = [shown[field] for field, n in alone.items() if n == 0]
        if empty:
            return f"no article matches {' and '.join(empty)} ({held})"
        each = "; ".join(f"{shown[field]} alone keeps {n}" for field, n in alone.items())
        return f"no article matches {' and '.join(shown[f] for f in alone)} together ({each}; {held})"

    def article(self, key: str) -> dict[str, Any] | None:
        with self.store.connect() as conn:
            return q.get_article(conn, key)

    def find_article(self, key: str) -> dict[str, Any]:
        """One article by id or URL; NotFound naming the key when there is none."""
        found = self.article(key)
        if found is None:
            raise NotFound(f"no article with id or URL {key!r}; find one with `presswatch articles list`")
        return found

    def search(self, query: str, where: ArticleFilter | None = None) -> list[dict[str, Any]]:
        """One page of full-text search results, copies grouped under the earliest (see `search_results`)."""
        return self.search_results(query, where, aggregates=False).hits

    def search_results(self, query: str, where: ArticleFilter | None = None, aggregates: bool = True) -> SearchResults:
        """Full-text search: a page of results, each the earliest matching article of its group of copies and
        translations with the others as its `copies`; how many articles match and how many results they make;
        with `aggregates`, the matches per language, outlet and entity and per day and language. No words: every
        article the filters keep, newest first.

        UsageError for a query past the caps, QueryTimeout for one past `search_seconds`."""
        query = clean_text(query)  # a lone surrogate or a NUL cannot reach SQLite
        with self.store.connect() as conn:
            return found_by.search(conn, query, where or ArticleFilter(), self.search_limits(), aggregates)

    def search_coverage(self, query: str, where: ArticleFilter | None = None) -> list[dict[str, Any]]:
        """A search's matches per day and language, `{day, language, articles}`, oldest first."""
        query = clean_text(query)
        with self.store.connect() as conn:
            return found_by.coverage(conn, query, where or ArticleFilter(), self.search_limits())

    def search_ids(self, query: str, where: ArticleFilter | None = None) -> list[int]:
        """The ids of every article a search matches, copies included, in its order (its limit and offset unused)."""
        query = clean_text(query)
        with self.store.connect() as conn:
            return found_by.matching_ids(conn, query, where or ArticleFilter(), self.search_limits())

    def export_search(
        self, query: str, where: ArticleFilter | None, fmt: str, out: IO[str], excel: bool = False
    ) -> int:
        """Write every article a search matches (copies included) with the fields of `export articles`; how many.

        Finding the matches has the search's deadline; writing them has none."""
        ids = self.search_ids(query, where)
        with self.store.connect() as conn:
            return export_articles(conn, ids, fmt, out, excel)

    def search_limits(self) -> SearchLimits:
        s = self.settings
        return SearchLimits(s.max_query_chars, s.max_query_terms, s.search_seconds)

    def stats(self) -> dict[str, Any]:
        with self.store.connect() as conn:
            return q.stats(conn)

    def filter_values(self) -> dict[str, list[str]]:
        """The languages and outlet names a search can be narrowed to."""
        with self.store.connect() as conn:
            return q.filter_values(conn)

    def newest_published(self) -> datetime | None:
        """The latest stated publication time in the store."""
        with self.store.connect() as conn:
            return q.newest_published(conn)

    # ---- watchlist, process, entities ----------------------------------------------------------

    def load_watchlist(self, path: str | Path) -> Watchlist:
        """Read a watchlist file and make it the store's watchlist."""
        watchlist = parse_watchlist(Path(path))
        with self.store.begin() as conn:
            store_watchlist(conn, watchlist)
        return watchlist

    def watchlist(self) -> Watchlist:
        with self.store.connect() as conn:
            return load_stored(conn)

    def add_alias(self, entity_id: str, alias: AliasEntry) -> bool:
        with self.store.begin() as conn:
            return add_alias(conn, entity_id, alias)

    def process(
        self,
        on_stage: OnStage | None = None,
        redo: tuple[str, ...] = (),
        only: tuple[str, ...] = (),
        skip: tuple[str, ...] = (),
        cluster: str | None = None,
    ) -> list[StageReport]:
        """Run the analysis stages (all, `only` these, or all but `skip`) over what they have not seen yet.

        The stages in `redo` start over. With a Dask scheduler (`cluster`, else the `cluster` setting) the
        per-article work runs on its workers and the writes here, so any store will do, SQLite too.
        """
        address = self.settings.cluster if cluster is None else cluster
        if not address:
            return run_stages(self.store, self.settings, on_stage, redo, only, skip)
        with contextlib.closing(client_for(address)) as client:
            on_cluster = functools.partial(run_stage_on, client)
            return run_stages(self.store, self.settings, on_stage, redo, only, skip, run=on_cluster)

    def stages_run(self) -> dict[str, bool]:
        """Which `process` stages have run at least once on this store, in the order they run."""
        with self.store.connect() as conn:
            return {name: q.stage_state_of(conn, name)[0] > 0 for name in stage_names()}

    def entities(self) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return entity_counts(conn)

    def mentions(self, entity_id: str, since: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
        self.watchlist().entity(entity_id)  # a clear error for an unknown entity
        with self.store.connect() as conn:
            return mentions_of(conn, entity_id, since, _row_limit(limit))

    def mentions_in(self, article_id: int) -> list[dict[str, Any]]:
        """The mentions in one article, with the entity's name, in field and text order."""
        with self.store.connect() as conn:
            return article_mentions(conn, article_id)

    def attention(self, entity_id: str) -> dict[str, Any]:
        """One entity's articles per day and language, its top outlets and the spellings seen."""
        with self.store.connect() as conn:
            return entity_attention(conn, entity_id)

    def suggest_aliases(self, entity_id: str, limit: int = 10) -> list[Suggestion]:
        """New aliases for an entity, ranked, each with its evidence and the articles it comes from."""
        with self.store.connect() as conn:
            return suggest_aliases(conn, load_stored(conn), entity_id, _row_limit(limit))

    def emerging(
        self,
        since: datetime,
        until: datetime,
        limit: int = 20,
        background: str | None = None,
        every_article: bool = False,
    ) -> EmergingReport:
        """The names [since, until) brings up that the weeks before it (and a `background` store) did not."""
        other = _background_store(background) if background else None
        try:
            with self.store.connect() as conn:
                if other is None:
                    return emerging_names(conn, since, until, _row_limit(limit), every_article=every_article)
                with other.connect() as extra:
                    return emerging_names(conn, since, until, _row_limit(limit), extra, every_article)
        finally:
            if other is not None:
                other.close()

    def emerging_in_week(
        self, week: str | None = None, limit: int = 20, background: str | None = None, every_article: bool = False
    ) -> tuple[str, EmergingReport]:
        """The emerging names of an ISO week ("2026-W42"; by default the newest article's), and the week."""
        chosen = week or week_of(self.newest_published() or datetime.now())
        since, until = week_bounds(chosen)
        return chosen, self.emerging(since, until, limit, background, every_article)

    # ---- provenance ---------------------------------------------------------------------------

    def provenance(self, key: str) -> dict[str, Any]:
        """An article's group origin and its links: copies, partial copies with passages, translations."""
        article = self.find_article(key)
        with self.store.connect() as conn:
            return provenance_of(conn, article["id"])

    def copies(self, kinds: tuple[str, ...] = ("duplicate", "partial")) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return copy_network(conn, kinds)

    def copied_among(self, ids: list[int]) -> set[int]:
        """Which of these articles are copies or partial copies of an earlier one."""
        with self.store.connect() as conn:
            return copied_ids(conn, ids)

    def copies_between(self, origin: int, copier: int) -> dict[str, Any]:
        """One edge of the copy network: the two outlets (by id) and the copies behind its count, oldest first."""
        with self.store.connect() as conn:
            ends = {side: find_source(conn, str(key)) for side, key in (("origin", origin), ("copier", copier))}
            return {
                **{side: {"id": row.id, "name": row.name} for side, row in ends.items()},
                "links": copies_between(conn, origin, copier),
            }

    def outlet(self, source_id: int) -> dict[str, Any]:
        """One outlet: its health, its languages and articles per day, whom it copies and who copies it
        (the copy network's edges at its ends), and the watched entities it names most."""
        with self.store.connect() as conn:
            found = source_with_health(conn, source_id)
            network = copy_network(conn)
            return {
                **found,
                **q.source_activity(conn, source_id),
                "copies_from": [e for e in network if e["copier_id"] == source_id],
                "copied_by": [e for e in network if e["origin_id"] == source_id],
                "entities": source_entities(conn, source_id),
                "coordination": [
                    g for account in coord.outlet_accounts(conn, source_id) for g in coord.account_groups(conn, account)
                ],
            }

    # ---- stories -------------------------------------------------------------------------------

    def stories(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        language: str | None = None,
        outlet: str | None = None,
        topic: str | None = None,
        min_articles: int = 1,
        sort: str = "recent",
    ) -> list[dict[str, Any]]:
        """One page of the stories active in [since, until) with an article in `language`, from `outlet` (any
        case), on `topic`, and at least `min_articles`: latest first (sort "recent") or largest ("size").

        UsageError for an unknown sort, outlet or topic, naming the ones there are."""
        where = StoryFilter(
            since,
            until,
            language,
            outlet,
            topic,
            min_articles,
            sort,
            limit=_row_limit(limit),
            offset=_row_limit(offset),
        )
        with self.store.connect() as conn:
            return list_stories(conn, where)

    def story_count(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        language: str | None = None,
        outlet: str | None = None,
        topic: str | None = None,
        min_articles: int = 1,
    ) -> int:
        """How many stories `stories` finds with these filters, over every page."""
        with self.store.connect() as conn:
            return count_stories(conn, StoryFilter(since, until, language, outlet, topic, min_articles))

    def story(self, story_id: int) -> dict[str, Any]:
        """One story with its articles and its edits; NotFound for none, saying where a merged story went."""
        with self.store.connect() as conn:
            stored = 0 < story_id <= MAX_ID
            found = story_detail(conn, story_id) if stored else None
            empty = found is None or not found["articles"]
            gone = merged_into(conn, story_id) if stored and empty else None  # still named after a rebuild
        if gone is not None:
            done = "merged it into" if gone["action"] == "merge" else "moved its last article to"
            raise NotFound(
                f"story {story_id} has no articles left: {gone['editor']} {done} story {gone['story_id']} "
                f"on {gone['created_at']:%Y-%m-%d %H:%M} UTC"
            )
        if found is None or empty:
            raise NotFound(f"no story {story_id}; list them with `presswatch stories list`")
        return found

    def story_of(self, article_id: int) -> int | None:
        """The id of the story an article is in; None before `process` has clustered it."""
        with self.store.connect() as conn:
            return story_of_article(conn, article_id) if 0 < article_id <= MAX_ID else None

    # An editor's corrections (see stories/curation.py): each is recorded with `editor` and the time, and kept by
    # later `process` runs and `process --redo stories`. Each returns the story to show next.

    def merge_stories(self, into: int, other: int, editor: str) -> dict[str, Any]:
        """Move every article of story `other` into story `into`; story `into`."""
        with self.store.begin() as conn:
            merge(conn, _story_id(into), _story_id(other), editor)
        return self.story(into)

    def split_story(
        self, story_id: int, article_ids: list[int], editor: str, title: str | None = None
    ) -> dict[str, Any]:
        """Move the chosen articles of a story into a new story (named `title`, if given); the new story."""
        with self.store.begin() as conn:
            new_id = split(conn, _story_id(story_id), [_story_id(a, "article") for a in article_ids], editor, title)
        return self.story(new_id)

    def move_article(self, article_id: int, story_id: int, editor: str) -> dict[str, Any]:
        """Move one article into another story; that story."""
        with self.store.begin() as conn:
            move(conn, _story_id(article_id, "article"), _story_id(story_id), editor)
        return self.story(story_id)

    def rename_story(self, story_id: int, title: str, editor: str) -> dict[str, Any]:
        """Give a story a name of the editor's own, kept as it grows; the story."""
        with self.store.begin() as conn:
            rename(conn, _story_id(story_id), title, editor)
        return self.story(story_id)

    # ---- digest --------------------------------------------------------------------------------
    # Every digest handed out wears the newsletter of the settings in force (`_issue`).

    def newsletter(self) -> Newsletter:
        """What every issue shares: settings digest_name, digest_tagline, digest_sender, digest_signoff."""
        s = self.settings
        return Newsletter(s.digest_name, s.digest_tagline, s.digest_sender, s.digest_signoff, s.digest_web_url)

    def _issue(self, digest: Digest) -> Digest:
        digest.newsletter = self.newsletter()
        return digest

    def build_digest(
        self, period: Period, topic: str | None = None, limit: int = DIGEST_ITEMS, intro: str | None = None
    ) -> Digest:
        """Select, rank and summarise the period's stories, and save the result as the period's draft (its
        editor's note kept, or replaced by `intro`). UsageError for a topic the watchlist does not have."""
        with self.store.begin() as conn:
            found = build_digest(conn, period, topic=topic, limit=limit)
            found.intro = (intro or "").strip()
            save_draft(conn, found)
        return self._issue(found)

    def latest_article_week(self) -> Period | None:
        """The ISO week of the newest article; None for an empty store."""
        newest = self.newest_published()
        return period_of(week_of(newest)) if newest else None

    def default_digest_period(self, action: str, topic: str | None = None) -> tuple[Period, str]:
        """The period a digest command takes when none is given, and a sentence saying which and why:
        `build`, the latest week with articles; `publish`, the draft built last; `send`, the issue published
        last (else the draft built last). UsageError when there is none."""
        if action != "build":
            with self.store.connect() as conn:
                issues = [v for v in list_issues(conn) if v.topic == topic]
            published = [v for v in issues if v.version > 0] if action == "send" else []
            drafts = [v for v in issues if v.version == 0]
            found = max(published or drafts, key=lambda v: v.published_at or v.created_at, default=None)
            if found is not None:
                kind = "issue published" if found.version else "draft built"
                return period_of(found.period), f"{found.period}, the {kind} last"
            if action == "publish":
                raise UsageError("there is no draft to publish; build one with `presswatch digest build`")
        week = self.latest_article_week()
        if week is None:
            raise UsageError("the store has no articles with a date; ingest some with `presswatch ingest PATH`")
        return week, f"{week.label}, the latest week with articles"

    def publish_digest(self, period: Period, topic: str | None = None) -> int:
        """Make the draft an immutable numbered version; return the version."""
        with self.store.begin() as conn:
            return publish(conn, period, topic)

    def open_draft(self, period: Period, topic: str | None = None) -> Digest:
        """The period's draft: the saved one, or one built from the stories and saved."""
        with self.store.begin() as conn:
            return self._issue(open_draft(conn, period, topic))

    def saved_draft(self, period: Period, topic: str | None = None) -> Digest | None:
        """The period's draft as saved; None before it is opened."""
        with self.store.connect() as conn:
            found = next((v for v in list_versions(conn, period, topic) if v.version == 0), None)
            return self._issue(load_digest(conn, found.digest_id)) if found else None

    def digest_versions(self, period: Period, topic: str | None = None) -> list[DigestVersion]:
        """The draft (version 0, once opened) and the published versions of a period, oldest first."""
        with self.store.connect() as conn:
            return list_versions(conn, period, topic)

    def digest_issues(self, limit: int = 200) -> list[DigestVersion]:
        """Every draft and published version of every period and topic, the newest period first (in a period,
        the draft first, then the versions, newest first)."""
        with self.store.connect() as conn:
            return list_issues(conn, _row_limit(limit))

    def digest(self, digest_id: int) -> Digest:
        """A saved digest, draft or published, with every item (excluded ones too)."""
        with self.store.connect() as conn:
            return self._issue(load_digest(conn, digest_id))

    def published_version(self, period: Period, version: int, topic: str | None = None) -> Digest:
        """One published version of a period; NotFound when it has none of that number."""
        with self.store.connect() as conn:
            found = next((v for v in list_versions(conn, period, topic) if v.version == version > 0), None)
            if found is None:
                raise NotFound(f"{period.label} has no published version {version}")
            return self._issue(load_digest(conn, found.digest_id))

    def published_digests(self) -> list[Digest]:
        """The latest published version of every period and topic, newest period first."""
        with self.store.connect() as conn:
            return [self._issue(d) for d in published_digests(conn)]

    def set_digest_intro(self, digest_id: int, intro: str) -> None:
        """Write a draft's editor's note, shown at the top of the issue (empty: none)."""
        with self.store.begin() as conn:
            set_intro(conn, digest_id, intro)

    def edit_digest_item(
        self, item_id: int, included: bool | None = None, title: str | None = None, summary: str | None = None
    ) -> None:
        """Include or exclude an item of a draft, or change its title or summary."""
        with self.store.begin() as conn:
            if included is not None:
                set_included(conn, item_id, included)
            if title is not None or summary is not None:
                edit_item(conn, item_id, summary=summary, title=title)

    def reorder_digest(self, digest_id: int, item_ids: list[int]) -> list[int]:
        """Put a draft's items in this order (those not named keep theirs, after them); the new order."""
        with self.store.begin() as conn:
            reorder(conn, digest_id, item_ids)
            return [i.item_id for i in load_digest(conn, digest_id).items if i.item_id is not None]

    def move_digest_item(self, digest_id: int, item_id: int, step: int) -> None:
        """Move one item of a draft `step` places (negative: up); at either end it stays."""
        with self.store.begin() as conn:
            order = [i.item_id for i in load_digest(conn, digest_id).items if i.item_id is not None]
            if item_id not in order:
                raise NotFound(f"item {item_id} is not in digest {digest_id}")
            at = order.index(item_id)
            if 0 <= at + step < len(order):
                order.insert(at + step, order.pop(at))
                reorder(conn, digest_id, order)

    def digest_to_send(self, period: Period, topic: str | None = None) -> Digest:
        """The latest published version of the period, else its draft (built if there is none)."""
        with self.store.begin() as conn:
            versions = [v for v in list_versions(conn, period, topic) if v.version > 0]
            if versions:
                return self._issue(load_digest(conn, max(versions, key=lambda v: v.version).digest_id))
            return self._issue(open_draft(conn, period, topic))

    def send_digest(
        self,
        period: Period,
        to: list[str],
        host: str,
        port: int = SMTP_PORT,
        topic: str | None = None,
        starttls: bool = False,
        user: str | None = None,
        password: str | None = None,
        sender: str | None = None,
    ) -> Digest:
        """Mail the period's digest (see `digest_to_send`) as text and HTML, from `sender` (None: the setting
        `digest_sender`); DeliveryFailed when the server will not."""
        chosen = self.digest_to_send(period, topic)
        send_mail(chosen, to, host, port, starttls, user, password, sender)
        return chosen

    def build_site(self, out_dir: str | Path) -> list[Path]:
        with self.store.connect() as conn:
            return build_site(conn, out_dir, newsletter=self.newsletter())

    # ---- users of the web UI ---------------------------------------------------------------------

    def add_user(self, name: str, password: str, role: str) -> User:
        with self.store.begin() as conn:
            return add_user(conn, name, password, role)

    def users(self) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return list_users(conn)

    def login(self, name: str, password: str, address: str | None = None) -> str | None:
        """Open a login session for a name and password: its token, or None when they do not match.

        TooManyAttempts, without a look at the password, while the account or the client's `address` is
        locked after too many failures; each failure is counted and logged (name and address).
        """
        with self.store.begin() as conn:
            check_throttle(conn, name, address)
            user = check_password(conn, name, password)
            if user is None:
                record_failure(conn, name, address)
                return None
            clear_failures(conn, name)
            return open_session(conn, user)

    def logout(self, token: str | None) -> None:
        """End the login session of this token."""
        with self.store.begin() as conn:
            close_session(conn, token)

    def session_user(self, token: str | None) -> User | None:
        """The user of a login session; None for no token, an unknown, an expired or an idle one."""
        with self.store.begin() as conn:  # notes the session's last request, now and then
            return session_user(conn, token)

    def signing_key(self, name: str) -> bytes:
        """A secret key kept in the store under this name (CSRF tokens), made on first use."""
        with self.store.begin() as conn:
            return signing_key(conn, name)

    def saved_searches(self, user: User) -> list[dict[str, Any]]:
        """A user's saved searches, by name."""
        with self.store.connect() as conn:
            return saved_searches_of(conn, user)

    def save_search(self, user: User, name: str, query: str, filters: dict[str, Any]) -> int:
        """Save a search under a name, replacing one of that name; its id."""
        q.check_query(query, self.search_limits())  # a saved search must run later
        with self.store.begin() as conn:
            return save_search(conn, user, name, query, filters)

    def delete_search(self, user: User, search_id: int) -> bool:
        """Delete one of a user's saved searches; False when they have none of that id."""
        with self.store.begin() as conn:
            return delete_search(conn, user, search_id)

    def export(self, table: str, fmt: str, since: datetime | None, out: IO[str], excel: bool = False) -> int:
        """Write one table's rows as JSONL or CSV (`excel`: CSV with a byte order mark); how many."""
        with self.store.connect() as conn:
            return export_table(conn, table, fmt, since, out, excel)

    # ---- coordination: reading runs back -------------------------------------------------------

    def _coordination_options(
        self,
        methods: list[str] | str | None,
        window: str | float | None,
        min_repeat: int | None,
        since: datetime | None,
        until: datetime | None,
        platform: str | None,
        include_articles: bool,
        q: float | None,
    ) -> CoordinationOptions:
        """A detection's parameters: the caller's, else the settings'; UsageError for a bad method or window."""
        s = self.settings
        given = window if window is not None else (s.coordination_window or "auto")
        repeat = s.coordination_min_repeat if min_repeat is None else min_repeat
        if repeat < 1:
            raise UsageError(f"--min-repeat: {repeat} must be 1 or more")
        return CoordinationOptions(
            methods=checked_methods(methods),
            window_seconds=parse_window(given),
            min_repeat=repeat,
            q=s.coordination_q if q is None else q,
            neighbours=s.coordination_max_neighbours,
            since_ms=_epoch_ms(since),
            until_ms=_epoch_ms(until),
            platform=platform,
            include_articles=include_articles,
        )

    def detect_coordination(
        self,
        methods: list[str] | str | None = None,
        window: str | float | None = None,
        min_repeat: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        platform: str | None = None,
        include_articles: bool = False,
        q: float | None = None,
        on_progress: Callable[[str, int], None] | None = None,
    ) -> dict[str, Any]:
        """Detect coordinated accounts and store the run: {"run": id, "summary": {...}, "message": ...}."""
        options = self._coordination_options(methods, window, min_repeat, since, until, platform, include_articles, q)
        return detect_and_store(self.store, options, on_progress)

    def coordination_sensitivity(
        self,
        methods: list[str] | str | None = None,
        min_repeat: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        platform: str | None = None,
        include_articles: bool = False,
        q: float | None = None,
        on_window: Callable[[float], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Edges and groups per window from 10 s to 1 h; no run is stored."""
        options = self._coordination_options(methods, 1.0, min_repeat, since, until, platform, include_articles, q)
        return coordination_windows(self.store, options, on_window=on_window)

    def coordination_runs(self) -> list[dict[str, Any]]:
        """Every coordination run, newest first: parameters, summary, edges, groups, the time its evidence spans."""
        with self.store.connect() as conn:
            return coord.runs(conn)

    def coordination_run(self, run: int | None = None) -> dict[str, Any]:
        """One run (the latest by default); NotFound saying what to run when there is none."""
        with self.store.connect() as conn:
            return coord.runs(conn, [run_or_latest(conn, run)])[0]

    def coordination_groups(
        self, run: int | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The groups of a run (the latest by default), largest first; with `since`/`until` only those whose
        coordinated posts fall (partly) between the two."""
        with self.store.connect() as conn:
            run_id = run_or_latest(conn, run)
            return coord.groups(conn, run_id, _epoch_ms(since), _epoch_ms(until))

    def coordination_group(self, number: int, run: int | None = None) -> dict[str, Any]:
        """One group: members, the edges among them with their evidence, its posts in time order, creation dates."""
        with self.store.connect() as conn:
            run_id = run_or_latest(conn, run)
            found = coord.group(conn, run_id, number) if 0 < number <= MAX_ID else None
            if found is None:
                raise NotFound(
                    f"run {run_id} has no group {number}; "
                    f"list them with `presswatch coordination groups --run {run_id}`"
                )
            return found

    def coordination_account(self, key_or_id: str, platform: str | None = None) -> dict[str, Any]:
        """One account (by its key as the input spelled it, its screen name, or `#ROW`): its activity, the groups it
        is in over every run, and whom it is linked to in the latest run."""
        with self.store.connect() as conn:
            found = coord.find_accounts(conn, key_or_id, platform)
            if not found:
                where = f" on {platform}" if platform else ""
                raise NotFound(f"no account {key_or_id!r}{where}; accounts come from `presswatch posts import FILE`")
            if len(found) > 1:
                platforms = ", ".join(sorted({a["platform"] for a in found}))
                raise UsageError(
                    f"account {key_or_id!r} is on several platforms ({platforms}): choose one with --platform"
                )
            account = found[0]
            latest = coord.latest_run(conn)
            return {
                **account,
                **coord.account_activity(conn, account["id"]),
                "groups": coord.account_groups(conn, account["id"]),
                "latest_run": latest,
                "partners": coord.account_partners(conn, latest, account["id"]) if latest else [],
            }

    def coordination_export(self, fmt: str, out: IO[str], run: int | None = None) -> int:
        """Write a run's network (the latest by default) as graphml, gexf (both for Gephi) or a csv edge list;
        how many edges."""
        with self.store.connect() as conn:
            return export_network(conn, fmt, run, out)

    # ---- sources and live fetching ---------------------------------------------------------

    def fetch_settings(self, allow_private: bool = False) -> FetchSettings:
        """The fetch limits in force; `allow_private` lifts the SSRF guard (an intranet, the tests)."""
        s = self.settings
        return FetchSettings(
            user_agent=s.user_agent,
            concurrency=s.fetch_concurrency,
            host_connections=s.host_connections,
            host_interval=s.host_interval,
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            request_timeout=s.request_timeout,
            max_bytes=s.max_page_bytes,
            max_redirects=s.max_redirects,
            retries=s.fetch_retries,
            retry_max_wait=s.retry_max_wait,
            allow_private=allow_private,
            warc_dir=Path(s.data_dir) / "warc",
            warc_max_bytes=s.warc_max_bytes,
        )

    def poll_bounds(self) -> PollBounds:
        s = self.settings
        return PollBounds(
            s.poll_interval_min, s.poll_interval_max, s.blocked_after, s.max_new_per_poll, s.max_child_sitemaps
        )

    def add_source(
        self,
        url: str,
        name: str | None = None,
        language: str | None = None,
        country: str | None = None,
        allow_private: bool = False,
    ) -> dict[str, Any]:
        """Watch a feed or sitemap URL, or the feed a homepage names; the source with what was found."""
        with FetchThread(self.fetch_settings(allow_private)) as net:
            try:
                found = discover(net, url)
            finally:  # what discovery fetched is archived, found or not
                with self.store.begin() as conn:
                    keep_hops(conn, net.take_archived())
        entry = SourceEntry(
            found.url,
            found.kind,
            name or found.title,
            found.homepage,
            language or found.language,
            country,
            name_chosen=name is not None,
        )
        with self.store.begin() as conn:
            source_id, created = add_source(conn, entry)
            row = find_source(conn, str(source_id))
        return {**dict(row._mapping), "created": created, "other_feeds": found.others}

    def sources(self, watched_only: bool = False) -> list[dict[str, Any]]:
        """Every source with its health: status (ok, failing, blocked, gone), last success and error, streak."""
        with self.store.connect() as conn:
            return sources_with_health(conn, watched_only)

    def remove_source(self, key: str) -> str:
        with self.store.begin() as conn:
            return remove_source(conn, key)

    def import_opml(self, path: str | Path) -> dict[str, int]:
        """Add every feed of an OPML file (Miniflux, FreshRSS, ...); nothing is fetched until `fetch`."""
        counts = {"added": 0, "existing": 0}
        with self.store.begin() as conn:
            for entry in read_opml(Path(path)):
                counts["added" if add_source(conn, entry)[1] else "existing"] += 1
        return counts

    def export_opml(self) -> str:
        return write_opml(self.sources(watched_only=True))

    def fetch(
        self,
        allow_private: bool = False,
        only: list[str] | None = None,
        on_event: OnEvent | None = None,
        max_time: float | None = None,
    ) -> FetchReport:
        """Poll every due source once (or the named ones, due or not) and fetch the queued URLs.

        `max_time`: seconds after which nothing more is asked for; what is still out is left for the next run.
        """
        with self.store.connect() as conn:
            ids = [find_source(conn, key).id for key in only] if only else None
        with FetchThread(self.fetch_settings(allow_private)) as net:
            monitor = Monitor(self.store, net, self.ingest_options(), self.poll_bounds(), on_event)
            return monitor.run_once(ids, max_time=max_time)

    def watch(
        self,
        on_round: Callable[[FetchReport, float, float], None],
        allow_private: bool = False,
        on_event: OnEvent | None = None,
        rounds: int | None = None,
    ) -> None:
        """Poll sources as they fall due until interrupted (KeyboardInterrupt) or `rounds` are done."""
        with FetchThread(self.fetch_settings(allow_private)) as net:
            monitor = Monitor(self.store, net, self.ingest_options(), self.poll_bounds(), on_event)
            watch(monitor, on_round, rounds=rounds)

    # ---- alerts -----------------------------------------------------------------------------------

    def add_alert(self, rule: Rule) -> dict[str, Any]:
        """Store a new alert rule; it alerts on what arrives from now on. UsageError for a bad part of it."""
        rule = checked_rule(rule)
        values = {
            "name": rule.name,
            "owner": rule.owner,
            "recipients": rule.recipients,
            "trigger": rule.trigger,
            "params": rule.params,
            "frequency": rule.frequency,
            "hourly_cap": rule.hourly_cap,
            "secret": secrets.token_hex(32),
        }
        with self.store.begin() as conn:
            rule_id = alerts_store.add_rule(conn, values, q.now())
        return self.alert(str(rule_id))

    def alerts(self) -> list[dict[str, Any]]:
        """Every rule, with when a message of it was last sent (`last_sent`, None when never)."""
        with self.store.connect() as conn:
            sent = alerts_store.last_sent(conn)
            return [{**_alert_dict(row), "last_sent": sent.get(row.id)} for row in alerts_store.list_rules(conn)]

    def alert(self, key: str) -> dict[str, Any]:
        """One rule with its webhook signing secret, its deliveries by status and its latest matches."""
        with self.store.connect() as conn:
            row = alerts_store.find_rule(conn, key)
            return {
                **_alert_dict(row),
                "secret": row.secret,
                "deliveries": alerts_store.delivery_counts(conn, row.id),
                "matches": alerts_store.recent_matches(conn, row.id, 20),
            }

    def pause_alert(self, key: str, paused: bool = True) -> None:
        with self.store.begin() as conn:
            alerts_store.set_paused(conn, alerts_store.find_rule(conn, key).id, paused)

    def remove_alert(self, key: str) -> str:
        with self.store.begin() as conn:
            row = alerts_store.find_rule(conn, key)
            alerts_store.remove_rule(conn, row.id)
            return str(row.name)

    def alert_history(self, key: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """What was sent (or waits, or failed) to whom, newest first: one rule's or every rule's."""
        with self.store.connect() as conn:
            rule_id = alerts_store.find_rule(conn, key).id if key else None
            rows = alerts_store.deliveries(conn, rule_id, _row_limit(limit))
        for row in rows:
            payload = json.loads(row.pop("payload"))
            row["items"] = len(payload["items"])
            row["why"] = [item["why"] for item in payload["items"][:5]]
        return rows

    def new_alert_feed_token(self, key: str) -> str:
        """A new secret token for the rule's Atom feed (`/alerts/feed/{token}`); the old one stops working."""
        token = secrets.token_urlsafe(24)
        with self.store.begin() as conn:
            alerts_store.set_feed_token_hash(conn, alerts_store.find_rule(conn, key).id, _token_hash(token))
        return token

    def alert_feed(self, token: str, self_url: str = "") -> str:
        """The Atom feed of the rule whose feed token this is; NotFound for any other token."""
        with self.store.connect() as conn:
            row = alerts_store.rule_by_feed_hash(conn, _token_hash(token)) if token else None
            if row is None:
                raise NotFound("no alert feed at this address (its token may have been replaced)")
            return render_feed(row.name, alerts_store.recent_matches(conn, row.id, 100), self_url)

    def alert_channels(self) -> Channels:
        s = self.settings
        if s.smtp_security not in ("none", "starttls"):
            raise UsageError(f"smtp_security must be none or starttls, not {s.smtp_security!r}")
        if s.webhook_networks not in ("public", "private"):
            raise UsageError(f"webhook_networks must be public or private, not {s.webhook_networks!r}")
        password = os.environ.get(s.smtp_password_env) if s.smtp_password_env else None
        return Channels(
            s.smtp_host,
            s.smtp_port,
            s.smtp_security == "starttls",
            s.smtp_user or None,
            password,
            s.digest_sender,
            s.webhook_seconds,
            s.webhook_networks == "private",
        )

    def evaluate_alerts(self, now: datetime | None = None, only: str | None = None) -> EvaluationReport:
        """Every active rule against what is new since its last evaluation; matches go to the outbox."""
        return evaluate_rules(self.store, now or q.now(), self.search_limits(), only, self.settings.digest_web_url)

    def send_alerts(self, now: datetime | None = None, stop: Callable[[], bool] | None = None) -> SendReport:
        """Send the outbox's due deliveries. Call it from one process at a time (`presswatch run` holds a lock)."""
        retry = Retry(self.settings.alert_attempts, self.settings.alert_retry_seconds)
        return send_due(self.store, self.alert_channels(), now or q.now(), retry, stop)

    def test_alert(self, key: str) -> dict[str, str]:
        """Send a sample message (the newest article) on every channel of a rule now: channel -> outcome."""
        with self.store.connect() as conn:
            row = alerts_store.find_rule(conn, key)
            newest = alerts_store.newest_ids(conn)[0]
            shown = alerts_store.article_rows(conn, [newest]).get(newest, {})
        sample = {
            "article_id": newest,
            "title": shown.get("title") or "A sample article",
            "url": shown.get("url") or "",
            "source": shown.get("source") or "",
            "language": shown.get("language") or "",
            "published": None,
            "why": "a test of this alert's channels (`presswatch alerts test`)",
        }
        return send_alert_sample(self.alert_channels(), row, sample)

    # ---- presswatch run ------------------------------------------------------------------------------

    def run_lock(self) -> RunLock:
        """The lock that keeps one `presswatch run` per store (UsageError on acquire when another holds it)."""
        return RunLock(self.store)

    def scheduler(self, clock: Callable[[], datetime] = q.now, allow_private: bool = False) -> Scheduler:
        """The jobs of `presswatch run` from the settings: fetch, process (then alerts), send, and the digest's."""
        s = self.settings
        jobs = []
        if s.fetch_at:
            jobs.append(Job("fetch", lambda: _fetched(self.fetch(allow_private)), cron=s.fetch_at))
        jobs.append(
            Job(
                "process",
                lambda: self._process_and_alert(clock),
                every_minutes=s.process_every_minutes,
                sooner=self._articles_waiting if s.process_when_waiting else None,
            )
        )
        jobs.append(Job("send-alerts", lambda: _sent(self.send_alerts(clock())), cron=s.send_at))
        if s.digest_draft_at:
            jobs.append(Job("digest-draft", lambda: self._draft_week(clock()), cron=s.digest_draft_at))
        if s.digest_publish_at:
            jobs.append(Job("digest-publish", lambda: self._publish_week(clock()), cron=s.digest_publish_at))
        return Scheduler(self.store, jobs, s.timezone)

    def run_loop(
        self, scheduler: Scheduler, stopping: threading.Event, on_outcome: Callable[[JobOutcome], None]
    ) -> None:
        """Run due jobs until `stopping` is set (SIGTERM, Ctrl-C): it is checked between jobs."""
        run_loop(scheduler, q.now, stopping.wait, stopping.is_set, on_outcome)

    def run_status(self) -> list[dict[str, Any]]:
        """Every job of `presswatch run` from the settings: schedule, last run, outcome, error, next run."""
        return self.scheduler().status()

    def run_due(self, scheduler: Scheduler, stop: Callable[[], bool]) -> list[JobOutcome]:
        """Run the jobs due now, once each (`presswatch run --once`)."""
        return scheduler.run_due(q.now(), stop)

    def _articles_waiting(self) -> bool:
        with self.store.connect() as conn:
            # the furthest any stage got: a stage that is off (no watchlist) has seen nothing and waits for nothing
            seen = max((q.stage_state_of(conn, name)[0] for name in stage_names()), default=0)
            return alerts_store.articles_after(conn, seen) >= self.settings.process_when_waiting

    def _process_and_alert(self, clock: Callable[[], datetime]) -> str:
        reports = self.process()
        found = self.evaluate_alerts(clock())
        sent = self.send_alerts(clock())
        stages = ", ".join(f"{r.stage} {r.articles}" for r in reports if not r.off_reason)
        return f"processed ({stages}); {found.total} new alert matches; {_sent(sent)}"

    def _draft_week(self, now: datetime) -> str:
        period = period_of(week_of(now))
        digest = self.build_digest(period)
        told = ""
        if self.settings.digest_recipients and self.settings.smtp_host:
            channels = self.alert_channels()
            payload = {
                "rule": f"digest draft {period.label}",
                "frequency": "weekly",
                "items": [
                    {
                        "title": item.title,
                        "url": item.url,
                        "source": "",
                        "language": item.language,
                        "published": None,
                        "why": "in the draft",
                    }
                    for section in digest.sections
                    for item in section.items
                ],
            }
            channels.send_mail(list(self.settings.digest_recipients), payload, f"draft-{period.label}")
            told = f"; told {len(self.settings.digest_recipients)} editors"
        return f"drafted the digest of {period.label}{told}"

    def _publish_week(self, now: datetime) -> str:
        period = period_of(week_of(now))
        version = self.publish_digest(period)
        s = self.settings
        if not (s.digest_recipients and s.smtp_host):
            return f"published {period.label} v{version}"
        password = os.environ.get(s.smtp_password_env) if s.smtp_password_env else None
        self.send_digest(
            period,
            list(s.digest_recipients),
            s.smtp_host,
            s.smtp_port,
            starttls=s.smtp_security == "starttls",
            user=s.smtp_user or None,
            password=password,
        )
        return f"published {period.label} v{version} and mailed it to {len(s.digest_recipients)} addresses"


def _story_id(value: int, what: str = "story") -> int:
    """An id the store can hold; NotFound for any other (0, negative, past MAX_ID)."""
    if not 0 < value <= MAX_ID:
        raise NotFound(f"no {what} {value}")
    return value


def _epoch_ms(when: datetime | None) -> int | None:
    """A naive-UTC (or aware) date-time as epoch milliseconds, as posts and coordination keep time."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def _row_limit(limit: int) -> int:
    """A row limit the store can take: none is below 0, and no table holds more than MAX_ID rows."""
    return min(max(limit, 0), MAX_ID)


def _background_store(db: str) -> Store:
    """Another presswatch store, read as a background corpus: it must exist (it is never created)."""
    if "://" not in db and not Path(db).expanduser().is_file():
        raise UsageError(f"no store at {db!r} to use as a background; give the file of a presswatch store")
    store = Store(db)
    store.migrate()
    return store


def _fetched(report: FetchReport) -> str:
    return f"polled {report.polled} sources, fetched {report.pages} pages"


def _sent(report: SendReport) -> str:
    failed = f", {report.failed} failed" if report.failed else ""
    retrying = f", {report.retrying} to retry" if report.retrying else ""
    return f"sent {report.sent} alert messages{retrying}{failed}"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _alert_dict(row: Any) -> dict[str, Any]:
    """A rule as listings show it (no secret, no token)."""
    return {
        "id": row.id,
        "name": row.name,
        "owner": row.owner,
        "recipients": json.loads(row.recipients),
        "trigger": row.trigger,
        "params": json.loads(row.params),
        "frequency": row.frequency,
        "hourly_cap": row.hourly_cap,
        "paused": row.paused,
        "feed": row.feed_token_hash is not None,
        "evaluated_at": row.evaluated_at,
        "created_at": row.created_at,
    }


def sample_dir() -> Path:
    """The bundled demo corpus (fictional outlets and events, written for presswatch)."""
    return Path(__file__).parent / "sample"


@contextlib.contextmanager
def start_local_cluster(workers: int, port: int = 8786, host: str = "127.0.0.1") -> Iterator[tuple[str, str | None]]:
    """A Dask LocalCluster (processes, one thread each) while the block runs: its address and dashboard link."""
    from .cluster import local_cluster

    cluster = local_cluster(workers, port=port, host=host)
    try:
        yield cluster.scheduler_address, cluster.dashboard_link
    finally:
        cluster.close()
