"""Renderers: Markdown, plain text, HTML that survives mail clients, JSON and Atom. All third-party text is
escaped; only http(s) links are made; dates are UTC."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import quote

from .coordination import CoordinatedGroup, Coordination, web_link
from .model import RTL, Digest, Item, digest_dict, iso, language_name

ATOM = "http://www.w3.org/2005/Atom"


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) (or a relative page of the archive site), with spaces and brackets quoted;
    None otherwise: no javascript:, data: or mailto: link is ever made from article data."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def day(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.day} {moment.strftime('%b %Y')}"


def short_day(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.day} {moment.strftime('%b')}"


def stamp(moment: datetime | None) -> str:
    return "date unknown" if moment is None else f"{day(moment)} {moment.strftime('%H:%M')} UTC"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _counts(digest: Digest) -> str:
    items = digest.included
    languages = {lang for item in items for lang in item.languages}
    stories = "story" if len(items) == 1 else "stories"
    articles = sum(i.articles for i in items)
    return (
        f"{len(items)} {stories} · {articles} {'article' if articles == 1 else 'articles'} in "
        f"{len(languages)} {'language' if len(languages) == 1 else 'languages'}"
    )


def _empty(digest: Digest) -> str | None:
    """What to say instead of items, when there are none to show."""
    if not digest.items:
        return "Nothing was published in this period."
    if not digest.included:
        return "The editor left every story out of this issue."
    return None


def _selection(digest: Digest) -> str | None:
    return f"Selection: {digest.rule_text}" if digest.rule_text else None


def paragraphs(text: str) -> list[str]:
    """An editor's note as paragraphs: one per line, blank lines dropped."""
    return [_one_line(line) for line in text.splitlines() if line.strip()]


# ---- the "Coordinated activity" section (only when the latest coordination run has groups in the period) -----

COORDINATION_HEAD = "Coordinated activity"
COORDINATION_LEAD = (
    "Groups of accounts that shared the same links, posts, hashtags or texts within moments of each other, "
    "again and again, more often than chance explains (coordination run {run}). A group is a lead to check, "
    "not proof of an operation. The number after a link or hashtag is how often two members shared it so."
)


def _span(group: CoordinatedGroup) -> str:
    first, last = group.first_at, group.last_at
    if first is None or last is None:
        return "time unknown"
    if first.date() == last.date():
        return f"{day(first)} {first.strftime('%H:%M')}–{last.strftime('%H:%M')} UTC"
    return f"{day(first)} {first.strftime('%H:%M')} – {day(last)} {last.strftime('%H:%M')} UTC"


def _group_line(group: CoordinatedGroup) -> str:
    return f"Group {group.group}: {group.size} accounts"


def _group_facts(group: CoordinatedGroup) -> list[tuple[str, str]]:
    """What every rendering says of a group under its heading: when it was active, by which methods."""
    return [("Active", _span(group)), ("Linked by", ", ".join(group.methods))]


def _link_text(url: str) -> str:
    """A link as a reader scans it: no scheme, no www., at most 60 characters."""
    shown = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE).rstrip("/")
    return shown if len(shown) <= 60 else shown[:59] + "…"


def _more_groups(section: Coordination) -> str | None:
    more = section.total - len(section.groups)
    return f"{more} more {'group' if more == 1 else 'groups'} in run {section.run}" if more > 0 else None


def _returning(item: Item) -> str | None:
    if item.previous_articles is None:
        return None
    return f"Back with {item.articles - item.previous_articles} new articles since the last digest carried it."


# ---- Markdown -----------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(text: str) -> str:
    """Third-party text made inert in Markdown: one line, special characters backslash-escaped."""
    text = _one_line(text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([-=+#])", r"\\\1", text)


def md_link(text: str, url: str | None) -> str:
    target = safe_url(url)
    return f"[{md(text)}]({target})" if target else md(text)


def _md_item(item: Item) -> list[str]:
    lines = [f"### {md_link(item.title or 'Untitled', item.url)}", ""]
    if item.summary:
        lines += [md(item.summary), ""]
    outlets = ", ".join(f"{md_link(o.name, o.url)} ({short_day(o.published)})" for o in item.outlets)
    lines.append(f"- **Outlets:** {outlets}")
    if item.first_publisher:
        fp = item.first_publisher
        lines.append(f"- **First published by:** {md_link(fp.name, fp.url)}, {stamp(fp.published)}")
    if item.also_in:
        also = "; ".join(
            f"{language_name(a.language)}: {md_link(a.title or a.outlet, a.url)} — {md(a.outlet)}"
            + (" (translation)" if a.translation else "")
            for a in item.also_in
        )
        lines.append(f"- **Also in:** {also}")
    if item.also_read:
        read = "; ".join(f"{md_link(r.title, r.url)} — {md(r.outlet)}, {day(r.date)}" for r in item.also_read)
        lines.append(f"- **Also read:** {read}")
    back = _returning(item)
    if back:
        lines.append(f"- {back}")
    return [*lines, ""]


def _md_coordination(digest: Digest) -> list[str]:
    section = digest.coordination
    if section is None:
        return []
    web = digest.newsletter.web_url
    lines = [f"## {COORDINATION_HEAD}", "", md(COORDINATION_LEAD.format(run=section.run)), ""]
    for group in section.groups:
        lines += [f"### {md(_group_line(group))}", ""]
        lines += [f"- **{label}:** {md(value)}" for label, value in _group_facts(group)]
        if group.links:
            lines.append("- **Top links:** " + ", ".join(f"{md_link(_link_text(u), u)} ({n})" for u, n in group.links))
        if group.hashtags:
            lines.append("- **Top hashtags:** " + ", ".join(f"{md(t)} ({n})" for t, n in group.hashtags))
        lines += [f"- **Members, evidence and timeline:** <{web_link(group.page, web)}>", ""]
    more = _more_groups(section)
    if more:
        lines += [f"{more}: <{web_link(section.page, web)}>", ""]
    return lines


def render_markdown(digest: Digest) -> str:
    news = digest.newsletter
    lines = [f"# {md(news.name or digest.title)}", ""]
    if news.tagline:
        lines += [f"*{md(news.tagline)}*", ""]
    lines += [f"**{md(digest.title)}**", "", _counts(digest), ""]
    selection = _selection(digest)
    if selection:
        lines += [f"*{md(selection)}*", ""]
    for paragraph in paragraphs(digest.intro):
        lines += [f"> {md(paragraph)}", ">"]
    if digest.intro.strip():
        lines[-1] = ""
    empty = _empty(digest)
    if empty:
        lines += [empty, ""]
    for section in digest.sections:
        lines += [f"## In {section.name}", ""]
        for item in section.items:
            lines += _md_item(item)
    lines += _md_coordination(digest)
    if news.signoff:
        lines += ["---", ""]
        for line in paragraphs(news.signoff):
            lines += [md(line), ""]
    return "\n".join(lines).rstrip() + "\n"


# ---- plain text (the text part of the mail) ----------------------------------------------------------


def _text_coordination(digest: Digest) -> list[str]:
    section = digest.coordination
    if section is None:
        return []
    web = digest.newsletter.web_url
    lines = [f"{COORDINATION_HEAD}:", "", COORDINATION_LEAD.format(run=section.run), ""]
    for group in section.groups:
        lines.append(f"++ {_group_line(group)}")
        lines += [f"{label}: {value}" for label, value in _group_facts(group)]
        if group.links:
            lines.append("Top links: " + ", ".join(f"{_one_line(u)} ({n})" for u, n in group.links))
        if group.hashtags:
            lines.append("Top hashtags: " + ", ".join(f"{_one_line(t)} ({n})" for t, n in group.hashtags))
        lines += [f"Members, evidence and timeline: <{web_link(group.page, web)}>", ""]
    more = _more_groups(section)
    if more:
        lines += [f"{more}: <{web_link(section.page, web)}>", ""]
    return lines


def render_text(digest: Digest) -> str:
    news = digest.newsletter
    lines = [_one_line(news.name or digest.title)]
    if news.tagline:
        lines.append(_one_line(news.tagline))
    lines += ["", _one_line(digest.title), _counts(digest)]
    selection = _selection(digest)
    if selection:
        lines.append(_one_line(selection))
    lines.append("")
    if digest.intro.strip():
        lines += [*paragraphs(digest.intro), ""]
    empty = _empty(digest)
    if empty:
        lines += [empty, ""]
    elif len(digest.included) > 1:  # the head of the issue, as the seed digest has it: one ++ line an item
        lines.append("In this issue:")
        for section in digest.sections:
            lines += [f"  In {section.name}:", *[f"  ++ {_one_line(i.title)}" for i in section.items]]
        lines.append("")
    for section in digest.sections:
        lines += [f"In {section.name}:", ""]
        for item in section.items:
            lines.append(f"++ {_one_line(item.title)}")
            if item.summary:
                lines.append(_one_line(item.summary))
            lines.append("Outlets: " + ", ".join(f"{o.name} <{o.url}>" for o in item.outlets))
            if item.first_publisher:
                lines.append(
                    f"First published by: {item.first_publisher.name}, {stamp(item.first_publisher.published)}"
                )
            if item.also_in:
                lines.append(
                    "Also in: "
                    + "; ".join(f"{language_name(a.language)}: {_one_line(a.title)} <{a.url}>" for a in item.also_in)
                )
            for r in item.also_read:
                lines.append(f"Also read: {_one_line(r.title)} — {r.outlet}, {day(r.date)} <{r.url}>")
            back = _returning(item)
            if back:
                lines.append(back)
            lines.append("")
    lines += _text_coordination(digest)
    if news.signoff:
        lines += ["-- ", *paragraphs(news.signoff)]
    return "\n".join(lines).rstrip() + "\n"


# ---- HTML -------------------------------------------------------------------------------------------------

FONT = "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic',Tahoma,Arial,sans-serif"
# A 600 px column: the width mail clients and their preview panes are made for; it narrows on a phone.
WIDTH = 600
S_BODY = "margin:0;padding:0;background-color:#f4f4f2;color:#1b1b1b;"
S_OUTER = "width:100%;border-collapse:collapse;background-color:#f4f4f2;"
S_WRAP = (
    f"width:100%;max-width:{WIDTH}px;margin:0 auto;padding:16px;box-sizing:border-box;{FONT};font-size:16px;"
    "line-height:1.5;color:#1b1b1b;text-align:left;"
)
S_MAST = "border-bottom:3px solid #1b1b1b;padding:0 0 8px 0;margin:0 0 12px 0;"
S_H1 = "font-size:28px;line-height:1.2;margin:0;color:#1b1b1b;letter-spacing:-0.01em;"
S_TAGLINE = "font-size:15px;line-height:1.4;color:#595959;margin:4px 0 0 0;"
S_ISSUE = "font-size:17px;line-height:1.35;font-weight:bold;margin:0 0 2px 0;color:#1b1b1b;"
S_META = "font-size:14px;color:#595959;margin:0 0 16px 0;"
S_RULE = "font-size:13px;line-height:1.4;color:#595959;font-style:italic;margin:-10px 0 16px 0;"
S_NOTE = (
    "background-color:#fff8e1;border-left:4px solid #c9a227;border-radius:4px;padding:10px 14px;"
    "margin:0 0 16px 0;color:#1b1b1b;"
)
S_NOTE_HEAD = (
    "font-size:12px;font-weight:bold;text-transform:uppercase;letter-spacing:0.06em;color:#7a5c00;margin:0 0 4px 0;"
)
S_TOC = "background-color:#ffffff;border:1px solid #dcdcdc;border-radius:6px;padding:10px 14px;margin:0 0 8px 0;"
S_TOC_HEAD = (
    "font-size:13px;font-weight:bold;text-transform:uppercase;letter-spacing:0.06em;color:#595959;margin:0 0 4px 0;"
)
S_TOC_LANG = "font-size:14px;font-weight:bold;margin:6px 0 2px 0;color:#1b1b1b;"
S_TOC_LIST = "margin:0 0 4px 0;padding:0 20px;"  # room for the bullet on either side: some items are RTL
S_TOC_ITEM = "margin:0 0 3px 0;font-size:15px;line-height:1.35;"
S_H2 = "font-size:19px;margin:24px 0 8px 0;padding-bottom:4px;border-bottom:2px solid #b0b0b0;color:#1b1b1b;"
S_CARD = "background-color:#ffffff;border:1px solid #dcdcdc;border-radius:6px;padding:12px 14px;margin:0 0 12px 0;"
S_H3 = "font-size:17px;line-height:1.3;margin:0 0 6px 0;"
S_A = "color:#0b57a4;text-decoration:underline;word-break:break-word;"
S_P = "margin:0 0 8px 0;"
S_FACT = "margin:0 0 4px 0;font-size:14px;color:#3a3a3a;text-align:left;"
S_SIGNOFF = "margin:24px 0 0 0;font-size:16px;text-align:start;"
S_FOOT = "font-size:12px;color:#6b6b6b;margin:24px 0 0 0;"
DARK = (
    "@media (prefers-color-scheme: dark) {"
    " .pw-body, .pw-outer, .pw-wrap { background-color:#121212 !important; color:#e8e8e8 !important; }"
    " .pw-card, .pw-toc { background-color:#1e1e1e !important; border-color:#3a3a3a !important; }"
    " .pw-note { background-color:#2a2410 !important; color:#e8e8e8 !important; }"
    " .pw-mast { border-color:#e8e8e8 !important; }"
    " .pw-body h1, .pw-body h2, .pw-body h3, .pw-fact, .pw-issue, .pw-toc-lang { color:#e8e8e8 !important; }"
    " .pw-body a { color:#8ab4f8 !important; } }"
)


def esc(text: str) -> str:
    return html.escape(_one_line(text), quote=True)


def a(text: str, url: str | None) -> str:
    target = safe_url(url)
    if not target:
        return esc(text)
    return f'<a href="{html.escape(target, quote=True)}" style="{S_A}">{esc(text)}</a>'


def isolated(markup: str, language: str | None = None) -> str:
    """Third-party text inside an English sentence, kept from reordering it: a Persian outlet's name before
    ", 21 Oct" would otherwise pull the date into its right-to-left run. The direction is the text's own
    (a known language's, else the first strong letter's); `unicode-bidi:isolate` for clients that ignore dir."""
    direction = ("rtl" if language in RTL else "ltr") if language and language != "und" else "auto"
    lang = f' lang="{esc(language)}"' if language else ""
    return f'<span dir="{direction}"{lang} style="unicode-bidi:isolate;">{markup}</span>'


def _align(item: Item) -> str:
    # The column is aligned left for clients that centre a table cell's text; a right-to-left block says so.
    return "text-align:right;" if item.language in RTL else "text-align:left;"


def _lang_attrs(language: str) -> str:
    direction = "rtl" if language in RTL else "ltr"
    return f'lang="{esc(language)}" dir="{direction}"'


def _html_item(item: Item, number: int) -> str:
    parts = [
        f'<div class="pw-card" id="pw-item-{number}" {_lang_attrs(item.language)} style="{S_CARD}{_align(item)}">',
        f'<h3 style="{S_H3}">{a(item.title or "Untitled", item.url)}</h3>',
    ]
    if item.summary:
        parts.append(f'<p style="{S_P}">{esc(item.summary)}</p>')
    facts = []
    outlets = ", ".join(f"{isolated(a(o.name, o.url))} ({esc(short_day(o.published))})" for o in item.outlets)
    facts.append(f"<b>Outlets:</b> {outlets}")
    if item.first_publisher:
        fp = item.first_publisher
        facts.append(f"<b>First published by:</b> {isolated(a(fp.name, fp.url))}, {esc(stamp(fp.published))}")
    if item.also_in:
        facts.append(
            "<b>Also in:</b> "
            + "; ".join(
                f"{esc(language_name(x.language))}: {isolated(a(x.title or x.outlet, x.url), x.language)}"
                f" — {isolated(esc(x.outlet))}" + (" (translation)" if x.translation else "")
                for x in item.also_in
            )
        )
    if item.also_read:
        facts.append(
            "<b>Also read:</b> "
            + "; ".join(
                f"{isolated(a(r.title, r.url))} — {isolated(esc(r.outlet))}, {esc(day(r.date))}" for r in item.also_read
            )
        )
    back = _returning(item)
    if back:
        facts.append(esc(back))
    # the facts are in English: they read left to right even inside a right-to-left card
    parts += [f'<p class="pw-fact" dir="ltr" lang="en" style="{S_FACT}">{fact}</p>' for fact in facts]
    parts.append("</div>")
    return "\n".join(parts)


def _html_head(digest: Digest) -> list[str]:
    """The masthead (the newsletter's name and tagline), the issue's title, counts and selection rule, and the
    editor's note."""
    news = digest.newsletter
    parts = [f'<div class="pw-mast" style="{S_MAST}">', f'<h1 style="{S_H1}">{esc(news.name or digest.title)}</h1>']
    if news.tagline:
        parts.append(f'<p style="{S_TAGLINE}">{esc(news.tagline)}</p>')
    parts += [
        "</div>",
        f'<p class="pw-issue" dir="auto" style="{S_ISSUE}">{esc(digest.title)}</p>',
        f'<p style="{S_META}">{esc(_counts(digest))}</p>',
    ]
    selection = _selection(digest)
    if selection:
        parts.append(f'<p class="pw-rule" style="{S_RULE}">{esc(selection)}</p>')
    notes = paragraphs(digest.intro)
    if notes:
        parts.append(f'<div class="pw-note" style="{S_NOTE}">')
        parts.append(f'<p style="{S_NOTE_HEAD}">Editor\'s note</p>')
        parts += [
            f'<p dir="auto" style="{S_P if n < len(notes) - 1 else "margin:0;"}text-align:start;">{esc(text)}</p>'
            for n, text in enumerate(notes)
        ]
        parts.append("</div>")
    return parts


def _html_contents(digest: Digest) -> list[str]:
    """In this issue: every item's title, by language section, each a link to its card."""
    sections = digest.sections
    if len(digest.included) < 2:
        return []
    parts = [f'<div class="pw-toc" style="{S_TOC}">', f'<p style="{S_TOC_HEAD}">In this issue</p>']
    number = 0
    for section in sections:
        if len(sections) > 1:
            parts.append(f'<p class="pw-toc-lang" style="{S_TOC_LANG}">In {esc(section.name)}</p>')
        parts.append(f'<ul style="{S_TOC_LIST}">')
        for item in section.items:
            number += 1
            parts.append(
                f'<li {_lang_attrs(item.language)} style="{S_TOC_ITEM}{_align(item)}">'
                f'<a href="#pw-item-{number}" style="{S_A}">{esc(item.title or "Untitled")}</a></li>'
            )
        parts.append("</ul>")
    parts.append("</div>")
    return parts


def _page_link(text: str, path: str, web_url: str) -> str:
    """A link to a page of the web UI: absolute under digest_web_url, else the path (our own, made of numbers)."""
    target = safe_url(web_link(path, web_url)) if web_url else path
    if not target or not target.startswith(("/", "http")):
        return esc(text)
    return f'<a href="{html.escape(target, quote=True)}" style="{S_A}">{esc(text)}</a>'


def _html_coordination(digest: Digest) -> list[str]:
    """The "Coordinated activity" section: one card a group, its facts in English reading left to right, its
    hashtags and links each isolated in their own direction (a Persian hashtag stays whole)."""
    section = digest.coordination
    if section is None:
        return []
    web = digest.newsletter.web_url
    parts = [
        f'<div class="pw-coordination" lang="en" dir="ltr" data-run="{section.run}">',
        f'<h2 style="{S_H2}">{esc(COORDINATION_HEAD)}</h2>',
        f'<p class="pw-fact" style="{S_FACT}">{esc(COORDINATION_LEAD.format(run=section.run))}</p>',
    ]
    for group in section.groups:
        facts = [f"<b>{label}:</b> {esc(value)}" for label, value in _group_facts(group)]
        if group.links:
            links = ", ".join(f"{isolated(a(_link_text(u), u))} ({n})" for u, n in group.links)
            facts.append(f"<b>Top links:</b> {links}")
        if group.hashtags:
            tags = ", ".join(f"{isolated(esc(t))} ({n})" for t, n in group.hashtags)
            facts.append(f"<b>Top hashtags:</b> {tags}")
        facts.append(_page_link("Members, evidence and timeline", group.page, web))
        parts += [
            f'<div class="pw-card pw-group" id="pw-group-{group.group}" style="{S_CARD}text-align:left;">',
            f'<h3 style="{S_H3}">{esc(_group_line(group))}</h3>',
            *[f'<p class="pw-fact" style="{S_FACT}">{fact}</p>' for fact in facts],
            "</div>",
        ]
    more = _more_groups(section)
    if more:
        parts.append(f'<p class="pw-fact" style="{S_FACT}">{_page_link(more, section.page, web)}</p>')
    parts.append("</div>")
    return parts


def html_body(digest: Digest) -> str:
    """The digest as an HTML fragment with inline styles: for pages, mails and Atom entries."""
    parts = _html_head(digest)
    empty = _empty(digest)
    if empty:
        parts.append(f'<p style="{S_P}">{esc(empty)}</p>')
    parts += _html_contents(digest)
    number = 0
    for section in digest.sections:
        parts.append(f'<div class="pw-section" data-language="{esc(section.language)}">')
        parts.append(f'<h2 style="{S_H2}">In {esc(section.name)}</h2>')
        for item in section.items:
            number += 1
            parts.append(_html_item(item, number))
        parts.append("</div>")
    parts += _html_coordination(digest)
    if digest.newsletter.signoff:
        lines = "<br>".join(esc(line) for line in paragraphs(digest.newsletter.signoff))
        parts.append(f'<p class="pw-signoff" dir="auto" style="{S_SIGNOFF}">{lines}</p>')
    return "\n".join(parts)


def render_html(digest: Digest, header: str = "", footer: str = "") -> str:
    """A whole page, made for mail clients: every style inline (the one <style> only adds dark mode), no
    JavaScript, a 600 px column in a presentation table that narrows on a phone. ``header``/``footer`` are
    trusted HTML (the archive site's navigation)."""
    foot = footer or esc(f"Made with presswatch from public reporting. Version {digest.version or 'draft'}.")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n<meta name="supported-color-schemes" content="light dark">\n'
        f"<title>{esc(digest.headline)}</title>\n<style>{DARK}</style>\n</head>\n"
        f'<body class="pw-body" style="{S_BODY}">\n'
        f'<table role="presentation" class="pw-outer" width="100%" cellpadding="0" cellspacing="0" style="{S_OUTER}">'
        f'<tr><td align="center" style="padding:0;">\n'
        f'<div class="pw-wrap" style="{S_WRAP}">\n'
        f"{header}{html_body(digest)}\n"
        f'<p style="{S_FOOT}">{foot}</p>\n</div>\n</td></tr></table>\n</body>\n</html>\n'
    )


# ---- JSON ---------------------------------------------------------------------------------------------------


def render_json(digest: Digest) -> str:
    return json.dumps(digest_dict(digest), ensure_ascii=False, indent=2) + "\n"


# ---- Atom ---------------------------------------------------------------------------------------------------


def entry_id(digest: Digest, base: str = "tag:presswatch,2026:digest") -> str:
    return f"{base}/{quote(digest.period.label)}/{quote(digest.topic or 'all')}/v{digest.version}"


def render_atom(
    digests: Sequence[Digest],
    title: str = "presswatch digests",
    feed_id: str = "tag:presswatch,2026:digests",
    self_url: str | None = None,
    link_for: Callable[[Digest], str] | None = None,
) -> str:
    """An Atom 1.0 feed with one entry per digest (its HTML as content). ``link_for`` gives each entry's page."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    def when(d: Digest) -> datetime:
        return d.published_at or d.created_at or d.period.until

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", title)
    sub(feed, "id", feed_id)
    sub(feed, "updated", iso(max((when(d) for d in digests), default=datetime(1970, 1, 1))))
    author = sub(feed, "author")
    sub(author, "name", "presswatch")
    sub(feed, "generator", "presswatch")
    if self_url:
        sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    for digest in digests:
        entry = sub(feed, "entry")
        sub(entry, "title", _one_line(digest.headline))
        sub(entry, "id", entry_id(digest))
        sub(entry, "updated", iso(when(digest)))
        if digest.published_at:
            sub(entry, "published", iso(digest.published_at))
        if link_for:
            sub(entry, "link", rel="alternate", type="text/html", href=link_for(digest))
        sub(entry, "summary", _counts(digest))
        sub(entry, "content", html_body(digest), type="html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
