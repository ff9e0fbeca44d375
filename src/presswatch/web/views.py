"""How stored text is laid out on a page: paragraphs with their language, and marked spans (mentions, shared
passages) cut into plain pieces. Every piece stays plain text; the templates escape it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..digest.model import RTL, language_name


@dataclass(frozen=True)
class Mark:
    """A span of a text to highlight: a mention or a shared passage."""

    start: int
    end: int
    kind: str  # mention | passage
    label: str = ""


@dataclass
class Piece:
    text: str
    mark: Mark | None = None


@dataclass
class Paragraph:
    language: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL else "ltr"

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def direction(language: str | None) -> str:
    return "rtl" if (language or "") in RTL else "ltr"


def pieces(text: str, start: int, end: int, marks: list[Mark]) -> list[Piece]:
    """text[start:end] cut at the marks inside it; a mark that overlaps an earlier one is left out."""
    cut: list[Piece] = []
    at = start
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        lo, hi = max(mark.start, start), min(mark.end, end)
        if hi <= lo or lo < at:
            continue
        if lo > at:
            cut.append(Piece(text[at:lo]))
        cut.append(Piece(text[lo:hi], mark))
        at = hi
    if at < end:
        cut.append(Piece(text[at:end]))
    return cut


def paragraphs(text: str, spans: list[Any], language: str | None, marks: list[Mark]) -> list[Paragraph]:
    """The article's paragraphs, each in the language detected for it, with the marks that fall inside it."""
    if not spans:
        spans, at = [], 0
        for line in text.split("\n"):
            spans.append([at, at + len(line), language])
            at += len(line) + 1
    laid = []
    for start, end, lang in spans:
        if text[start:end].strip():
            laid.append(Paragraph(lang or language or "und", pieces(text, start, end, marks)))
    return laid


def mention_marks(mentions: list[dict[str, Any]], field_name: str) -> list[Mark]:
    return [
        Mark(m["start"], m["end"], "mention", f"{m['entity_name']} (as “{m['alias']}”)")
        for m in mentions
        if m["field"] == field_name
    ]


def passage_marks(passages: list[dict[str, Any]], side: str) -> list[Mark]:
    """The shared passages of a link, on the origin or the copy side, numbered in the order of the link."""
    return [
        Mark(p[side]["start"], p[side]["end"], "passage", f"passage {n} ({p['words']} words)")
        for n, p in enumerate(passages, 1)
    ]


def snippet_pieces(snippet: str) -> list[Piece]:
    """A search snippet cut at the matched words, which FTS5 brackets as [word]."""
    cut: list[Piece] = []
    for n, part in enumerate(re.split(r"\[([^\[\]]*)\]", snippet)):
        if part:
            cut.append(Piece(part, Mark(0, 0, "hit") if n % 2 else None))
    return cut


@dataclass(frozen=True)
class Pages:
    """Paging by fetching one row more than shown: we know whether a next page exists without counting."""

    page: int
    size: int
    has_next: bool

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def mention_summary(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per entity and written form, with how often and where (title, text) it occurs."""
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    for m in mentions:
        line = lines.setdefault((m["entity_id"], m["surface"]), {**m, "count": 0, "fields": [], "methods": []})
        line["count"] += 1
        for key, value in (("fields", m["field"]), ("methods", m["method"])):
            if value not in line[key]:
                line[key].append(value)
    return sorted(lines.values(), key=lambda line: (-line["count"], line["entity_name"]))
