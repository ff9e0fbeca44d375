"""The HTTP client: httpx (async) with every limit a polite and careful crawler needs.

One request goes: SSRF guard → robots.txt → a per-host slot and turn → a
global slot → GET with connect/read timeouts inside a total deadline → the
body read raw and inflated under the cap → the response archived → retried
on 429 and 5xx with exponential backoff, jitter and Retry-After → redirects
followed by hand, each hop guarded again, up to the limit. The connection
itself goes to an address the guard checked (`transport`): DNS is asked once
per connection, so a name cannot pass the check and then point elsewhere.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import httpx

from ..config import Settings
from ..errors import FetchFailed
from .archive import ArchivedResponse, WarcArchive
from .body import read_capped
from .guard import check_url
from .robots import ROBOTS_MAX_BYTES, RobotsCache
from .transport import GuardedTransport

log = logging.getLogger(__name__)

REDIRECTS = (301, 302, 303, 307, 308)
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("xml", "rss", "atom", "json", "text/plain")  # sitemaps and feeds come under many labels
# A robots.txt Crawl-delay is granted up to a minute: a longer one would let a host stretch one
# poll of its pages over hours; beyond it the per-host interval still spaces our requests.
MAX_CRAWL_DELAY = 60.0
# Retry backoff: 0.5 s before the first retry, doubling after each, each wait drawn between half
# and one and a half times that, so clients refused together do not come back together.
BACKOFF_FIRST_WAIT = 0.5
BACKOFF_JITTER = 0.5


@dataclass(frozen=True)
class FetchSettings:
    """The limits of one fetch run (settings of the same names, see README)."""

    user_agent: str = "presswatch/0.1"
    concurrency: int = Settings.fetch_concurrency
    host_connections: int = Settings.host_connections  # 0: no per-host limit
    host_interval: float = Settings.host_interval  # seconds between two requests to one host; 0: none
    connect_timeout: float = Settings.connect_timeout
    read_timeout: float = Settings.read_timeout
    request_timeout: float = Settings.request_timeout  # the whole request, body included
    max_bytes: int = Settings.max_page_bytes
    max_redirects: int = Settings.max_redirects
    retries: int = Settings.fetch_retries
    retry_max_wait: float = Settings.retry_max_wait
    allow_private: bool = False
    warc_dir: Path = Path(Settings.data_dir) / "warc"
    warc_max_bytes: int = Settings.warc_max_bytes


class Hop(NamedTuple):
    """One archived response on the way to the final one."""

    url: str
    status: int
    headers: dict[str, str]
    record: ArchivedResponse


@dataclass
class Fetched:
    """What fetching one URL came to: the final response (if any), the error, every response archived."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    # ssrf | robots | unreachable | timeout | too-large | network | redirects | http | type | encoding | url
    reason: str | None = None
    retry_after: float | None = None
    archived: list[Hop] = field(default_factory=list)  # every response, redirects and retries included

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def record(self) -> ArchivedResponse | None:
        """The archived record of the final response."""
        return self.archived[-1].record if self.archived else None

    def fail(self, error: FetchFailed) -> Fetched:
        self.error, self.reason = str(error), error.reason
        return self


class Fetcher:
    """Fetches URLs under the limits of `FetchSettings`; use inside `async with`."""

    def __init__(self, settings: FetchSettings, archive: WarcArchive | None = None) -> None:
        self.settings = settings
        self.archive = archive
        self.slots = asyncio.Semaphore(settings.concurrency)
        self.host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(max(1, settings.host_connections))
        )
        self.host_turns: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.host_next: dict[str, float] = {}
        self.host_delay: dict[str, float] = {}
        self.side_hops: list[Hop] = []  # archived responses no caller asked for (robots.txt), to reference from raw
        self.robots = RobotsCache(settings.user_agent, self._read_robots)
        limits = httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency)
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout, pool=None
            ),
            # each connection goes to an address the SSRF guard checked, resolved once (no DNS rebinding)
            transport=GuardedTransport(settings.allow_private, limits),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would bypass the SSRF guard's view of the host
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate, br"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        accept: tuple[str, ...] = PAGE_TYPES,
        robots: bool = True,
        max_bytes: int | None = None,
        feed_entry: bytes | None = None,
    ) -> Fetched:
        """Fetch a URL, following redirects; never raises for what the network or the server does.

        `feed_entry`: what the feed said about the page, archived with each page-like answer.
        """
        result = Fetched(url, url)
        call = _Call(headers or {}, accept, max_bytes or self.settings.max_bytes, feed_entry)
        try:
            for _hop in range(self.settings.max_redirects + 1):
                await self._admit(result.final_url, robots)
                await self._attempts(result, call)
                location = result.headers.get("location")
                if result.status not in REDIRECTS or not location:
                    return self._judged(result)
                result.final_url = urljoin(result.final_url, location.strip())
            raise FetchFailed(f"more than {self.settings.max_redirects} redirects (setting max_redirects)", "redirects")
        except FetchFailed as exc:
            return result.fail(exc)
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:  # a malformed URL from a feed or a Location
            return result.fail(FetchFailed(f"not a URL that can be fetched ({exc})", "url"))

    async def _admit(self, url: str, robots: bool) -> None:
        await check_url(url, self.settings.allow_private)
        if robots:
            refusal = await self.robots.check(url)
            if refusal:
                raise refusal
            rules = await self.robots.rules_for(url)
            # A Crawl-delay asks for more room than our own interval: grant it, up to a minute.
            self.host_delay[urlsplit(url).netloc.lower()] = min(MAX_CRAWL_DELAY, rules.delay(self.settings.user_agent))

    async def _attempts(self, result: Fetched, call: _Call) -> None:
        for attempt in range(self.settings.retries + 1):
            await self._once(result, call)
            if result.status != 429 and (result.status or 0) < 500:
                return
            wait = result.retry_after if result.retry_after is not None else _backoff(attempt)
            if attempt == self.settings.retries or wait > self.settings.retry_max_wait:
                return
            log.info("%s answered %s; retrying in %.1f s", result.final_url, result.status, wait)
            await asyncio.sleep(wait)

    async def _once(self, result: Fetched, call: _Call) -> None:
        host = urlsplit(result.final_url).netloc.lower()
        result.status, result.headers, result.body, result.retry_after = None, {}, b"", None
        async with self._host_slot(host):
            await self._host_turn(host)
            async with self.slots:
                await self._request(result, call)

    async def _request(self, result: Fetched, call: _Call) -> None:
        url = result.final_url
        truncated: str | None = None
        response: httpx.Response | None = None
        try:
            async with asyncio.timeout(self.settings.request_timeout):
                async with self.client.stream("GET", url, headers=call.headers) as response:
                    result.status = response.status_code
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    result.retry_after = _retry_after(result.headers.get("retry-after"))
                    if response.status_code in (*REDIRECTS, 304):
                        pass  # nothing to read
                    elif not _accepted(result.content_type, call.accept):
                        truncated = "unspecified"  # a PDF or a video: not read at all
                    else:
                        _refuse_declared_size(response, call.max_bytes)
                        encoding = response.headers.get("content-encoding")
                        result.body = await read_capped(response.aiter_raw(), encoding, call.max_bytes)
        except TimeoutError:
            truncated = "time"
            message = f"no complete answer within {self.settings.request_timeout:g} s (setting request_timeout)"
            raise FetchFailed(message, "timeout") from None
        except httpx.TimeoutException as exc:
            truncated = "time"
            message = f"timed out ({type(exc).__name__}; settings connect_timeout, read_timeout)"
            raise FetchFailed(message, "timeout") from None
        except httpx.HTTPError as exc:
            truncated = "disconnect"
            raise FetchFailed(f"network error ({type(exc).__name__}: {exc})", "network") from None
        except FetchFailed:
            truncated = "length"
            raise
        finally:
            if response is not None and result.status is not None:
                self._archive(result, url, response, truncated, call)
        if truncated == "unspecified" and 200 <= response.status_code < 300:
            raise FetchFailed(f"not a page to read: content type {result.content_type or 'none'}", "type")

    def _archive(self, result: Fetched, url: str, response: httpx.Response, truncated: str | None, call: _Call) -> None:
        if self.archive is None:
            return
        readable = truncated is None and 200 <= response.status_code < 300
        record = self.archive.write(
            url,
            response.status_code,
            response.reason_phrase,
            list(response.headers.items()),
            result.body if truncated is None else b"",
            list(response.request.headers.items()),
            truncated,
            call.feed_entry if readable else None,
        )
        result.archived.append(Hop(url, response.status_code, dict(result.headers), record))

    def _host_slot(self, host: str) -> asyncio.Semaphore | _NoLimit:
        return self.host_slots[host] if self.settings.host_connections > 0 else _NO_LIMIT

    async def _host_turn(self, host: str) -> None:
        """Wait for the host's turn: `host_interval` seconds (or its robots.txt Crawl-delay) after the last."""
        interval = self.settings.host_interval
        if interval <= 0:
            return
        interval = max(interval, self.host_delay.get(host, 0.0))
        async with self.host_turns[host]:
            wait = self.host_next.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.host_next[host] = time.monotonic() + interval

    def _judged(self, result: Fetched) -> Fetched:
        """An HTTP status other than 2xx and 304 is the fetch's error."""
        status = result.status or 0
        if not 200 <= status < 300 and status != 304:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "unknown status"
            result.error, result.reason = f"HTTP {status} {phrase}", "http"
            if result.retry_after is not None and result.retry_after > self.settings.retry_max_wait:
                result.error += f"; Retry-After asks for {result.retry_after:.0f} s, longer than retry_max_wait"
        return result

    def take_side_hops(self) -> list[Hop]:
        """The robots.txt responses archived since the last call (list.pop is atomic: safe across threads)."""
        taken = []
        while self.side_hops:
            taken.append(self.side_hops.pop(0))
        return taken

    async def _read_robots(self, url: str) -> tuple[int | None, str, str | None]:
        fetched = await self.get(url, accept=("",), robots=False, max_bytes=ROBOTS_MAX_BYTES)
        self.side_hops.extend(fetched.archived)
        if fetched.status is None:
            return None, "", fetched.error
        return fetched.status, fetched.body.decode("utf-8", errors="replace"), fetched.error


@dataclass(frozen=True)
class _Call:
    headers: dict[str, str]
    accept: tuple[str, ...]
    max_bytes: int
    feed_entry: bytes | None = None  # archived beside the page it describes


class _NoLimit:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


_NO_LIMIT = _NoLimit()


def _refuse_declared_size(response: httpx.Response, max_bytes: int) -> None:
    """A Content-Length past the cap fails at once, before a byte of the body is read."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(
            f"the response announces {int(declared):,} bytes, over the {max_bytes:,}-byte cap (setting max_page_bytes)",
            "too-large",
        )


def _accepted(content_type: str, accept: tuple[str, ...]) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    return not mime or any(kind in mime for kind in accept)


def _backoff(attempt: int) -> float:
    """Exponential backoff with full jitter: 0.5 s, 1 s, 2 s, ... on average, spread so retries don't align."""
    return random.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER) * BACKOFF_FIRST_WAIT * 2.0**attempt


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
