"""Sitemaps and news sitemaps: their page URLs (with news titles and dates), queued for fetching."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ...errors import ItemError
from ...extract.dates import parse_iso
from ..files import read_capped
from ..records import IngestOptions, Item, Outcome
from .listing import FeedEntry, ParsedFeed, listing_items, xml_bytes


def parse_sitemap(data: bytes) -> ParsedFeed:
    """A sitemap or news sitemap file: its page URLs (with news titles and dates) as entries."""
    try:
        root = etree.fromstring(
            xml_bytes(data), parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        )
    except etree.XMLSyntaxError as exc:
        raise ItemError(f"not a readable sitemap ({exc})") from None
    entries = []
    for node in root:
        if not isinstance(node.tag, str) or _local_name(node.tag) not in ("url", "sitemap"):
            continue
        fields = {
            _local_name(child.tag): (child.text or "").strip()
            for child in node.iter()
            if child is not node and isinstance(child.tag, str)
        }
        if fields.get("loc"):
            published = parse_iso(fields.get("publication_date") or fields.get("lastmod"))
            entries.append(FeedEntry(fields.get("title"), fields["loc"], fields["loc"], published, None, None, None))
    return ParsedFeed(title=None, link=None, language=None, entries=entries)


def _local_name(tag: str) -> str:
    """An element's name without its namespace; lxml's QName refuses names such as an undeclared `news:news`."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def sitemap_items(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    """A sitemap file: the file is kept and every page URL it lists is queued for fetching."""
    try:
        data = read_capped(path, options.max_bytes)
        listing = parse_sitemap(data)
    except ItemError as exc:
        yield Outcome(str(path), "failed", str(exc))
        return
    yield from listing_items(path, data, listing, options)
