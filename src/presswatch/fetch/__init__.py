"""Live fetching: the HTTP client and its limits, robots.txt, the SSRF guard, the WARC archive, polling."""

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
