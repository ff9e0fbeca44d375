"""The archive site: a static folder of the published digests (index, one page each, an Atom feed) that
works from the file system: every link between its pages is relative."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection

from .drafts import published_digests
from .model import Digest, Newsletter
from .render import S_A, S_META, esc, render_atom, render_html

INDEX_STYLE = (
    "margin:0;padding:16px;background-color:#f4f4f2;color:#1b1b1b;"
    "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;font-size:16px;line-height:1.5;"
)


def page_name(digest: Digest) -> str:
    """digests/2026-W42-tolou.html: one page per period and topic, the latest version."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{digest.period.label}-{digest.topic or 'all'}").strip("-")
    return f"digests/{slug}.html"


def build_site(
    conn: Connection, out_dir: str | Path, base_url: str | None = None, newsletter: Newsletter | None = None
) -> list[Path]:
    """Write the archive of published digests into ``out_dir``: index.html, digests/*.html and feed.atom.
    ``base_url`` (where the folder will be served) makes the feed's links absolute; without it they are
    relative to the feed. Returns the files written."""
    out = Path(out_dir)
    (out / "digests").mkdir(parents=True, exist_ok=True)
    news = newsletter or Newsletter()
    digests = published_digests(conn)
    for digest in digests:
        digest.newsletter = news
    name = esc(news.name or "presswatch digests")
    base = (base_url.rstrip("/") + "/") if base_url else ""
    written = []
    for digest in digests:
        header = (
            f'<p style="{S_META}"><a href="../index.html" style="{S_A}">All digests</a> · '
            f'<a href="../feed.atom" style="{S_A}">Atom feed</a></p>\n'
        )
        footer = f"Version {digest.version}, published {esc(str(digest.published_at or ''))} UTC."
        path = out / page_name(digest)
        path.write_text(render_html(digest, header=header, footer=footer), encoding="utf-8")
        written.append(path)
    rows = "\n".join(
        f'<li style="margin:0 0 8px 0;">{_relative_link(d)} <span style="{S_META}">'
        f"— {esc(d.period.describe())}, version {d.version}</span></li>"
        for d in digests
    )
    index = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="color-scheme" content="light dark">\n<title>{name}</title>\n'
        f'<link rel="alternate" type="application/atom+xml" title="{name}" href="feed.atom">\n'
        f'</head>\n<body style="{INDEX_STYLE}">\n<h1 style="font-size:24px;">{name}</h1>\n'
        + (f'<p style="{S_META}">{esc(news.tagline)}</p>\n' if news.tagline else "")
        + f'<p style="{S_META}"><a href="feed.atom" style="{S_A}">Atom feed</a></p>\n'
        f'<ul style="padding-left:20px;">\n{rows or "<li>No digest has been published yet.</li>"}\n</ul>\n'
        "</body>\n</html>\n"
    )
    (out / "index.html").write_text(index, encoding="utf-8")
    feed = render_atom(
        digests,
        title=news.name or "presswatch digests",
        self_url=f"{base}feed.atom" if base else None,
        link_for=lambda d: base + page_name(d),
    )
    (out / "feed.atom").write_text(feed, encoding="utf-8")
    return [out / "index.html", *written, out / "feed.atom"]


def _relative_link(digest: Digest) -> str:
    return f'<a href="{esc(page_name(digest))}" style="{S_A}">{esc(digest.title)}</a>'
