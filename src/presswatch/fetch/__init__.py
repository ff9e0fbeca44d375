"""Fetch: the sources registry (OPML), polling feeds and sitemaps, and fetching pages politely.

Reads: `sources` (feeds, sitemaps, poll state, health) and `fetch_queue`.
Writes: `sources` health and poll state, `fetch_queue`, WARC files of every
response (data_dir/warc) with `raw` rows pointing into them; fetched pages go
through ingest's pipeline into `articles`. The HTTP client holds the limits:
robots.txt, per-host politeness, retries, size caps, the SSRF guard.
"""

from .archive import ArchivedResponse, WarcArchive
from .client import Fetched, Fetcher, FetchSettings
from .health import HEALTH_STATUSES, PollBounds
from .poll import FetchReport, Monitor, watch
from .thread import FetchThread

__all__ = [
    "ArchivedResponse",
    "FetchReport",
    "FetchSettings",
    "FetchThread",
    "Fetched",
    "Fetcher",
    "HEALTH_STATUSES",
    "Monitor",
    "PollBounds",
    "WarcArchive",
    "watch",
]
