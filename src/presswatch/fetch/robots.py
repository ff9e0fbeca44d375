"""robots.txt, read once per host and run, with protego, for our own user agent.

As RFC 9309 asks: a missing robots.txt (4xx) allows everything, an
unreachable one (5xx, 429, network errors) disallows everything until it can be read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from ..errors import FetchFailed

# robots.txt files past this size are cut, as Google does at 500 KiB.
ROBOTS_MAX_BYTES = 512_000


# How long rules are kept before robots.txt is read again (RFC 9309 asks for no more than a day).
ROBOTS_MAX_AGE = 24 * 3600.0
# An unreachable robots.txt is tried again sooner: the site may be back.
UNREACHABLE_MAX_AGE = 600.0


@dataclass
class HostRules:
    rules: Protego | None  # None: no robots.txt, everything allowed
    unreachable: str | None = None  # why it could not be read: everything disallowed
    read_at: float = field(default_factory=time.monotonic)

    def stale(self) -> bool:
        age = time.monotonic() - self.read_at
        return age > (UNREACHABLE_MAX_AGE if self.unreachable else ROBOTS_MAX_AGE)

    def allows(self, url: str, user_agent: str) -> bool:
        if self.unreachable:
            return False
        return self.rules is None or self.rules.can_fetch(url, user_agent)

    def delay(self, user_agent: str) -> float:
        if self.rules is None:
            return 0.0
        return float(self.rules.crawl_delay(user_agent) or 0.0)


# Reads a robots.txt URL: (HTTP status or None, body text, error).
RobotsReader = Callable[[str], Awaitable[tuple[int | None, str, str | None]]]


class RobotsCache:
    """The rules of each host (scheme and authority), fetched on first need."""

    def __init__(self, user_agent: str, read: RobotsReader) -> None:
        self.user_agent = user_agent
        self.read = read
        self.hosts: dict[str, HostRules] = {}
        self.locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> HostRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self.locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one fetch of robots.txt per host, however many pages wait for it
            if origin not in self.hosts or self.hosts[origin].stale():
                self.hosts[origin] = await self._fetch(origin)
        return self.hosts[origin]

    async def _fetch(self, origin: str) -> HostRules:
        status, text, error = await self.read(origin + "/robots.txt")
        if status is None or status >= 500 or status == 429:  # a throttled robots.txt is an unreachable one
            return HostRules(None, f"robots.txt could not be read ({error or f'HTTP {status}'})")
        if status >= 400:
            return HostRules(None)
        return HostRules(Protego.parse(text))

    async def check(self, url: str) -> FetchFailed | None:
        """Why robots.txt keeps us from the URL, or None when it allows it.

        A Disallow is a refusal ('robots': the site does not want us); an
        unreachable robots.txt is the site being down ('unreachable': try later).
        """
        rules = await self.rules_for(url)
        if rules.allows(url, self.user_agent):
            return None
        if rules.unreachable:
            message = f"{rules.unreachable}; as RFC 9309 asks, nothing is fetched from the site until it can be"
            return FetchFailed(message, "unreachable")
        return FetchFailed(f"robots.txt disallows it for user agent {self.user_agent!r}", "robots")
