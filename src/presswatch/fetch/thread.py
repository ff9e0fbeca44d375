"""The network in a thread of its own: an asyncio loop running the Fetcher, fed from the calling thread.

The calling thread keeps the store and extraction (one writer, CPU-bound
work); the network thread only fetches and archives. Ctrl-C reaches the
calling thread, which cancels what is in flight and closes the WARC file.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from types import TracebackType
from typing import Any

from .archive import WarcArchive
from .client import PAGE_TYPES, Fetched, Fetcher, FetchSettings, Hop

# Seconds to wait for the network thread to stop on exit: its requests are already cancelled,
# so it ends at once unless a socket hangs; then exit anyway (the thread is a daemon).
STOP_TIMEOUT = 10


class FetchThread:
    """`with FetchThread(settings) as net: net.submit(url).result()`."""

    def __init__(self, settings: FetchSettings, archive: bool = True) -> None:
        self.settings = settings
        self.archive = WarcArchive(settings.warc_dir, settings.warc_max_bytes) if archive else None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="presswatch-fetch", daemon=True)
        self.fetcher: Fetcher | None = None
        self.pending: set[Future[Fetched]] = set()
        self.archived: list[Hop] = []

    def __enter__(self) -> FetchThread:
        self.thread.start()
        self.fetcher = self._run(self._open())
        return self

    async def _open(self) -> Fetcher:
        return Fetcher(self.settings, self.archive)

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def submit(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        accept: tuple[str, ...] = PAGE_TYPES,
        max_bytes: int | None = None,
        feed_entry: bytes | None = None,
    ) -> Future[Fetched]:
        assert self.fetcher is not None, "use FetchThread inside `with`"
        future = asyncio.run_coroutine_threadsafe(
            self.fetcher.get(url, headers, accept=accept, max_bytes=max_bytes, feed_entry=feed_entry), self.loop
        )
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)
        return future

    def get(self, url: str, **options: Any) -> Fetched:
        """Fetch and wait; the responses it archived are kept for `take_archived`."""
        fetched = self.submit(url, **options).result()
        self.archived.extend(fetched.archived)
        return fetched

    def take_archived(self) -> list[Hop]:
        """The responses archived by `get` and by robots.txt reads since the last call, to reference from raw."""
        assert self.fetcher is not None, "use FetchThread inside `with`"
        taken, self.archived = self.archived, []
        return taken + self.fetcher.take_side_hops()

    def sitemaps_of(self, url: str) -> list[str]:
        """The sitemaps the site's robots.txt names, news sitemaps first."""
        assert self.fetcher is not None, "use FetchThread inside `with`"
        host = self._run(self.fetcher.robots.rules_for(url))
        named = list(host.rules.sitemaps) if host.rules is not None else []
        return sorted(named, key=lambda sitemap: "news" not in sitemap.lower())

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for future in list(self.pending):
            future.cancel()  # an interrupt: what is in flight is dropped, what was stored stays stored
        if self.fetcher is not None:
            self._run(self._close(self.fetcher))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=STOP_TIMEOUT)
        self.loop.close()
        if self.archive is not None:
            self.archive.close()

    async def _close(self, fetcher: Fetcher) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await fetcher.client.aclose()
