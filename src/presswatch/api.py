"""The Python API that the CLI and the web UI both call; neither holds logic of its own."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from .config import Settings, load_settings
from .digest import (
    Digest,
    Period,
    build_digest,
    build_site,
    list_versions,
    load_digest,
    open_draft,
    publish,
    save_draft,
)
from .entities.queries import entity_counts, mentions_of
from .entities.suggest import EmergingName, Suggestion, emerging_names, suggest_aliases
from .entities.watchlist import AliasEntry, Watchlist, add_alias, load_stored, parse_watchlist, store_watchlist
from .errors import UsageError
from .export import export_table
from .extract import LanguageOptions
from .fetch import FetchReport, FetchSettings, FetchThread, Monitor, PollBounds, watch
from .fetch.poll import OnEvent, keep_hops
from .fetch.sources import (
    SourceEntry,
    add_source,
    discover,
    find_source,
    read_opml,
    remove_source,
    sources_with_health,
    write_opml,
)
from .ingest import IngestOptions, IngestReport, OnFile, OnOutcome, ingest_paths, reextract
from .process import OnStage, run_stages
from .reuse.queries import copy_network, provenance_of
from .store import Store
from .store import queries as q
from .store.queries import ArticleFilter, StageReport
from .stories import list_stories, story_detail
from .users.accounts import User, add_user, list_users

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
        return IngestOptions(base_url, source, s.max_page_bytes, s.feed_min_words, s.workers, language)

    def ingest(
        self,
        paths: list[str],
        base_url: str | None = None,
        source: str | None = None,
        on_outcome: OnOutcome | None = None,
        on_file: OnFile | None = None,
    ) -> IngestReport:
        return ingest_paths(self.store, paths, self.ingest_options(base_url, source), on_outcome, on_file)

    def reextract(self, on_outcome: OnOutcome | None = None) -> IngestReport:
        return reextract(self.store, self.ingest_options(), on_outcome)

    def raw_count(self) -> int:
        from .ingest import count_raw

        return count_raw(self.store)

    def articles(self, where: ArticleFilter | None = None) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return q.list_articles(conn, where or ArticleFilter())

    def article(self, key: str) -> dict[str, Any] | None:
        with self.store.connect() as conn:
            return q.get_article(conn, key)

    def search(self, query: str, where: ArticleFilter | None = None) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return q.search_articles(conn, query, where or ArticleFilter())

    def stats(self) -> dict[str, Any]:
        with self.store.connect() as conn:
            return q.stats(conn)

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

    def process(self, on_stage: OnStage | None = None, redo: tuple[str, ...] = ()) -> list[StageReport]:
        """Run the analysis stages over what they have not seen yet; the stages in `redo` start over."""
        return run_stages(self.store, self.settings, on_stage, redo)

    def entities(self) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return entity_counts(conn)

    def mentions(self, entity_id: str, since: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
        self.watchlist().entity(entity_id)  # a clear error for an unknown entity
        with self.store.connect() as conn:
            return mentions_of(conn, entity_id, since, limit)

    def suggest_aliases(self, entity_id: str, limit: int = 10) -> list[Suggestion]:
        with self.store.connect() as conn:
            return suggest_aliases(conn, load_stored(conn), entity_id, limit)

    def emerging(self, since: datetime, until: datetime, limit: int = 20) -> list[EmergingName]:
        with self.store.connect() as conn:
            return emerging_names(conn, since, until, limit)

    # ---- provenance ---------------------------------------------------------------------------

    def provenance(self, key: str) -> dict[str, Any]:
        """An article's group origin and its links: copies, partial copies with passages, translations."""
        article = self.article(key)
        if article is None:
            raise UsageError(f"no article with id or URL {key!r}; find one with `presswatch articles list`")
        with self.store.connect() as conn:
            return provenance_of(conn, article["id"])

    def copies(self, kinds: tuple[str, ...] = ("duplicate", "partial")) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return copy_network(conn, kinds)

    # ---- stories -------------------------------------------------------------------------------

    def stories(
        self, since: datetime | None = None, until: datetime | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return list_stories(conn, since, until, limit)

    def story(self, story_id: int) -> dict[str, Any]:
        with self.store.connect() as conn:
            found = story_detail(conn, story_id)
        if found is None:
            raise UsageError(f"no story {story_id}; list them with `presswatch stories list`")
        return found

    # ---- digest --------------------------------------------------------------------------------

    def build_digest(self, period: Period, topic: str | None = None, limit: int = 12) -> Digest:
        """Select, rank and summarise the period's stories, and save the result as the period's draft."""
        with self.store.begin() as conn:
            found = build_digest(conn, period, topic=topic, limit=limit)
            save_draft(conn, found)
        return found

    def publish_digest(self, period: Period, topic: str | None = None) -> int:
        """Make the draft an immutable numbered version; return the version."""
        with self.store.begin() as conn:
            return publish(conn, period, topic)

    def digest_to_send(self, period: Period, topic: str | None = None) -> Digest:
        """The latest published version of the period, else its draft (built if there is none)."""
        with self.store.begin() as conn:
            versions = [v for v in list_versions(conn, period, topic) if v.version > 0]
            if versions:
                return load_digest(conn, max(versions, key=lambda v: v.version).digest_id)
            return open_draft(conn, period, topic)

    def build_site(self, out_dir: str | Path) -> list[Path]:
        with self.store.connect() as conn:
            return build_site(conn, out_dir)

    # ---- users of the web UI ---------------------------------------------------------------------

    def add_user(self, name: str, password: str, role: str) -> User:
        with self.store.begin() as conn:
            return add_user(conn, name, password, role)

    def users(self) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return list_users(conn)

    def export(self, table: str, fmt: str, since: datetime | None, out: IO[str]) -> int:
        with self.store.connect() as conn:
            return export_table(conn, table, fmt, since, out)

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
            found.url, found.kind, name or found.title, found.homepage, language or found.language, country
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
        self, allow_private: bool = False, only: list[str] | None = None, on_event: OnEvent | None = None
    ) -> FetchReport:
        """Poll every due source once (or the named ones, due or not) and fetch the queued URLs."""
        with self.store.connect() as conn:
            ids = [find_source(conn, key).id for key in only] if only else None
        with FetchThread(self.fetch_settings(allow_private)) as net:
            return Monitor(self.store, net, self.ingest_options(), self.poll_bounds(), on_event).run_once(ids)

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


def sample_dir() -> Path:
    """The bundled demo corpus (fictional outlets and events, written for presswatch)."""
    return Path(__file__).parent / "sample"
