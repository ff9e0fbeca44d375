"""Hypothesis strategies for hostile input: every input kind presswatch reads, and what users type and send.

Each file strategy draws the hostile part only; `tests/test_fuzz.py` adds the good records around it (their
URLs must be unique per example) with the `*_file` builders here. The values are what real crawls hold:
dates out of range in every spelling, wrong JSON types, bogus charsets, NUL bytes, lone surrogates, script
in titles, deep nesting; kept small, so that an example ingests in milliseconds.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# ---- values -------------------------------------------------------------------------------------

# Characters that break naive code: NUL and other controls, BOMs, non-characters, bidi and zero-width marks,
# lone surrogates (not encodable as UTF-8), the last code point, an emoji outside the BMP.
NASTY_CHARS = (
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ufffc",
    "\u200b",
    "\u200c",
    "\u202e",
    "\ud800",
    "\udfff",
    "\U0010ffff",
    "\U0001f600",
)
# Declared charsets: real ones, aliases, Python codecs that are not text encodings, and nonsense.
CHARSETS = (
    "utf-8",
    "UTF8",
    "utf-16",
    "utf-16le",
    "utf-32",
    "utf-7",
    "unicode-1-1-utf-7",
    "latin-1",
    "iso-8859-1",
    "windows-1251",
    "gb2312",
    "shift_jis",
    "koi8-r",
    "big5",
    "x-user-defined",
    "undefined",
    "none",
    "null",
    "bogus-charset",
    "binary",
    "unicode",
    "",
    "'",
    '"utf-8',
    "utf-8;",
    "cp65001",
    "rot13",
    "base64",
    "hex",
    "zlib",
    "uu",
    "idna",
    "punycode",
    "unicode_escape",
    "raw_unicode_escape",
    "utf_8_sig",
    "mbcs",
    "x" * 300,
)
# Dates as pages, feeds, sitemaps, WARC headers and JSONL records write them, with the extremes CMSs emit.
EXTREME_DATES = (
    "0001-01-01",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+05:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00-12:00",
    "9999-12-31",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T23:59:59.999999-14:00",
    "9999-12-31T23:59:59Z",
    "1969-12-31T23:59:59Z",
    "1970-01-01",
    "1900-01-01T00:00:00+01:00",
    "2038-01-19T03:14:08Z",
    "10000-01-01",
    "0000-00-00",
    "0000-00-00 00:00:00",
    "-0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "2026-W53",
    "2026-W53-7",
    "2026-366",
    "20260101",
    "20260101120000",
    "99991231235959",
    "00010101000000",
    "00000000000000",
    "Fri, 31 Dec 9999 23:59:59 -0500",
    "Mon, 01 Jan 0001 00:00:00 +0100",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "Sat, 29 Feb 2025 10:00:00 +0000",
    "now",
    "",
    " ",
    "null",
    "NaN",
    "1e309",
    "2026-01-01T25:61:61",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00+99:99",
    "٢٠٢٦-٠١-٠١",
    "２０２６-０１-０１",
    "2026-01-01\x00",
    "2026-01-01T00:00:00\ud800",
)
ZONES = (None, UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)), timezone(timedelta(hours=5.5)))


def junk_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text, NUL bytes and lone surrogates included."""
    return st.text(alphabet=st.one_of(st.characters(), st.sampled_from(NASTY_CHARS)), max_size=max_size)


@st.composite
def _spelled_date(draw: st.DrawFn) -> str:
    moment: datetime = draw(st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59)))
    zone = draw(st.sampled_from(ZONES))
    moment = moment.replace(tzinfo=zone)
    style = draw(st.sampled_from(("iso", "date", "compact", "rfc822")))
    if style == "iso":
        return moment.isoformat()
    if style == "date":
        return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    if style == "compact":
        return f"{moment.year:04d}{moment.month:02d}{moment.day:02d}{moment.hour:02d}{moment.minute:02d}00"
    day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[moment.weekday()]
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[moment.month - 1]
    offset = "GMT" if zone is None else moment.strftime("%z")
    return f"{day}, {moment.day:02d} {month} {moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:00 {offset}"


def dates() -> st.SearchStrategy[str]:
    """A date as text: the extremes, any moment of years 1-9999 in four spellings, or junk."""
    return st.one_of(st.sampled_from(EXTREME_DATES), _spelled_date(), junk_text(20))


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value: the wrong type for every field, huge numbers, NaN, NUL and lone surrogates in strings."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from((2**63, -(2**63) - 1, 10**30, -1, 0)),
        st.floats(),
        junk_text(),
        st.sampled_from(EXTREME_DATES),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(junk_text(8), children, max_size=3)),
        max_leaves=6,
    )


def deep_json(max_depth: int = 200_000) -> st.SearchStrategy[str]:
    """Deeply nested JSON text: past the parser's recursion limit at the upper end."""
    return st.builds(
        lambda depth, kind: ("[" * depth + "]" * depth) if kind else ('{"a":' * depth + "1" + "}" * depth),
        st.integers(1, max_depth),
        st.booleans(),
    )


def urls() -> st.SearchStrategy[Any]:
    """What a link field holds in the wild: good, relative, other schemes, junk, the wrong type."""
    return st.one_of(
        st.sampled_from(
            (
                "https://fuzz.example/a",
                "http://fuzz.example/a?utm_source=x#frag",
                "/relative/path",
                "relative",
                "javascript:alert(1)",
                "data:text/html,<script>alert(1)</script>",
                "mailto:a@b.example",
                "tag:fuzz.example,2026:1",
                "https://",
                "https://[::1",
                "https://fuzz.example:99999/",
                "https://xn--/",
                "https://fuzz.example/" + "a" * 5000,
                "https://fuzz.example/\x00",
                "https://fuzz.example/\ud800",
                "  https://fuzz.example/spaced  ",
                "<https://fuzz.example/angled>",
                "",
            )
        ),
        junk_text(30),
        json_values(),
    )


SCRIPT_TITLES = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><script>alert(2)</script>",
    "<svg onload=alert(3)>",
    "&lt;script&gt;alert(4)&lt;/script&gt;",
    "{{7*7}} ${7*7} <%= 7*7 %>",
)


def titles() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(SCRIPT_TITLES), junk_text(60), st.just("T" * 2_000))


# ---- HTML ---------------------------------------------------------------------------------------

TAGS = (
    "div",
    "p",
    "span",
    "a",
    "b",
    "article",
    "main",
    "section",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "script",
    "style",
    "template",
    "svg",
    "math",
    "noscript",
    "iframe",
    "textarea",
    "xmp",
    "plaintext",
    "frameset",
    "head",
    "body",
    "html",
    "title",
    "meta",
    "br",
    "pre",
    "h1",
)
ODD_MARKUP = (
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?xml version='1.0' encoding='bogus'?>",
    "<!DOCTYPE html SYSTEM 'file:///etc/passwd'>",
    "<!ENTITY x 'y'>",
    "&nbsp;",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "&zwnj;",
    "&unknown;",
    "<",
    ">",
    "</",
    "</div>",
    "<p",
    "<a href='",
    '<meta charset="utf-16">',
    '<meta http-equiv="Content-Type" content="text/html; charset=undefined">',
    '<meta property="article:published_time" content="0001-01-01T00:00:00+05:00">',
    '<meta property="article:published_time" content="9999-12-31T23:59:59-05:00">',
    '<script type="application/ld+json">{"datePublished": "9999-12-31T23:59:59-14:00"}</script>',
    '<link rel="canonical" href="javascript:alert(1)">',
    '<link rel="canonical" href="https://[::1">',
    '<html lang="\x00">',
)


def attributes() -> st.SearchStrategy[str]:
    name = st.one_of(
        st.sampled_from(("href", "src", "class", "id", "lang", "charset", "content", "onload")), junk_text(8)
    )
    value = st.one_of(st.sampled_from(SCRIPT_TITLES + CHARSETS[:6]), junk_text(20), dates())
    pair = st.builds(lambda n, v, q: f" {n}={quoteattr(v) if q else v}", name, value, st.booleans())
    return st.lists(pair, max_size=3).map("".join)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(tag: str, attrs: str, inner: list[str], closed: bool) -> str:
        return f"<{tag}{attrs}>{''.join(inner)}" + (f"</{tag}>" if closed else "")

    return st.builds(build, st.sampled_from(TAGS), attributes(), st.lists(children, max_size=4), st.booleans())


def markup() -> st.SearchStrategy[str]:
    """A random tree of elements, odd markup and junk text, tags closed or not."""
    leaves = st.one_of(junk_text(30), st.sampled_from(ODD_MARKUP), st.sampled_from(SCRIPT_TITLES))
    return st.recursive(leaves, _element, max_leaves=25)


def nesting() -> st.SearchStrategy[str]:
    """A tag opened thousands of times (closed or not): past lxml's depth limits and Python's recursion."""
    return st.builds(
        lambda tag, depth, closed: f"<{tag}>" * depth + "deep text" + (f"</{tag}>" * depth if closed else ""),
        st.sampled_from(("div", "span", "b", "table", "p", "li", "blockquote", "article")),
        st.integers(1, 5_000),
        st.booleans(),
    )


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    """An HTML page as bytes: charset in meta and in the bytes (not always the same), script in the title,
    random structure and attributes, deep nesting, NUL bytes, BOMs, truncation, or plain binary."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2_000))
    declared = draw(st.one_of(st.sampled_from(CHARSETS), junk_text(12)))
    head = f'<meta charset="{declared}"><title>{draw(titles())}</title>'
    if draw(st.booleans()):
        head += f'<meta property="article:published_time" content={quoteattr(draw(dates()))}>'
    body = draw(st.one_of(markup(), nesting(), st.lists(junk_text(200), max_size=8).map("<p>".join)))
    page = f"<!doctype html><html{draw(attributes())}><head>{head}</head><body>{body}</body></html>"
    encoding = draw(st.sampled_from(("utf-8", "utf-16", "utf-16-le", "latin-1", "cp1251", "gb2312", "utf-7")))
    data = page.encode(encoding, errors="surrogatepass" if encoding.startswith("utf-") else "replace")
    if draw(st.booleans()):
        data = draw(st.sampled_from((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))) + data
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from((b"\x00", b"\x00" * 40, b"\xff\xfe", b"\xed\xa0\x80"))) + data[at:]
    if draw(st.integers(0, 7)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


# ---- feeds, JSON Feed, sitemaps -----------------------------------------------------------------


@dataclass
class Entry:
    """One feed entry's fields as text; `raw` ones go into the XML unescaped (malformed on purpose)."""

    title: str
    link: str
    date: str
    content: str
    guid: str
    raw: bool = False


def _xml_text(value: str, raw: bool) -> str:
    return value if raw else escape(value)


def entries() -> st.SearchStrategy[Entry]:
    text = st.one_of(st.text(max_size=60), junk_text(60))
    return st.builds(
        Entry,
        title=st.one_of(titles(), text),
        link=urls().map(str),
        date=dates(),
        content=st.one_of(markup(), nesting(), text),
        guid=st.one_of(text, urls().map(str)),
        raw=st.integers(0, 4).map(lambda n: n == 0),
    )


def rss_item(entry: Entry) -> str:
    raw = entry.raw
    return (
        f"<item><title>{_xml_text(entry.title, raw)}</title><link>{_xml_text(entry.link, raw)}</link>"
        f"<pubDate>{_xml_text(entry.date, raw)}</pubDate><guid>{_xml_text(entry.guid, raw)}</guid>"
        f"<content:encoded>{_xml_text(entry.content, raw)}</content:encoded></item>"
    )


def atom_entry(entry: Entry) -> str:
    raw = entry.raw
    link = entry.link if raw else quoteattr(entry.link)
    return (
        f"<entry><title type='html'>{_xml_text(entry.title, raw)}</title><link href={link}/>"
        f"<id>{_xml_text(entry.guid, raw)}</id><updated>{_xml_text(entry.date, raw)}</updated>"
        f"<content type='html'>{_xml_text(entry.content, raw)}</content></entry>"
    )


@dataclass
class XmlFeed:
    """A feed's hostile part: the format, the declared and the actual encoding, the entries."""

    atom: bool
    declared: str
    encoding: str
    title: str
    items: list[Entry] = field(default_factory=list)


def xml_feeds() -> st.SearchStrategy[XmlFeed]:
    return st.builds(
        XmlFeed,
        atom=st.booleans(),
        declared=st.one_of(st.sampled_from(CHARSETS), junk_text(10)),
        encoding=st.sampled_from(("utf-8", "utf-16", "latin-1", "cp1251")),
        title=st.one_of(titles(), junk_text()),
        items=st.lists(entries(), max_size=4),
    )


def xml_feed_file(feed: XmlFeed, good: Entry | None) -> bytes:
    """The feed as bytes, with the good entry last (when given)."""
    items = [*feed.items, *([good] if good else [])]
    title = escape(feed.title)
    if feed.atom:
        body = "".join(atom_entry(e) for e in items)
        document = f"<feed xmlns='http://www.w3.org/2005/Atom'><title>{title}</title>{body}</feed>"
    else:
        body = "".join(rss_item(e) for e in items)
        document = (
            "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
            f"<channel><title>{title}</title><link>https://fuzz.example/</link>{body}</channel></rss>"
        )
    prolog = f"<?xml version='1.0' encoding={quoteattr(feed.declared)}?>"
    return (prolog + document).encode(feed.encoding, errors="surrogatepass" if "utf" in feed.encoding else "replace")


JSON_FEED_FIELDS = (
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "date_published",
    "date_modified",
    "author",
    "authors",
    "tags",
    "language",
)


def json_feed_items() -> st.SearchStrategy[dict[str, Any]]:
    """A JSON Feed item with any subset of its fields, each with a plausible or a wrong value."""
    plausible: dict[str, st.SearchStrategy[Any]] = {
        "url": urls(),
        "id": st.one_of(urls(), json_values()),
        "title": titles(),
        "content_html": markup(),
        "date_published": dates(),
        "date_modified": dates(),
        "authors": st.lists(st.dictionaries(st.just("name"), json_values(), max_size=1), max_size=2),
    }
    value_of = {name: st.one_of(plausible.get(name, json_values()), json_values()) for name in JSON_FEED_FIELDS}
    return st.fixed_dictionaries({}, optional=value_of)


@dataclass
class JsonFeed:
    """A JSON Feed's hostile part: its top-level fields (any of them wrong) and its items."""

    top: dict[str, Any]
    items: list[Any]
    items_wrong: Any  # used in place of the items list when not None: the wrong type for `items`
    ensure_ascii: bool


def json_feeds() -> st.SearchStrategy[JsonFeed]:
    top = st.fixed_dictionaries(
        {},
        optional={
            "title": json_values(),
            "home_page_url": urls(),
            "language": json_values(),
            "feed_url": urls(),
            "version": st.one_of(st.just("https://jsonfeed.org/version/1.1"), json_values()),
        },
    )
    return st.builds(
        JsonFeed,
        top=top,
        items=st.lists(st.one_of(json_feed_items(), json_values()), max_size=4),
        items_wrong=st.one_of(st.none(), st.none(), json_values().filter(lambda v: not isinstance(v, list))),
        ensure_ascii=st.booleans(),
    )


def json_feed_file(feed: JsonFeed, good: dict[str, Any] | None) -> bytes:
    document: dict[str, Any] = {"version": "https://jsonfeed.org/version/1.1", "title": "Fuzz feed", **feed.top}
    document["items"] = feed.items_wrong if feed.items_wrong is not None else [*feed.items, *([good] if good else [])]
    text = json.dumps(document, ensure_ascii=feed.ensure_ascii)
    return text.encode("utf-8", errors="surrogatepass")


@dataclass
class Sitemap:
    """A sitemap's hostile part: url (or sitemap) entries with any of loc, lastmod, news fields."""

    index: bool
    declared: str
    entries: list[dict[str, str]]
    news: bool


def sitemaps() -> st.SearchStrategy[Sitemap]:
    entry = st.fixed_dictionaries(
        {},
        optional={
            "loc": urls().map(str),
            "lastmod": dates(),
            "publication_date": dates(),
            "title": titles(),
            "changefreq": junk_text(10),
        },
    )
    return st.builds(
        Sitemap,
        index=st.integers(0, 4).map(lambda n: n == 0),
        declared=st.one_of(st.just("utf-8"), st.sampled_from(CHARSETS)),
        entries=st.lists(entry, max_size=5),
        news=st.booleans(),
    )


def sitemap_file(sitemap: Sitemap, good_url: str | None) -> bytes:
    node = "sitemap" if sitemap.index else "url"
    parts = []
    for entry in [*sitemap.entries, *([{"loc": good_url, "lastmod": "2026-03-01"}] if good_url else [])]:
        fields = "".join(
            f"<{name}>{escape(value)}</{name}>"
            for name, value in entry.items()
            if name in ("loc", "lastmod", "changefreq")
        )
        if sitemap.news and ("publication_date" in entry or "title" in entry):
            news = "".join(
                f"<news:{name}>{escape(entry[name])}</news:{name}>"
                for name in ("publication_date", "title")
                if name in entry
            )
            fields += f"<news:news>{news}</news:news>"
        parts.append(f"<{node}>{fields}</{node}>")
    root = "sitemapindex" if sitemap.index else "urlset"
    document = (
        f"<?xml version='1.0' encoding={quoteattr(sitemap.declared)}?>"
        f"<{root} xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        f"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>{''.join(parts)}</{root}>"
    )
    return document.encode("utf-8", errors="surrogatepass")


# ---- WARC -----------------------------------------------------------------------------------------

WARC_TYPES = ("response", "resource", "request", "metadata", "revisit", "warcinfo", "conversion", "bogus")
STATUS_LINES = ("200 OK", "404 Not Found", "999 ???", "abc", "", "200", "-1 X", "20000000000000000000 OK")


@dataclass
class WarcRecord:
    """One record's headers and payload; None leaves a header out."""

    kind: str
    uri: str | None
    date: str | None
    record_id: str | None
    content_type: str | None  # the HTTP (or, for a resource, the WARC) Content-Type
    status: str
    extra: list[tuple[str, str]]
    payload: bytes


def warc_records() -> st.SearchStrategy[WarcRecord]:
    header_text = st.one_of(st.text(max_size=30), junk_text(30))
    content_type = st.one_of(
        st.builds(lambda c: f"text/html; charset={c}", st.sampled_from(CHARSETS)),
        st.sampled_from(("text/html", "application/xhtml+xml", "text/plain", "image/png", "", ";;;", "html")),
        st.none(),
        header_text,
    )
    extra = st.lists(
        st.tuples(
            st.sampled_from(("WARC-Refers-To", "WARC-Payload-Digest", "WARC-Truncated", "WARC-IP-Address", "X-Odd")),
            header_text,
        ),
        max_size=2,
    )
    return st.builds(
        WarcRecord,
        kind=st.sampled_from(WARC_TYPES),
        uri=st.one_of(urls().map(str), st.none()),
        date=st.one_of(dates(), st.none()),
        record_id=st.one_of(st.just("<urn:uuid:00000000-0000-0000-0000-000000000000>"), header_text, st.none()),
        content_type=content_type,
        status=st.sampled_from(STATUS_LINES),
        extra=extra,
        payload=html_pages(),
    )


def _header(name: str, value: str) -> bytes:
    # A line break in a value would make a second header, not an odd value; any other byte goes in as UTF-8
    # (lone surrogates as the bytes a broken encoder writes).
    return f"{name}: {value}".replace("\r", " ").replace("\n", " ").encode("utf-8", "surrogatepass") + b"\r\n"


def warc_record_bytes(record: WarcRecord, gzipped: bool) -> bytes:
    """One record, written byte by byte: headers as given (None ones left out), Content-Length right.

    Not warcio's WARCWriter: it parses the HTTP head it is given and refuses the odd ones we want to write.
    """
    block = record.payload
    content_type = record.content_type
    if record.kind in ("response", "revisit"):
        head = _header("Content-Type", record.content_type) if record.content_type is not None else b""
        status = record.status.replace("\r", " ").replace("\n", " ").encode("utf-8", "surrogatepass")
        block = b"HTTP/1.1 " + status + b"\r\n" + head + b"\r\n" + block
        content_type = "application/http; msgtype=response"
    elif record.kind == "request":
        block = b"GET / HTTP/1.1\r\nHost: fuzz.example\r\n\r\n"
        content_type = "application/http; msgtype=request"
    headers = [("WARC-Type", record.kind)]
    for name, value in (
        ("WARC-Target-URI", record.uri),
        ("WARC-Date", record.date),
        ("WARC-Record-ID", record.record_id),
        ("Content-Type", content_type),
    ):
        if value is not None:
            headers.append((name, value))
    head = b"WARC/1.0\r\n" + b"".join(_header(n, v) for n, v in [*headers, *record.extra])
    data = head + _header("Content-Length", str(len(block))) + b"\r\n" + block + b"\r\n\r\n"
    return gzip_bytes(data) if gzipped else data


def good_warc_record(url: str, page: bytes, gzipped: bool) -> bytes:
    """A clean response record, written by warcio's own WARCWriter."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    headers = {"WARC-Date": "2026-03-01T10:00:00Z"}
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(page), http_headers=http, warc_headers_dict=headers
    )
    writer.write_record(record)
    return out.getvalue()


# Raw corruptions of a well-formed file: what a broken crawler or disk leaves.
RAW_WARC_DAMAGE = ("truncate", "length-big", "length-small", "length-junk", "length-negative", "no-version", "garbage")


def damaged(data: bytes, damage: str, at: int) -> bytes:
    """A WARC file's bytes with one raw corruption (at `at`, a fraction in thousandths where it applies)."""
    if damage == "truncate":
        return data[: len(data) * at // 1000]
    if damage.startswith("length-"):
        new = {"length-big": b"999999999", "length-small": b"3", "length-junk": b"abc", "length-negative": b"-5"}[
            damage
        ]
        start = data.find(b"Content-Length: ")
        if start < 0:
            return data
        end = data.find(b"\r\n", start)
        return data[: start + 16] + new + data[end:]
    if damage == "no-version":
        return data.replace(b"WARC/1.0\r\n", b"", 1)
    cut = len(data) * at // 1000
    return data[:cut] + b"\x00\xffgarbage\r\n\r\n" + data[cut:]


# ---- JSONL ----------------------------------------------------------------------------------------

JSONL_FIELDS = ("url", "title", "text", "html", "published", "author", "source", "language", "fetched")


def jsonl_records() -> st.SearchStrategy[dict[str, Any]]:
    plausible: dict[str, st.SearchStrategy[Any]] = {
        "url": urls(),
        "title": titles(),
        "text": st.one_of(junk_text(300), st.just("word " * 400)),
        "html": st.one_of(markup(), nesting()),
        "published": dates(),
        "fetched": dates(),
        "language": st.sampled_from(("en", "xx", "", "EN", "zh-Hant", "\x00")),
    }
    value_of = {name: st.one_of(plausible.get(name, json_values()), json_values()) for name in JSONL_FIELDS}
    return st.fixed_dictionaries({}, optional=value_of)


def jsonl_lines() -> st.SearchStrategy[bytes]:
    """One line of a JSONL file: a record with any field wrong, or not a record, or not JSON at all."""
    record = st.builds(
        lambda r, ascii_only: json.dumps(r, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass"),
        jsonl_records(),
        st.booleans(),
    )
    return st.one_of(
        record,
        record,
        json_values().map(lambda v: json.dumps(v).encode()),
        deep_json().map(str.encode),
        st.builds(
            lambda d: b'{"url": "https://fuzz.example/deep", "text": "x", "title": ' + d.encode() + b"}", deep_json()
        ),
        st.just(b'{"url": "https://fuzz.example/big", "text": "x", "title": ' + b"1" * 5_000 + b"}"),
        st.just(b'{"url": "https://fuzz.example/s", "text": "lone \\ud800 surrogate", "title": "\\udfff"}'),
        st.just(b'{"url": "https://fuzz.example/n", "text": "nul \\u0000 byte", "title": "a\\u0000b"}'),
        st.just(b'{"url": "https://fuzz.example/r", "text": "raw \xed\xa0\x80 surrogate bytes"}'),
        st.binary(max_size=200).filter(lambda b: b"\n" not in b and b"\r" not in b),
    )


# ---- what users type and send ---------------------------------------------------------------------

SEARCH_WORDS = ("harbour", "council", "camp", "tolou", "residents", "plan", "port", "families", "press", "week")
QUERY_PIECES = (
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(",
    "NEAR/3",
    "(",
    ")",
    '"',
    '""',
    "*",
    "**",
    "^",
    ":",
    "title:",
    "text:",
    "rowid:",
    "-",
    "+",
    "{",
    "}",
    ",",
    "\\",
    "'",
    "%",
    "_",
    "\x00",
    "\ud800",
    "é*",
    "مجاهدین",
    "Muxhahedinët",
)


def queries() -> st.SearchStrategy[str]:
    """A search as a user (or an attacker) types it: words, operators, quotes, stars, unicode, junk."""
    token = st.one_of(
        st.sampled_from(SEARCH_WORDS),
        st.sampled_from(QUERY_PIECES),
        st.sampled_from(SEARCH_WORDS).map(lambda w: w[:3] + "*"),
        st.sampled_from(SEARCH_WORDS).map(lambda w: f'"{w} {w}"'),
        junk_text(10),
    )
    separator = st.sampled_from((" ", " ", "", "\t", "\u3000", "\n"))
    joined = st.builds(lambda parts, sep: sep.join(parts), st.lists(token, max_size=60), separator)
    return st.one_of(joined, junk_text(200))


# Path and query parameters of the JSON API and the editor: ids, dates, weeks, pages.
IDS = ("0", "-1", "1", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1" * 40, "1e3", "0x10")
WEEKS = (
    "2026-W10",
    "9999-W52",
    "9999-W53",
    "0001-W01",
    "0000-W01",
    "10000-W01",
    "2026-W00",
    "2026-W54",
    "2026-W99",
    "-1-W01",
    "2026-w10",
    "2026",
    "2026-03",
    "2026-03-01",
    "9999-12",
    "0001-01",
    "9999-12-31",
    "W10",
    "0001-01-01..9999-12-31",
    "9999-12-31..9999-12-31",
    "0001-01-01..0001-01-01",
    "2026-03-01..2026-01-01",
    "..",
    "a..b",
    "",
)


def ids() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(IDS), st.integers(-(2**80), 2**80).map(str), junk_text(12).filter(lambda s: s.strip() != "")
    )


def weeks() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(WEEKS), junk_text(12))


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)
