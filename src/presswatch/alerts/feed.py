"""A rule's matches as an Atom feed, for a feed reader subscribed to its secret URL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(when: datetime | None) -> str:
    moment = when or datetime.now(UTC)
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).isoformat().replace("+00:00", "Z")


def render_feed(rule_name: str, matches: list[dict[str, Any]], self_url: str = "") -> str:
    """Atom 1.0: one entry per match, newest first, its summary the sentence saying why it matched."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"presswatch alert: {rule_name}"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:presswatch:alert:{rule_name}"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(matches[0]["matched_at"] if matches else None)
    if self_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "presswatch"
    for match in matches:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = match.get("title") or f"article {match['article_id']}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:presswatch:alert:{rule_name}:match:{match['id']}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(match["matched_at"])
        if match.get("url"):
            ET.SubElement(entry, f"{{{ATOM}}}link", href=match["url"])
        source = match.get("source") or ""
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = f"{match['why']} — {source}".rstrip(" —")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")
