"""An alert batch as a message: subject, plain text and HTML, each item with why it matched."""

from __future__ import annotations

import html
from typing import Any


def subject(payload: dict[str, Any]) -> str:
    count = len(payload["items"])
    return f"[presswatch] {payload['rule']}: {count} new {'match' if count == 1 else 'matches'}"


def _when(item: dict[str, Any]) -> str:
    return (item.get("published") or "")[:10]


def render_text(payload: dict[str, Any]) -> str:
    lines = [subject(payload), ""]
    for item in payload["items"]:
        lines.append(f"* {item['title'] or '(no title)'}")
        lines.append(f"  {item['source']} · {item['language']} · {_when(item)}")
        lines.append(f"  {item['url']}")
        lines.append(f"  Why: {item['why']}")
        lines.append("")
    lines.append(f"Alert {payload['rule']!r} ({payload['frequency']}); `presswatch alerts show` for its settings.")
    return "\n".join(lines) + "\n"


def render_html(payload: dict[str, Any]) -> str:
    e = html.escape
    items = "".join(
        f'<li><a href="{e(item["url"], quote=True)}">{e(item["title"] or "(no title)")}</a>'
        f"<br><small>{e(item['source'])} · {e(item['language'])} · {e(_when(item))}</small>"
        f"<br><em>Why:</em> {e(item['why'])}</li>"
        for item in payload["items"]
    )
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{e(subject(payload))}</title></head><body>'
        f"<h1>{e(subject(payload))}</h1><ul>{items}</ul>"
        f"<p><small>Alert {e(payload['rule'])} ({e(payload['frequency'])}).</small></p></body></html>"
    )
