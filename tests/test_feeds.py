from __future__ import annotations

import pytest

from presswatch.errors import ItemError
from presswatch.ingest import parse_feed

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Releases</title>
<link rel="alternate" href="https://code.example/project"/>
<entry><id>tag:code.example,2008:1</id><title>v2 &amp; more</title><link href="/project/v2"/>
<updated>2026-10-05T08:00:00+02:00</updated></entry>
<entry><id>tag:code.example,2008:2</id><title>no link at all</title></entry>
</feed>"""


def test_relative_links_resolve_and_ids_are_not_links() -> None:
    feed = parse_feed(ATOM)
    assert feed.title == "Releases"
    first, second = feed.entries
    assert first.link == "https://code.example/project/v2"
    assert first.title == "v2 & more"
    assert first.published is not None and first.published.isoformat() == "2026-10-05T06:00:00"
    assert second.link is None


def test_news_sitemap_entries_carry_titles_and_dates() -> None:
    sitemap = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><!-- comment -->
      <url><loc>https://n.example/a</loc><news:news><news:publication_date>2026-10-07T10:00:00Z</news:publication_date>
      <news:title>Camp closed</news:title></news:news></url></urlset>"""
    [entry] = parse_feed(sitemap).entries
    assert (entry.link, entry.title, entry.published.isoformat()) == (  # type: ignore[union-attr]
        "https://n.example/a",
        "Camp closed",
        "2026-10-07T10:00:00",
    )


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02 not xml", b"<html><body>Moved</body></html>", b'{"a": 1}'])
def test_unreadable_feeds_raise_item_error(data: bytes) -> None:
    with pytest.raises(ItemError):
        parse_feed(data)
