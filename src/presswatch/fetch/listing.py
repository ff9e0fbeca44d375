"""What a polled document lists: entry links from a feed, page links and child sitemaps from a sitemap.

Feeds (RSS, Atom, JSON Feed) are read by `feeds.parse_feed` (feedparser).
Sitemaps, news sitemaps and sitemap indexes are read by
ultimate-sitemap-parser from the bytes our own client fetched: its own
fetching would bypass our limits, robots.txt, the SSRF guard and the archive,
so we use its parse-from-string entry point and fetch child sitemaps ourselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
from usp.tree import sitemap_from_str

from ..errors import ItemError
from ..extract.dates import to_utc
from ..extract.text import clean_text
from ..ingest import parse_feed, xml_bytes

log = logging.getLogger(__name__)
logging.getLogger("usp").setLevel(logging.WARNING)  # it logs every parse at INFO

# A sitemap's root element comes within its first 2 KB, after an XML declaration, comments or a
# stylesheet instruction; reading no further keeps the check cheap on a large page.
SNIFF_BYTES = 2048


@dataclass
class Link:
    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass
class FeedLinks:
    links: list[Link]
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index
    title: str | None = None
    kind: str = "feed"  # feed | sitemap

    def newest(self, limit: int) -> list[Link]:
        """At most `limit` links, newest first (undated ones after, in document order)."""
        dated = sorted((link for link in self.links if link.published), key=lambda link: link.published, reverse=True)  # type: ignore[arg-type, return-value]
        undated = [link for link in self.links if not link.published]
        return (dated + undated)[:limit]


def is_sitemap(body: bytes) -> bool:
    head = body[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    return b"<urlset" in head or b"<sitemapindex" in head


def read_listing(body: bytes, url: str) -> FeedLinks:
    """The links a feed or sitemap document lists; ItemError when it is neither."""
    if is_sitemap(body):
        return read_sitemap(body)
    feed = parse_feed(body, url)
    links = [Link(e.link, e.title, e.published) for e in feed.entries if e.link]
    return FeedLinks(links, title=feed.title)


def read_sitemap(body: bytes) -> FeedLinks:
    text = xml_bytes(body).decode("utf-8", errors="replace")
    sitemap = sitemap_from_str(text)
    if isinstance(sitemap, InvalidSitemap):
        raise ItemError(f"not a readable sitemap ({sitemap.reason})")
    if isinstance(sitemap, AbstractIndexSitemap):
        return FeedLinks([], [child.url for child in sitemap.sub_sitemaps], kind="sitemap")
    links = []
    for page in sitemap.all_pages():
        story = page.news_story
        published = (story.publish_date if story else None) or page.last_modified
        if published is not None:
            published = to_utc(published)  # never raises: a date beyond the calendar is held at its edge
        links.append(Link(page.url, clean_text(story.title) if story and story.title else None, published))
    return FeedLinks(_all_listed(body, links), kind="sitemap")


def _all_listed(body: bytes, links: list[Link]) -> list[Link]:
    """ultimate-sitemap-parser stops at some odd entries (an empty news title): then our own reader's links."""
    try:
        ours = parse_feed(body)
    except ItemError:
        return links
    if len(ours.entries) <= len(links):
        return links
    log.warning(
        "sitemap: the sitemap parser stopped after %s of %s entries; reading it ourselves",
        len(links),
        len(ours.entries),
    )
    return [Link(e.link, e.title, e.published) for e in ours.entries if e.link]
