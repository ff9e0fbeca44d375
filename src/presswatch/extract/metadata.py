"""A page's metadata, the fields presswatch keeps: title, author, URL, site name and date.

Each field comes from trafilatura's own extractor for it, in trafilatura's
order of preference (meta tags, then JSON-LD, then the page itself).
`bare_extraction(with_metadata=True)` would also look for categories, tags and
a licence, which we do not store and which cost more than all the rest: over
half of the metadata time, a tenth of the whole extraction.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from collections.abc import Callable
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
from trafilatura.utils import trim
from trafilatura.xml import delete_element
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
    # A fragment's tree hangs under the parser's html and body: its XPaths would look there too, the walk would not.
    if _MIRRORS_TRAFILATURA and tree.getroottree().getroot() is tree:
        author = _author_in_one_pass(tree)
    else:
        author = extract_metainfo(prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS), AUTHOR_XPATHS, len_limit=120)
    return normalize_authors(None, author) if author else None


# ---- trafilatura's author search in one walk over the page -----------------------------------
#
# trafilatura prunes two XPaths' worth of elements (comments, sidebars, dates,
# figures) and then tries three XPaths in turn, each over every element of the
# page and each testing class and id with re:test, a Python call per element
# in lxml: five walks that cost more than the rest of the metadata together.
# Their tests look at an element's own tag and attributes only, so one walk
# can tell which elements each XPath selects (in document order, as XPath
# does); the pruning then deletes those elements as trafilatura's would, and
# the author is the first selected element still in the page whose text fits,
# read from the pruned page. The tests below mirror trafilatura's XPaths as of
# the digest in `_MIRRORED_XPATHS`; with other XPaths, trafilatura's own search runs.

_MIRRORED_XPATHS = "25bd9dc7"
_MIRRORS_TRAFILATURA = (
    hashlib.sha256("\0".join(x.path for x in AUTHOR_XPATHS + AUTHOR_DISCARD_XPATHS).encode()).hexdigest()[:8]
    == _MIRRORED_XPATHS
)
AUTHOR_TEXT_LIMIT = 120  # trafilatura's len_limit for the author

Attributes = dict[str, str]


def _any_of(*words: str) -> Callable[[str], re.Match[str] | None]:
    """A search for any of these words in a value (re:test on a word alternation), one regex in C."""
    return re.compile("|".join(re.escape(word) for word in words)).search


_DISCARDED_ID = _any_of("comment-list", "commentlist", "ProductReviews")
_DISCARDED_CLASS = _any_of(
    "commentlist", "comments-list", "sidebar", "is-hidden", "quote", "embedly-instagram",
    "article-share", "article-support", "print", "category", "meta-date", "meta-reviewer",
)  # fmt: skip
_FIRST_CLASS = _any_of("author-name", "authorname", "AuthorName", "authorName")
_SECOND_ID = _any_of("author", "zuozhe", "bianji", "xiaobian")
_SECOND_CLASS = _any_of(
    "author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by", "journalist-name"
)
_THIRD_ID = _any_of("Author", "author")
_THIRD_CLASS = _any_of("Author", "author", "screenname", "writer", "Byline", "byline")


def _discarded_first(tag: str, at: Attributes) -> bool:
    """AUTHOR_DISCARD_XPATHS[0]: comment lists, sidebars, share bars, titles and dates."""
    if tag not in ("a", "div", "section", "span"):
        return False
    ident, cls = at.get("id", ""), at.get("class", "")
    return bool(
        ident == "comments"
        or cls in ("comments", "title", "date")
        or ident.startswith("comments")
        or _DISCARDED_ID(ident)
        or cls.startswith(("Comments", "comments"))
        or _DISCARDED_CLASS(cls)
        or "Figure" in at.get("data-component", "")
    )


def _author_first(tag: str, at: Attributes, rel_me: bool) -> bool:
    """AUTHOR_XPATHS[0]: rel/id/class "author", author-name classes, and <author> itself."""
    if tag == "author":
        return True
    if tag not in ("a", "address", "div", "link", "p", "span", "strong"):
        return False
    cls = at.get("class", "")
    return bool(
        at.get("rel") == "author"
        or at.get("id") == "author"
        or cls == "author"
        or at.get("itemprop") == "author name"
        or rel_me
        or at.get("data-testid") in ("AuthorCard", "AuthorURL")
        or _FIRST_CLASS(cls)
    )


def _author_second(tag: str, at: Attributes) -> bool:
    """AUTHOR_XPATHS[1]: bylines, usernames, and author or editor ids and classes."""
    if tag not in ("a", "div", "h3", "h4", "p", "span"):
        return False
    cls = at.get("class", "")
    return bool(
        cls in ("byline", "username", "byl", "BBL")
        or "author" in at.get("itemprop", "")
        or _SECOND_ID(at.get("id", ""))
        or _SECOND_CLASS(cls)
    )


def _author_third(at: Attributes) -> bool:
    """AUTHOR_XPATHS[2]: any element with a byline component, or an author, writer or byline id or class."""
    return bool(
        "Byline" in at.get("data-component", "")
        or "author" in at.get("itemprop", "")
        or _THIRD_ID(at.get("id", ""))
        or _THIRD_CLASS(at.get("class", ""))
    )


def _author_in_one_pass(tree: HtmlElement) -> str | None:
    """What `extract_metainfo(prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS), AUTHOR_XPATHS, 120)` finds.

    `tree` is the root of its document, as the XPaths' `//` start from there.
    """
    # `rel='me'` in the first XPath (no @) tests for a child element <rel> whose text is "me".
    rel_me = {rel.getparent() for rel in tree.iter("rel") if rel.text_content() == "me"}
    discarded: tuple[list[HtmlElement], list[HtmlElement]] = ([], [])
    selected: tuple[list[HtmlElement], ...] = ([], [], [])
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions: not elements to XPath's *
            continue
        if tag in ("time", "figure"):
            discarded[1].append(element)
        at: Attributes = dict(element.items())
        if not at:  # no attribute to test: only the tags can select it
            if tag == "author" or element in rel_me:
                selected[0].append(element)
            continue
        if element is not tree and _discarded_first(tag, at):  # `.//*` leaves out the page's root
            discarded[0].append(element)
        if _author_first(tag, at, element in rel_me):
            selected[0].append(element)
        if _author_second(tag, at):
            selected[1].append(element)
        if _author_third(at):
            selected[2].append(element)
    # trafilatura finds the second XPath's elements after deleting the first's: those inside a deleted
    # element are then out of the page already, and deleting them again changes nothing in it.
    for element in discarded[0] + discarded[1]:
        delete_element(element)
    for found in selected:
        for element in found:
            if _in_page(element, tree):
                content = trim(" ".join(element.itertext()))
                if content and 2 < len(content) < AUTHOR_TEXT_LIMIT:
                    return content
    return None


def _in_page(element: HtmlElement, root: HtmlElement) -> bool:
    """Whether `element` is still in the page under `root`, not in a subtree the pruning took out."""
    top = deque(element.iterancestors(), maxlen=1)  # the last ancestor: the page's root, or a pruned subtree's
    return (top[0] if top else element) is root


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
