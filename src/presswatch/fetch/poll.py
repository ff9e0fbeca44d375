"""Polling: each due source's feed or sitemap once, then every new entry URL fetched as an article.

The calling thread owns the store and extraction; the network thread
(`FetchThread`) fetches. Feed documents go through `feeds.parse_feed`,
sitemaps and sitemap indexes through ultimate-sitemap-parser, pages through
ingest's own extraction path, so a fetched page and the same page read back
from the WARC file become the same article.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update

from ..errors import ItemError
from ..extract import Extracted, Hints, canonical_url
from ..ingest import (
    INLINE_ITEMS,
    IngestOptions,
    IngestReport,
    Item,
    OrderedPool,
    Outcome,
    ResultWriter,
    extraction_pool,
    feed_entry_hints,
    feed_entry_json,
    precheck,
)
from ..store import Store
from ..store import queries as q
from ..store.schema import articles, fetch_queue, sources
from .archive import ArchivedResponse
from .client import FEED_TYPES, PAGE_TYPES, Fetched, Hop
from .health import PollBounds, PollOutcome, health_after
from .listing import FeedLinks, read_listing
from .thread import FetchThread

log = logging.getLogger(__name__)

# A URL that failed this many times is given up ("failed"); 404 and 410 are given up at once.
# Three tries over three rounds outlast a site's brief outage without retrying a dead page forever.
MAX_ATTEMPTS = 3
# Page requests kept submitted: two per connection slot, so a slot that frees finds the next
# request waiting, and at least a few so a low concurrency still overlaps requests with storing.
IN_FLIGHT_PER_SLOT = 2
MIN_IN_FLIGHT = 4
# `watch` sleeps at most a minute between rounds, so a source that fell due (or Ctrl-C) is not
# kept waiting for the longest poll interval.
WATCH_MAX_SLEEP = 60.0
# Refusals that no retry will change: the URL is set aside as skipped.
_SKIP_REASONS = ("robots", "type", "ssrf", "url")

# Told of each step: (what: poll | page | article, label, status or message, whether it failed).
OnEvent = Callable[[str, str, str, bool], None]


@dataclass
class FetchReport:
    """What one `presswatch fetch` round did."""

    polled: int = 0
    polls_failed: int = 0
    queued: int = 0
    pages: int = 0
    pages_failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # pages set aside, by reason (robots.txt, not HTML)
    articles: IngestReport = field(default_factory=IngestReport)
    problems: list[Outcome] = field(default_factory=list)
    # Stopped by --max-time: the polls and pages still out were dropped, left due and queued for the next run.
    stopped_at_max_time: bool = False
    sources_left: int = 0
    pages_left: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.polls_failed or self.pages_failed or self.articles.failed else 0

    def summary(self) -> dict[str, int]:
        return {
            "sources_polled": self.polled,
            "sources_failed": self.polls_failed,
            "urls_queued": self.queued,
            "pages_fetched": self.pages,
            "pages_failed": self.pages_failed,
            "pages_skipped": sum(self.skipped.values()),
            **{f"articles_{k}": v for k, v in self.articles.summary().items() if k != "queued"},
            "stopped_at_max_time": self.stopped_at_max_time,
            "sources_left": self.sources_left,
            "pages_left": self.pages_left,
        }


@dataclass
class _Poll:
    """One poll of a source: its own feed or sitemap, or (with a parent) a sitemap its sitemap index names."""

    source: Any
    parent: _Poll | None = None
    fetched: Fetched | None = None
    children: int = 0  # sitemaps of the index still being fetched
    new_items: int = 0  # URLs queued, the index's sitemaps' included
    error: str | None = None
    reason: str | None = None


@dataclass
class _Page:
    queue_id: int
    url: str
    attempts: int
    title: str | None = None  # what the feed entry said: hints for the page, archived beside it
    published: datetime | None = None
    feed: str | None = None
    source: str | None = None

    @property
    def feed_entry(self) -> bytes | None:
        if not (self.title or self.published or self.source):
            return None
        return feed_entry_json(self.title, self.published, self.feed, self.source)


class Monitor:
    """One fetch round over the store: poll due sources, fetch queued URLs, extract, record health."""

    def __init__(
        self,
        store: Store,
        net: FetchThread,
        options: IngestOptions,
        bounds: PollBounds,
        on_event: OnEvent | None = None,
    ) -> None:
        self.store = store
        self.net = net
        self.options = options
        self.bounds = bounds
        self.on_event = on_event or (lambda what, label, message, failed: None)
        self.in_flight = max(MIN_IN_FLIGHT, net.settings.concurrency * IN_FLIGHT_PER_SLOT)
        self.tried: set[int] = set()  # queue rows submitted this round
        self.backlog: deque[_Page] = deque()  # pending rows not submitted yet
        self.stale_backlog = True
        # Articles are stored a batch per transaction, the pages' queue states with them.
        self.page_states: list[tuple[int, dict[str, Any]]] = []
        self.writer = ResultWriter(store, on_flush=self._write_page_states)
        self.report = FetchReport()
        self.deadline: float | None = None  # time.monotonic() past which nothing more is asked for

    def run_once(self, source_ids: list[int] | None = None, max_time: float | None = None) -> FetchReport:
        """Poll the due sources (or those given, due or not) and fetch every pending URL.

        Pages are fetched while slow polls are still out (a feed that hangs must
        not hold up the others' articles), and extracted here meanwhile; once
        every poll is in, a long backlog goes to the extraction workers.
        After `max_time` seconds nothing more is asked for and what is still out
        is dropped (its sources stay due, its pages queued); what came in is stored.
        On Ctrl-C, the articles extracted so far are stored before the interrupt goes on.
        """
        report = self.report = FetchReport()
        self.deadline = None if max_time is None else time.monotonic() + max_time
        self.tried.clear()
        self.stale_backlog = True
        try:
            self._round(source_ids, report)
        except KeyboardInterrupt:
            self._settle(self.writer.flush(), report)
            raise
        return report

    def _round(self, source_ids: list[int] | None, report: FetchReport) -> None:
        polls = {self._submit_poll(source): _Poll(source) for source in self._due(source_ids)}
        pages: dict[Future[Fetched], _Page] = {}
        with extraction_pool(replace(self.options, workers=1)) as inline:
            self._top_up(pages)
            while not self._out_of_time(polls, pages, report) and polls:
                done, _ = wait([*polls, *pages], timeout=self._time_left(), return_when=FIRST_COMPLETED)
                for future in done:
                    if future in polls:
                        self._after_poll(polls.pop(future), future.result(), polls, report)
                    else:
                        self._page_done(pages.pop(future), future.result(), report, inline)
                self._top_up(pages)
            for item, result in inline.drain():
                self._store(item, result, report)
        self._fetch_pages(pages, report)
        self._settle(self.writer.flush(), report)
        self._keep_side_responses()

    def _fetch_pages(self, pages: dict[Future[Fetched], _Page], report: FetchReport) -> None:
        # Worker processes pay off on a long backlog only; a few pages are extracted here.
        self._refresh_backlog()
        long = len(self.backlog) > INLINE_ITEMS
        with extraction_pool(self.options if long else replace(self.options, workers=1)) as pool:
            self._top_up(pages)
            while not self._out_of_time({}, pages, report) and pages:
                done, _ = wait(pages, timeout=self._time_left(), return_when=FIRST_COMPLETED)
                for future in done:
                    self._page_done(pages.pop(future), future.result(), report, pool)
                self._top_up(pages)
            for item, result in pool.drain():
                self._store(item, result, report)

    def _time_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def _past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def _out_of_time(
        self, polls: dict[Future[Fetched], _Poll], pages: dict[Future[Fetched], _Page], report: FetchReport
    ) -> bool:
        """Past the deadline: drop what is still out, count what is left for the next run, and say so."""
        if not self._past_deadline():
            return False
        self._refresh_backlog()
        sources_left = len({id(poll.parent or poll) for poll in polls.values()})
        pages_left = len(pages) + sum(1 for page in self.backlog if page.queue_id not in self.tried)
        for future in [*polls, *pages]:
            future.cancel()
        polls.clear()
        pages.clear()
        self.backlog.clear()
        if sources_left or pages_left:
            report.stopped_at_max_time = True
            report.sources_left += sources_left
            report.pages_left += pages_left
        return True

    def _page_done(
        self, page: _Page, fetched: Fetched, report: FetchReport, pool: OrderedPool[Item, Extracted]
    ) -> None:
        for item, result in self._after_page(page, fetched, report, pool):
            self._store(item, result, report)

    # ---- sources --------------------------------------------------------------------------

    def _due(self, source_ids: list[int] | None) -> list[Any]:
        query = select(sources).where(sources.c.feed_url.is_not(None))
        if source_ids is not None:
            query = query.where(sources.c.id.in_(source_ids))
        else:
            query = query.where(or_(sources.c.next_poll_at.is_(None), sources.c.next_poll_at <= q.now()))
        with self.store.connect() as conn:
            return list(conn.execute(query.order_by(sources.c.id)))

    def _submit_poll(self, source: Any, url: str | None = None) -> Future[Fetched]:
        headers = {}
        if url is None:  # conditional GET of the source's own feed
            if source.etag:
                headers["If-None-Match"] = source.etag
            if source.last_modified:
                headers["If-Modified-Since"] = source.last_modified
        # Feeds are often served as text/html: the parser, not the label, decides.
        return self.net.submit(url or source.feed_url, headers, accept=FEED_TYPES + PAGE_TYPES)

    def _after_poll(
        self, poll: _Poll, fetched: Fetched, polls: dict[Future[Fetched], _Poll], report: FetchReport
    ) -> None:
        self._keep_responses(fetched)
        poll.fetched = poll.fetched or fetched
        if fetched.ok:
            try:
                listing = read_listing(fetched.body, fetched.final_url)
            except Exception as exc:  # noqa: BLE001 - a hostile feed must fail this source only
                listing = FeedLinks([])
                if poll.parent is None:
                    poll.error, poll.reason = f"cannot read the feed: {exc}", "parse"
            found = self._queue(poll.source, listing)
            self.stale_backlog = self.stale_backlog or found > 0
            report.queued += found
            (poll.parent or poll).new_items += found
            if poll.parent is None and not self._past_deadline():
                for child in listing.sitemaps[: self.bounds.child_sitemaps]:
                    poll.children += 1
                    polls[self._submit_poll(poll.source, child)] = _Poll(poll.source, parent=poll)
        if poll.parent is not None:
            poll.parent.children -= 1
            poll = poll.parent
        if poll.children == 0:  # a sitemap index is judged once its sitemaps are in
            self._record_health(poll, report)

    def _record_health(self, poll: _Poll, report: FetchReport) -> None:
        source, fetched = poll.source, poll.fetched
        assert fetched is not None
        error, reason = (poll.error, poll.reason) if poll.error else (fetched.error, fetched.reason)
        outcome = PollOutcome(
            fetched.status,
            error,
            reason,
            poll.new_items,
            fetched.retry_after,
            fetched.headers.get("etag"),
            fetched.headers.get("last-modified"),
        )
        health = health_after(source, outcome, self.bounds, q.now())
        with self.store.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source.id).values(health))
        report.polled += 1
        if error:
            report.polls_failed += 1
            report.problems.append(Outcome(f"{source.name} ({fetched.url})", "failed", error))
        self.on_event("poll", source.name, error or f"{poll.new_items} new", error is not None)

    def _queue(self, source: Any, listing: FeedLinks) -> int:
        """Queue the listing's URLs that are neither queued nor stored yet; how many were new."""
        added = 0
        for link in listing.links:  # a 9999-12-31 would otherwise come first among the newest
            link.published = self.options.dates.admit(link.published, "the listed publication", link.url)
        with self.store.begin() as conn:
            for link in listing.newest(self.bounds.new_per_poll):
                url = canonical_url(link.url) or link.url
                if conn.execute(select(articles.c.id).where(articles.c.url == url).limit(1)).first() is None:
                    added += q.queue_url(conn, url, source.id, None, link.title, link.published)
        return added

    # ---- pages ----------------------------------------------------------------------------

    def _untried(self) -> list[_Page]:
        """Pending URLs not yet tried this round (a URL that failed waits for the next round)."""
        query = (
            select(
                fetch_queue.c.id,
                fetch_queue.c.url,
                fetch_queue.c.attempts,
                fetch_queue.c.title,
                fetch_queue.c.published_at,
                sources.c.feed_url,
                sources.c.name,
            )
            .outerjoin(sources, sources.c.id == fetch_queue.c.source_id)
            .where(fetch_queue.c.status == "pending")
            .order_by(fetch_queue.c.id)
        )
        with self.store.connect() as conn:
            rows = list(conn.execute(query))
        return [
            _Page(row.id, row.url, row.attempts, row.title, row.published_at, row.feed_url, row.name)
            for row in rows
            if row.id not in self.tried
        ]

    def _refresh_backlog(self) -> None:
        if self.stale_backlog:  # the queue is read again only when a poll added to it
            self.backlog = deque(self._untried())
            self.stale_backlog = False

    def _top_up(self, pages: dict[Future[Fetched], _Page]) -> None:
        """Keep a bounded number of pages in flight: fetched bodies wait in memory until stored."""
        if self._past_deadline():
            return
        self._refresh_backlog()
        while len(pages) < self.in_flight and self.backlog:
            page = self.backlog.popleft()
            if page.queue_id not in self.tried:
                self.tried.add(page.queue_id)
                pages[self.net.submit(page.url, feed_entry=page.feed_entry)] = page

    def _after_page(
        self, page: _Page, fetched: Fetched, report: FetchReport, pool: OrderedPool[Item, Extracted]
    ) -> Iterator[tuple[Item, Extracted | ItemError]]:
        report.pages += 1
        if not fetched.ok or fetched.record is None:
            self._keep_responses(fetched)
            if fetched.reason not in _SKIP_REASONS:
                report.pages_failed += 1
            self._page_failed(page, fetched, report)
            return
        self._keep_responses(fetched, but_last=True)
        self._set_page(page.queue_id, status="done", attempts=page.attempts + 1, fetched_at=q.now(), last_error=None)
        item = page_item(fetched, page.feed_entry)
        checked = precheck(self.store, item)
        if isinstance(checked, Outcome):
            report.articles.add(checked)
            return
        yield from pool.submit(item)

    def _store(self, item: Item, result: Extracted | ItemError, report: FetchReport) -> None:
        self._settle(self.writer.add(item, result), report)

    def _settle(self, outcomes: list[Outcome], report: FetchReport) -> None:
        for outcome in outcomes:
            report.articles.add(outcome)
            self.on_event("article", outcome.label, outcome.message or outcome.status, outcome.status == "failed")

    def _page_failed(self, page: _Page, fetched: Fetched, report: FetchReport) -> None:
        attempts = page.attempts + 1
        if fetched.reason in _SKIP_REASONS:
            status = "skipped"
        elif fetched.status in (404, 410) or attempts >= MAX_ATTEMPTS:
            status = "failed"
        else:
            status = "pending"  # tried again next round
        self._set_page(page.queue_id, status=status, attempts=attempts, last_error=fetched.error)
        if status == "skipped":
            report.skipped[_reason_kind(fetched)] += 1
        else:
            report.problems.append(Outcome(page.url, "failed", fetched.error or "failed"))
        self.on_event("page", page.url, fetched.error or "failed", status != "skipped")

    def _set_page(self, queue_id: int, **values: Any) -> None:
        """A page's new queue state, written with the next batch of articles."""
        self.page_states.append((queue_id, values))

    def _write_page_states(self, conn: Connection) -> None:
        states, self.page_states = self.page_states, []
        for queue_id, values in states:
            conn.execute(update(fetch_queue).where(fetch_queue.c.id == queue_id).values(**values))

    # ---- the raw archive ---------------------------------------------------------------------

    def _keep_side_responses(self) -> None:
        """Reference the robots.txt answers the client archived on its own."""
        with self.store.begin() as conn:
            keep_hops(conn, self.net.take_archived())

    def _keep_responses(self, fetched: Fetched, but_last: bool = False) -> None:
        """Reference every archived response from `raw`; a page's own record is kept by ingest's path."""
        records = fetched.archived[:-1] if but_last else fetched.archived
        with self.store.begin() as conn:
            for hop in records:
                body = fetched.body if hop.record is fetched.record else b""
                keep_response(conn, hop.url, hop.status, hop.headers, hop.record, body)


def _reason_kind(fetched: Fetched) -> str:
    """A skip reason without the URL-specific part, so that skips can be counted together."""
    if fetched.reason == "type":
        return f"not HTML ({fetched.content_type.split(';')[0] or 'no content type'})"
    return {"robots": "robots.txt disallows it", "ssrf": "refused by the SSRF guard"}.get(
        fetched.reason or "", fetched.error or "skipped"
    )


def keep_hops(conn: Connection, hops: list[Hop]) -> None:
    """Reference archived responses that no article came from."""
    for hop in hops:
        keep_response(conn, hop.url, hop.status, hop.headers, hop.record, b"")


def keep_response(
    conn: Connection, url: str, status: int, headers: dict[str, str], archived: ArchivedResponse, body: bytes
) -> None:
    """A `raw` row pointing at one archived response (kind 'response': not an article, never re-extracted)."""
    # The record id goes into the hash: the same error page twice is two responses, two rows.
    sha = hashlib.sha256(body + archived.record_id.encode()).hexdigest()
    q.insert_raw(
        conn,
        q.RawRecord(
            url=url,
            kind="response",
            sha256=sha,
            body=None,
            origin=archived.path,
            record=archived.record_id,
            fetched_at=archived.fetched_at,
            status=status,
            headers=headers,
            content_type=headers.get("content-type"),
            warc_path=archived.path,
            warc_offset=archived.offset,
            warc_length=archived.length,
        ),
    )


def page_item(fetched: Fetched, feed_entry: bytes | None = None) -> Item:
    """A fetched page as ingest's Item: the same hints a WARC reader gives it (the feed entry's too)."""
    record = fetched.record
    assert record is not None
    entry = feed_entry_hints(json.loads(feed_entry)) if feed_entry else {}
    return Item(
        f"{fetched.final_url}",
        "fetch",
        record.path,
        record.record_id,
        fetched.body,
        Hints(url=fetched.final_url, fetched_at=record.fetched_at, **entry),
        charset=fetched.charset,
        status=fetched.status,
        headers=fetched.headers,
        content_type=fetched.content_type,
        warc_offset=record.offset,
    )


def watch(
    monitor: Monitor,
    on_round: Callable[[FetchReport, float, float], None],
    max_sleep: float = WATCH_MAX_SLEEP,
    rounds: int | None = None,
) -> None:
    """Run rounds until interrupted (Ctrl-C raises KeyboardInterrupt out of here), sleeping until the next due poll.

    `on_round` is told of each round's report, how long it took and how long the pause after it is.
    """
    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        report = monitor.run_once()
        done += 1
        pause = _seconds_to_next_poll(monitor.store, max_sleep)
        on_round(report, time.monotonic() - started, pause)
        if rounds is None or done < rounds:
            time.sleep(pause)


def _seconds_to_next_poll(store: Store, max_sleep: float) -> float:
    with store.connect() as conn:
        soonest: datetime | None = conn.execute(
            select(sources.c.next_poll_at).where(sources.c.feed_url.is_not(None)).order_by(sources.c.next_poll_at)
        ).scalar()
    if soonest is None:
        return max_sleep
    return min(max_sleep, max(1.0, (soonest - q.now()).total_seconds()))


__all__ = ["FetchReport", "Monitor", "OnEvent", "watch"]
