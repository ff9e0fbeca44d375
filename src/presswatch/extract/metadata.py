"""A page's metadata, the fields presswatch keeps: title, author, URL, site name and date.

Each field comes from trafilatura's own extractor for it, in trafilatura's
order of preference (meta tags, then JSON-LD, then the page itself).
`bare_extraction(with_metadata=True)` would also look for categories, tags and
a licence, which we do not store and which cost more than all the rest: over
half of the metadata time, a tenth of the whole extraction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_metainfo,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

log = logging.getLogger(__name__)


@dataclass
class PageMetadata:
    title: str | None
    author: str | None
    url: str | None
    sitename: str | None
    date: str | None  # as htmldate gives it, in the date parameters' output format


def page_metadata(tree: HtmlElement, url: str | None, date_params: dict[str, Any]) -> PageMetadata:
    """The metadata of a parsed page; `url` is the one the container knows, used when the page names none.

    It prunes `tree` as it ends: call it once the text is extracted (trafilatura works on its own copy).
    """
    found = examine_meta(tree)
    # A one-word author in a meta tag is a handle or the outlet, rarely a person.
    if found.author and " " not in found.author:
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001 - JSON-LD is hostile input; the meta tags still stand
        log.debug("unreadable JSON-LD metadata", exc_info=True)
    found.title = found.title or extract_title(tree)
    found.url = found.url or extract_url(tree, url)
    try:
        found.date = find_date(tree, **{**date_params, "url": found.url})
    except (ValueError, OverflowError):  # a date the calendar cannot hold (an offset of +24:00, year 0)
        log.debug("htmldate could not read a date of the page", exc_info=True)
        found.date = None
    found.sitename = _sitename(found.sitename or extract_sitename(tree), found.url)
    found.author = found.author or _author(tree)  # last: it prunes the tree
    found.clean_and_trim()  # entities, white space, length caps
    return PageMetadata(found.title, found.author, found.url, found.sitename, found.date)


def _author(tree: HtmlElement) -> str | None:
    """trafilatura's `extract_author`, pruning `tree` itself where that copies the whole page first.

    The copy was a third of the author's cost, and the author is looked for on
    the page in about half of the pages (those whose meta tags name nobody).
    """
    author = extract_metainfo(prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS), AUTHOR_XPATHS, len_limit=120)
    return normalize_authors(None, author) if author else None


def _sitename(name: str | None, url: str | None) -> str | None:
    if name:
        name = name.lstrip("@")  # a Twitter handle
        if name and "." not in name and not name[0].isupper():
            name = name.title()
        return name or None
    host = urlsplit(url or "").netloc if url and url.startswith(("http://", "https://")) else ""
    return _without_www(host) or None


def _without_www(host: str) -> str:
    first, _, rest = host.partition(".")
    is_www = first == "www" or (first[:1] == "w" and first[1:].isdigit())
    return rest if is_www and rest else host
