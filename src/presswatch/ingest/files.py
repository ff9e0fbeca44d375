"""Finding the input files, telling their kind, and reading them within the size cap."""

from __future__ import annotations

import glob
import gzip
import zlib
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputTooLarge, ItemError, UsageError

_HTML = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
_WARC = (".warc", ".warc.gz", ".arc", ".arc.gz", ".warc.lz4", ".warc.zst")
_FEED = (".xml", ".rss", ".atom", ".rdf", ".feed", ".json")
_JSONL = (".jsonl", ".ndjson", ".jsonl.gz")
# A file's kind is told from its first 2 KB: a WARC header line, or an XML or HTML root element
# after a declaration, comments or a doctype, comes well within it.
SNIFF_BYTES = 2048


def expand_paths(arguments: Iterable[str]) -> list[Path]:
    """Files, directories (recursive) and globs → the input files, in a stable order."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)))
        elif path.exists():
            found.append(path)
        elif any(ch in argument for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(argument, recursive=True) if Path(m).is_file())
            if not matches:
                raise UsageError(f"no file matches {argument!r}")
            found.extend(matches)
        elif "://" in argument:
            raise UsageError(f"{argument}: inputs by URL are read on a cluster only (--cluster); else download it")
        else:
            raise UsageError(f"no such file or directory: {argument}")
    return list(dict.fromkeys(found))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def kind_of(path: Path) -> str | None:
    """The reader a file needs, by its name, else by its first bytes."""
    name = path.name.lower()
    for kind, suffixes in (("html", _HTML), ("warc", _WARC), ("jsonl", _JSONL), ("feed", _FEED)):
        if name.endswith(suffixes):
            # Sitemaps are XML files as feeds are: only their first bytes tell them apart.
            return "sitemap" if kind == "feed" and _sniff(path) == "sitemap" else kind
    return _sniff(path)


def _sniff(path: Path) -> str | None:
    try:
        with open(path, "rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError:
        return None
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as unpacked:
                head = unpacked.read(SNIFF_BYTES)
        except (OSError, EOFError, zlib.error):
            return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"warc/", b"filedesc://")):
        return "warc"
    if b"<urlset" in text or b"<sitemapindex" in text:
        return "sitemap"
    if b"<rss" in text or b"<feed" in text or b"<rdf:rdf" in text:
        return "feed"
    if text.startswith((b"<!doctype html", b"<html")) or b"<body" in text:
        return "html"
    if text.startswith(b"{") and b'"url"' in text:
        return "jsonl"
    return None


def read_capped(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, gunzipped when it is gzip, refused past the cap (decompression bombs too)."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        magic = stream.read(2)
        stream.seek(0)
        if magic != b"\x1f\x8b":
            if size > max_bytes:
                raise InputTooLarge(
                    f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB cap (setting max_page_bytes)"
                )
            return stream.read()
        try:
            data = gzip.GzipFile(fileobj=stream).read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise ItemError(f"broken gzip data ({exc or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise InputTooLarge(f"the file unpacks to more than the {max_bytes / 1e6:.1f} MB cap (setting max_page_bytes)")
    return data


def read_kept(path: Path, max_bytes: int) -> tuple[bytes, bytes | None]:
    """A file's bytes as `read_capped` gives them, and the file's own bytes when they are one whole gzip member.

    Such a file can be kept in `raw` as it is, instead of compressed again:
    compressing a page costs about as much as storing it.
    """
    if path.stat().st_size <= max_bytes:
        packed = path.read_bytes()
        if packed[:2] == b"\x1f\x8b":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip, one member
            try:
                data = inflater.decompress(packed, max_bytes + 1)
            except zlib.error:
                data = b""  # broken: read_capped says how
            if inflater.eof and not inflater.unused_data and len(data) <= max_bytes:
                return data, packed
    return read_capped(path, max_bytes), None
