"""Extraction: bytes of a page → decoded HTML → article text and metadata, repaired and language-tagged."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

import charset_normalizer
import courlan
import lxml.html
import trafilatura
from lxml import etree

from ..config import Settings
from ..errors import NoArticle, NotText
from . import language
from .dates import DateWindow, parse_iso
from .metadata import page_metadata
from .text import clean_fields, clean_text, content_hash, repair, repair_line, word_count

log = logging.getLogger(__name__)

EXTRACTOR = f"trafilatura {trafilatura.__version__}"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
# Bytes that never occur in text: NUL and the C0 controls other than tab, CR, LF, FF, ESC.
_BINARY_BYTES = bytes(range(0, 9)) + bytes([11]) + bytes(range(14, 27)) + bytes(range(28, 32))
# A page is binary when its first 4 KB hold more than 8 such bytes, or more than 1 in 100:
# enough to see an image or archive, tolerant of a stray control character in real HTML.
SNIFF_BYTES = 4096
BINARY_BYTES_TOLERATED = 8
BINARY_SHARE_TOLERATED = 100  # one in this many
# Charset detection reads this much at most: its cost grows with the input, and 200 KB of a
# page decide its encoding as well as the whole.
CHARSET_SAMPLE_BYTES = 200_000
# Stated publication times are looked for in the page's first 200,000 characters: the head
# and the top of the body, where metadata and bylines are, without scanning huge pages.
DATE_SEARCH_CHARS = 200_000
# No extensive search: it scans the whole page for date-like strings, costs a
# tenth of the extraction time, and the stated time in the metadata wins anyway.
_DATE_PARAMS = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


@dataclass
class Hints:
    """What the container (feed entry, JSONL record, WARC headers) already says about the page."""

    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    published_how: str | None = None
    language: str | None = None
    source: str | None = None
    fetched_at: datetime | None = None
    sitename: str | None = None  # the outlet's own name for itself (a feed's title), used for new sources

    def __post_init__(self) -> None:
        # Containers say anything: a JSON title that is a list, a NUL in a feed's name. Text
        # fields hold clean text or nothing, whichever reader or fetch made the hints.
        clean_fields(self, _HINT_TEXTS)


_HINT_TEXTS = tuple(f.name for f in fields(Hints) if f.name not in ("published", "fetched_at"))


@dataclass
class Extracted:
    """An article as the extract stage leaves it."""

    url: str | None
    title: str | None
    author: str | None
    sitename: str | None
    published_at: datetime | None
    published_how: str
    text: str
    word_count: int
    content_hash: str
    language: str | None
    language_confidence: float
    paragraph_languages: list[list[object]] = field(default_factory=list)
    extractor: str = EXTRACTOR
    declared_url: str | None = None  # the page's canonical link when it names another page


@dataclass(frozen=True)
class LanguageOptions:
    accuracy: str = Settings.language_accuracy
    languages: tuple[str, ...] = Settings.languages
    min_chars: int = Settings.paragraph_language_min_chars
    paragraph_languages: tuple[str, ...] = language.DEFAULT_PARAGRAPH_LANGUAGES


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode page bytes: the declared charset, then the BOM and meta tag, then detection."""
    head = body[:SNIFF_BYTES]
    if sum(head.count(b) for b in _BINARY_BYTES) > max(BINARY_BYTES_TOLERATED, len(head) // BINARY_SHARE_TOLERATED):
        raise NotText("binary data, not a text page")
    for charset in _charset_candidates(head, declared):
        if not _web_charset(charset):
            log.debug("charset %r is not a text encoding of the web; passed over", charset)
            continue
        try:
            return clean_text(body.decode(charset))
        except ValueError:  # UnicodeDecodeError, and the UnicodeError of a codec like "undefined"
            continue
    best = charset_normalizer.from_bytes(body[:CHARSET_SAMPLE_BYTES]).best()
    if best is None:
        raise NotText(f"cannot decode the page: charset {declared or 'undeclared'} does not fit and detection failed")
    log.debug("charset detected as %s", best.encoding)
    return clean_text(body.decode(best.encoding, errors="replace"))


# Python codecs that a page may name but no browser decodes a page with: they map bytes to
# text by other rules (escapes, IDNA) or raise on purpose ("undefined").
_NOT_WEB_CHARSETS = frozenset({"undefined", "unicode_escape", "raw_unicode_escape", "idna", "punycode", "utf_7"})


def _web_charset(charset: str) -> bool:
    """Whether `charset` names a text encoding a page may be in (not "undefined", a typo, or "base64")."""
    try:
        info = codecs.lookup(charset)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        return False
    return info._is_text_encoding and info.name.replace("-", "_") not in _NOT_WEB_CHARSETS


def _charset_candidates(head: bytes, declared: str | None) -> list[str]:
    candidates = []
    if head.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    if declared:
        candidates.append(declared.strip().strip("\"'"))
    match = _META_CHARSET.search(head)
    if match:
        named = match.group(1).decode("ascii", "ignore")
        # A meta tag is read in ASCII-compatible bytes, so it cannot be UTF-16: the HTML standard says UTF-8.
        candidates.append("utf-8" if named.lower().replace("_", "-").startswith(("utf-16", "utf-32")) else named)
    candidates.append("utf-8")
    return [_windows_superset(c) for c in candidates]


def _windows_superset(charset: str) -> str:
    # Browsers read latin-1 labels as windows-1252; so must we, or curly quotes vanish.
    return "cp1252" if charset.lower() in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"} else charset


def canonical_url(url: str | None) -> str | None:
    """Normalised URL: lower-case host, tracking parameters and fragment removed (as it is when it cannot be parsed)."""
    if not url:
        return None
    url = clean_text(url).strip()
    if not is_web_url(url):
        return url
    try:
        normalised = courlan.normalize_url(url, strict=False)
    except (ValueError, AttributeError):
        normalised = url
    return urldefrag(normalised)[0]


def is_web_url(url: str | None) -> bool:
    """Whether `url` is an http(s) URL with a host that parses: not "https://[::1", not a port of 99999."""
    try:
        parts = urlsplit((url or "").strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:
        return False


def extract_html(
    html: str,
    hints: Hints,
    options: LanguageOptions,
    default_url: str | None = None,
    window: DateWindow | None = None,
) -> Extracted:
    """Run trafilatura on a page and finish the result with `finish`.

    The URL is the container's (WARC, feed, JSONL) when it gives one, else the
    page's canonical link or og:url, else `default_url`. A date the container
    gives outside `window` gives way to the page's own.
    """
    window = window or DateWindow()
    # One parse for both: bare_extraction first (on its own copy of the tree), which
    # gives the same text as extract() in its plain-text form, without the fingerprint
    # and serialisation extract() adds on top; then the metadata, which may prune the
    # tree as it ends (a page without an article costs no metadata).
    tree = trafilatura.load_html(_keep_zwnj(html))
    found: Any = None
    if tree is not None:
        found = trafilatura.bare_extraction(tree, url=hints.url or default_url, include_comments=False)
    if tree is None or found is None or not getattr(found, "text", None):
        raise NoArticle("no article text found on the page")
    meta = page_metadata(tree, hints.url or default_url, _DATE_PARAMS)
    extracted_date = precise_date(parse_iso(meta.date), html)
    stated = window.admit(hints.published, f"the {hints.published_how or 'stated'} publication", hints.url)
    own_url = meta.url if is_web_url(meta.url) else None  # a page may name anything as its canonical link
    article = finish(
        _restore_zwnj(found.text) or "",
        Hints(
            url=hints.url or own_url or default_url,
            title=hints.title or _restore_zwnj(meta.title),
            author=hints.author or meta.author,
            published=stated or extracted_date,
            published_how=hints.published_how if stated else ("metadata" if extracted_date else None),
            language=hints.language,
            source=hints.source,
        ),
        options,
        sitename=meta.sitename or hints.sitename,
        window=window,
    )
    # A syndicated copy fetched at its own URL often names its origin as canonical: evidence of who was first.
    declared = canonical_url(own_url)
    return replace(article, declared_url=declared) if declared and declared != article.url else article


# trafilatura drops every non-printable character, the zero-width non-joiner
# too: Persian then loses the break inside words (می‌گوید becomes میگوید). It
# passes through extraction as a printable stand-in that pages do not use.
# The entity forms only: a pattern that starts with "&" is scanned for fast,
# where one with the bare character in an alternation costs a millisecond a page.
_ZWNJ_ENTITIES = re.compile(r"&(?:zwnj|#8204|#x200c);", re.IGNORECASE)
_ZWNJ_STAND_IN = "\ufffc"


def _keep_zwnj(html: str) -> str:
    if _ZWNJ_STAND_IN in html:
        return html  # the stand-in would not be told apart; losing the non-joiners is the lesser harm
    return _ZWNJ_ENTITIES.sub(_ZWNJ_STAND_IN, html.replace("\u200c", _ZWNJ_STAND_IN))


def _restore_zwnj(text: str | None) -> str | None:
    return text.replace(_ZWNJ_STAND_IN, "\u200c") if text else text


def finish(
    text: str, hints: Hints, options: LanguageOptions, sitename: str | None = None, window: DateWindow | None = None
) -> Extracted:
    """Repair the text, detect languages, hash and count: the common end of every ingest path.

    A publication date outside `window` (by default 1990 to two days from now)
    is dropped with a warning; the article is kept without it.
    """
    published = (window or DateWindow()).admit(
        hints.published, f"the {hints.published_how or 'stated'} publication", hints.url
    )
    text = repair(text)
    if not text:
        raise NoArticle("the article text is empty")
    detected = language.detect(
        text, options.accuracy, options.languages, options.min_chars, options.paragraph_languages
    )
    return Extracted(
        url=canonical_url(hints.url),
        title=repair_line(hints.title),
        author=repair_line(hints.author),
        sitename=repair_line(sitename or hints.sitename),
        published_at=published,
        published_how=(hints.published_how or "none") if published else "none",
        text=text,
        word_count=word_count(text),
        content_hash=content_hash(text),
        language=hints.language or detected.language,
        language_confidence=1.0 if hints.language else detected.confidence,
        paragraph_languages=[p.as_json() for p in detected.paragraphs],
    )


def html_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block element."""
    try:
        tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment
    for block in tree.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    return str(tree.text_content())


_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")


_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_PUBLISHED_META = {
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
    "pubdate",
    "publishdate",
    "parsely-pub-date",
    "sailthru.date",
}


def precise_date(found: datetime | None, html: str) -> datetime | None:
    """Keep the time of day: htmldate may settle for a date from the URL (midnight) when the
    page's metadata gives the minute, and the minute decides who published first."""
    stated = stated_publication_time(html[:DATE_SEARCH_CHARS])
    if stated is None:
        return found
    if found is None or found.date() == stated.date():
        return stated
    return found


def stated_publication_time(head: str) -> datetime | None:
    """The publication date-time a page states in its meta tags or JSON-LD, when it has a time."""
    candidates = []
    for tag in _META_TAG.findall(head):
        attributes = {k.lower(): a or b or c for k, a, b, c in _ATTRIBUTE.findall(tag)}
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or "").lower()
        if key in _PUBLISHED_META and attributes.get("content"):
            candidates.append(attributes["content"])
    candidates.extend(_JSON_LD_DATE.findall(head))
    for value in candidates:
        moment = parse_iso(value)
        if moment is not None and ("T" in value or " " in value.strip()):
            return moment
    return None
