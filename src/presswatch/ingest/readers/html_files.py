"""HTML files: one page each, its URL from the page, else from --base-url and the file's path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

from ...errors import ItemError
from ...extract import Hints
from ..files import read_kept
from ..records import IngestOptions, Item, Outcome


def html_items(path: Path, root: Path | None, options: IngestOptions) -> Iterator[Item | Outcome]:
    try:
        payload, packed = read_kept(path, options.max_bytes)
    except ItemError as exc:
        yield Outcome(str(path), "failed", str(exc))
        return
    default_url = path.resolve().as_uri()
    if options.base_url:
        relative = path.relative_to(root).as_posix() if root else path.name
        default_url = urljoin(options.base_url.rstrip("/") + "/", relative)
    yield Item(
        str(path),
        "html",
        str(path.resolve()),
        None,
        payload,
        Hints(source=options.source),
        default_url=default_url,
        packed=packed,
    )
