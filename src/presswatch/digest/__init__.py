"""The weekly digest: select and rank the period's stories, summarise them, keep drafts and published versions,
render them (Markdown, HTML, JSON, Atom, .eml), send them, and build the archive site.

Reads: articles, stories, links, mentions and relevance of a period. Writes:
`digests` and `digest_items` (drafts and published versions); files and mail.
"""

from __future__ import annotations

from ..errors import UsageError
from .drafts import (
    DigestVersion,
    edit_item,
    list_issues,
    list_versions,
    load_digest,
    open_draft,
    publish,
    published_digests,
    reorder,
    save_draft,
    set_included,
    set_intro,
)
from .mail import SMTP_PORT, render_eml, send
from .model import (
    JSON_SCHEMA,
    RULES,
    SCHEMA,
    AlsoIn,
    AlsoRead,
    Digest,
    FirstPublisher,
    Item,
    Newsletter,
    Outlet,
    Period,
    Section,
    digest_dict,
    period_of,
    resolve_period,
)
from .render import html_body, render_atom, render_html, render_json, render_markdown, render_text
from .select import DIGEST_ITEMS, build_digest
from .site import build_site
from .summary import split_sentences, summarise

FORMATS = ("md", "html", "json", "atom", "eml")


def render(digest: Digest, fmt: str, sender: str | None = None, to: str = "undisclosed-recipients:;") -> str:
    """One digest in one of FORMATS, as text (the .eml as its wire form, from ``sender`` or the newsletter's)."""
    if fmt == "md":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    if fmt == "json":
        return render_json(digest)
    if fmt == "atom":
        return render_atom([digest])
    if fmt == "eml":
        return render_eml(digest, sender, to).as_string()
    raise UsageError(f"unknown digest format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = [
    "DIGEST_ITEMS",
    "FORMATS",
    "SMTP_PORT",
    "JSON_SCHEMA",
    "RULES",
    "SCHEMA",
    "AlsoIn",
    "AlsoRead",
    "Digest",
    "DigestVersion",
    "FirstPublisher",
    "Item",
    "Newsletter",
    "Outlet",
    "Period",
    "Section",
    "build_digest",
    "build_site",
    "digest_dict",
    "edit_item",
    "html_body",
    "list_issues",
    "list_versions",
    "load_digest",
    "open_draft",
    "period_of",
    "publish",
    "published_digests",
    "render",
    "render_atom",
    "render_eml",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "reorder",
    "resolve_period",
    "save_draft",
    "send",
    "set_included",
    "set_intro",
    "split_sentences",
    "summarise",
]
