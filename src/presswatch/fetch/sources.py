"""The source registry: adding feeds, sitemaps and homepages (with feed discovery), listing with health, OPML."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from lxml import etree
from sqlalchemy import Connection, delete, func, insert, select, update
from trafilatura.feeds import FeedParameters, determine_feed

from ..errors import ItemError, NotFound, UsageError
from ..extract import decode_html
from ..ingest import domain_of, parse_feed
from ..store import queries as q
from ..store.schema import articles, fetch_queue, sources
from .client import FEED_TYPES, PAGE_TYPES, Fetched
from .health import listed_status
from .listing import is_sitemap
from .thread import FetchThread

log = logging.getLogger(__name__)

# Feed links a homepage may name, tried in order; the first that reads as a feed is the source's.
# Five cover a site's main, comments and section feeds without a fetch per link on a busy page.
MAX_CANDIDATES = 5
SOURCE_KINDS = ("feed", "sitemap")
# Outline types that name a feed or a sitemap; other types (FreshRSS's "HTML+XPath" scrapers) are not ours to poll.
OPML_TYPES = ("rss", "atom", "feed", "sitemap")


@dataclass
class FoundFeed:
    """What a URL turned out to be: a feed or a sitemap, with what it says of itself."""

    kind: str
    url: str
    title: str | None = None
    homepage: str | None = None
    language: str | None = None
    others: list[str] = field(default_factory=list)  # more feeds the homepage named


@dataclass
class SourceEntry:
    """A source to register: from `sources add` or an OPML outline."""

    feed_url: str
    kind: str = "feed"
    name: str | None = None
    homepage: str | None = None
    language: str | None = None
    country: str | None = None
    # The user typed the name (--name): a clash is an error. A name from a feed's title or an OPML outline
    # is a suggestion: a clash gets a number, "Kronika e Bregut (2)".
    name_chosen: bool = False


# ---- discovery ------------------------------------------------------------------------------


def discover(net: FetchThread, url: str) -> FoundFeed:
    """Fetch a URL: a feed or sitemap is taken as it is; a homepage is searched for its feeds."""
    fetched = net.get(url, accept=FEED_TYPES + PAGE_TYPES)
    if not fetched.ok:
        raise UsageError(f"cannot fetch {url}: {fetched.error}")
    found = _as_listing(fetched)
    if found is not None:
        return found
    # The feeds the page names, then the sitemaps robots.txt names (news sitemaps first).
    candidates = _feed_links(fetched)[:MAX_CANDIDATES] + net.sitemaps_of(fetched.final_url)[:MAX_CANDIDATES]
    for candidate in candidates:
        attempt = net.get(candidate, accept=FEED_TYPES)
        found = _as_listing(attempt) if attempt.ok else None
        if found is not None:
            found.homepage = found.homepage or fetched.final_url
            found.others = [c for c in candidates if c != candidate]
            return found
    raise UsageError(
        f"{url} is a web page that names no readable feed, and its robots.txt names no sitemap; "
        "give the address of its RSS/Atom feed or its sitemap"
    )


def _as_listing(fetched: Fetched) -> FoundFeed | None:
    if is_sitemap(fetched.body):
        return FoundFeed("sitemap", fetched.final_url, homepage=_homepage(fetched.final_url))
    try:  # whatever the Content-Type says: feeds are often served as text/html
        feed = parse_feed(fetched.body, fetched.final_url)
    except ItemError:
        return None
    return FoundFeed("feed", fetched.final_url, feed.title, feed.link or _homepage(fetched.final_url), feed.language)


def _feed_links(fetched: Fetched) -> list[str]:
    try:
        html = decode_html(fetched.body, fetched.charset)
    except ItemError:
        return []
    domain = domain_of(fetched.final_url) or ""
    return determine_feed(html, FeedParameters(fetched.final_url, domain, fetched.final_url))


def _homepage(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else None


# ---- the registry ---------------------------------------------------------------------------


def add_source(conn: Connection, entry: SourceEntry) -> tuple[int, bool]:
    """Register a source; (id, False) when its feed is already watched. A domain's feed-less source is reused."""
    if entry.kind not in SOURCE_KINDS:
        raise UsageError(f"a source is a feed or a sitemap, not {entry.kind!r}")
    existing = conn.execute(select(sources.c.id).where(sources.c.feed_url == entry.feed_url)).scalar()
    if existing is not None:
        return existing, False
    domain = domain_of(entry.homepage or entry.feed_url)
    values = {
        "feed_url": entry.feed_url,
        "kind": entry.kind,
        "homepage": entry.homepage or _homepage(entry.feed_url),
        "next_poll_at": None,  # due at once
    }
    values.update({k: v for k, v in (("language", entry.language), ("country", entry.country)) if v})
    # Articles find their source by domain, the oldest first: a feed of a domain already in the store
    # joins that source (and keeps its name), so its health and its articles stay together.
    bare = conn.execute(
        select(sources.c.id).where(sources.c.domain == domain, sources.c.feed_url.is_(None)).order_by(sources.c.id)
    ).first()
    if bare is not None:
        conn.execute(update(sources).where(sources.c.id == bare.id).values(values))
        return bare.id, True
    name = _free_name(conn, entry.name or domain or entry.feed_url, explicit=entry.name_chosen)
    row = {**values, "name": name, "domain": domain, "created_at": q.now(), "error_streak": 0, "status": "ok"}
    key = conn.execute(insert(sources).values(row)).inserted_primary_key
    assert key is not None
    return int(key[0]), True


def _free_name(conn: Connection, wanted: str, explicit: bool) -> str:
    taken = {row[0] for row in conn.execute(select(sources.c.name).where(sources.c.name.like(f"{wanted}%")))}
    if wanted not in taken:
        return wanted
    if explicit:
        raise UsageError(f"a source named {wanted!r} exists already; choose another --name")
    number = 2
    while f"{wanted} ({number})" in taken:
        number += 1
    return f"{wanted} ({number})"


def find_source(conn: Connection, key: str) -> Any:
    """A source by id, name or feed URL; NotFound naming the way to list them when there is none."""
    query = select(sources)
    if key.isdigit():
        row = conn.execute(query.where(sources.c.id == int(key))).first()
    else:
        row = conn.execute(query.where((sources.c.name == key) | (sources.c.feed_url == key))).first()
    if row is None:
        raise NotFound(f"no source {key!r}; see `presswatch sources list`")
    return row


def remove_source(conn: Connection, key: str) -> str:
    """Stop watching a source: deleted when nothing refers to it, else its feed is detached and articles stay."""
    row = find_source(conn, key)
    conn.execute(delete(fetch_queue).where(fetch_queue.c.source_id == row.id, fetch_queue.c.status == "pending"))
    used = conn.execute(select(func.count()).select_from(articles).where(articles.c.source_id == row.id)).scalar()
    queued = conn.execute(
        select(func.count()).select_from(fetch_queue).where(fetch_queue.c.source_id == row.id)
    ).scalar()
    if used or queued:
        detached = {"feed_url": None, "kind": None, "next_poll_at": None, "etag": None, "last_modified": None}
        conn.execute(update(sources).where(sources.c.id == row.id).values(detached))
        return f"{row.name}: no longer polled; its {used} articles stay in the store"
    conn.execute(delete(sources).where(sources.c.id == row.id))
    return f"{row.name}: removed"


def _count(conn: Connection, table: Any, where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar() or 0)


HEALTH_FIELDS = (
    "id",
    "name",
    "domain",
    "kind",
    "feed_url",
    "homepage",
    "language",
    "country",
    "status",
    "last_success_at",
    "last_error",
    "last_error_at",
    "error_streak",
    "last_polled_at",
    "last_status",
    "next_poll_at",
    "poll_interval",
    "items_found",
    "articles",
    "pending",
)


def sources_with_health(conn: Connection, watched_only: bool = False) -> list[dict[str, Any]]:
    """Every source with its health (status, last success, last error, error streak) and its counts."""
    pending: dict[int, int] = dict(
        conn.execute(
            select(fetch_queue.c.source_id, func.count())
            .where(fetch_queue.c.status == "pending")
            .group_by(fetch_queue.c.source_id)
        ).all()
    )
    rows = []
    for source in q.list_sources(conn):
        if watched_only and not source.get("feed_url"):
            continue
        source["pending"] = pending.get(source["id"], 0)
        source["status"] = listed_status(source)
        rows.append({name: source.get(name) for name in HEALTH_FIELDS})
    return rows


def source_with_health(conn: Connection, source_id: int) -> dict[str, Any]:
    """One source as `sources_with_health` lists it; NotFound when there is none of that id."""
    found = next((row for row in sources_with_health(conn) if row["id"] == source_id), None)
    if found is None:
        raise NotFound(f"no source {source_id}; see `presswatch sources list`")
    return found


# ---- OPML 2.0 -------------------------------------------------------------------------------


def read_opml(path: Path) -> list[SourceEntry]:
    """The feeds of an OPML file (Miniflux, FreshRSS, any reader): every outline with an xmlUrl, at any depth."""
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise UsageError(f"{path} is not a readable OPML file ({exc})") from None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "opml":
        raise UsageError(f"{path} is XML but not OPML (its root element is not <opml>)")
    entries = []
    outlines = list(root.iter("{*}outline"))
    passed_over: Counter[str] = Counter()
    for outline in outlines:
        attributes = {str(name).lower(): value for name, value in outline.attrib.items()}
        feed_url = (attributes.get("xmlurl") or "").strip()
        kind = (attributes.get("type") or "rss").lower()
        if not feed_url or kind not in OPML_TYPES:
            # A category, or a reader's own kind of source (FreshRSS's HTML+XPath scrapers).
            passed_over["without an xmlUrl" if not feed_url else f"of type {kind!r}"] += 1
            continue
        entries.append(
            SourceEntry(
                feed_url=feed_url,
                kind="sitemap" if kind == "sitemap" else "feed",
                name=(outline.get("text") or outline.get("title") or "").strip() or None,
                homepage=(attributes.get("htmlurl") or "").strip() or None,
                language=attributes.get("language") or None,
                country=attributes.get("country") or None,
            )
        )
    if not entries:
        found = ", ".join(f"{count} {why}" for why, count in passed_over.items())
        has = f"{len(outlines)} outlines ({found})" if outlines else "no <outline> elements"
        raise UsageError(
            f'{path} lists no feed to import: it has {has}; a feed is an <outline xmlUrl="..."> '
            f"of type {', '.join(OPML_TYPES)} (rss when no type is given)"
        )
    return entries


def write_opml(rows: list[dict[str, Any]], title: str = "presswatch sources") -> str:
    """OPML 2.0 with one outline per polled source, readable by Miniflux and FreshRSS."""
    created = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title><dateCreated>{created}</dateCreated></head>",
        "  <body>",
    ]
    for row in rows:
        if not row.get("feed_url"):
            continue
        attributes = {
            "type": "sitemap" if row.get("kind") == "sitemap" else "rss",
            "text": row["name"],
            "title": row["name"],
            "xmlUrl": row["feed_url"],
            "htmlUrl": row.get("homepage"),
            "language": row.get("language"),
            "country": row.get("country"),
        }
        rendered = " ".join(f"{k}={quoteattr(str(v))}" for k, v in attributes.items() if v)
        lines.append(f"    <outline {rendered}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
