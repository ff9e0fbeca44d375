"""The digest as data: a dataclass tree, its periods, and its JSON form (schema ``presswatch.digest/1``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..errors import UsageError
from ..extract.dates import parse_iso, shifted, week_bounds, week_of
from .coordination import COORDINATION_SCHEMA, Coordination, coordination_dict

SCHEMA = "presswatch.digest/1"

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "it": "Italian",
    "ru": "Russian",
    "sq": "Albanian",
    "tr": "Turkish",
}
RTL = {"ar", "fa", "he", "ur", "ps", "ku"}


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "unknown language")


# ---- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A digest's period: ``label`` is an ISO week ("2026-W42") or "2026-10-01..2026-10-07" (both days included)."""

    label: str
    since: datetime  # naive UTC, included
    until: datetime  # naive UTC, excluded

    def describe(self) -> str:
        last = self.until - timedelta(days=1)
        if self.since.year != last.year:
            return f"{_day(self.since)} {self.since.year} – {_day(last)} {last.year}"
        if self.since.month != last.month:
            return f"{_day(self.since)} – {_day(last)} {last.year}"
        return f"{self.since.day}–{_day(last)} {last.year}"


def _day(moment: datetime | date) -> str:
    return f"{moment.day} {moment.strftime('%B')}"


def period_of(label: str) -> Period:
    """The period a label names: an ISO week or two dates joined by ".."."""
    if ".." in label:
        first, _, last = label.partition("..")
        since, until = parse_iso(first), parse_iso(last)
        if since is None or until is None or until < since:
            raise UsageError(f"{label!r} is not a period; write it like 2026-10-01..2026-10-07")
        return Period(label, since, shifted(until, timedelta(days=1)))
    since, until = week_bounds(label)
    return Period(week_of(since), since, until)


def resolve_period(
    week: str | None = None,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    today: date | None = None,
) -> Period:
    """The period of the command line: ``--week``, or ``--from``/``--to`` (days, both included); by default
    the last complete ISO week before ``today``."""
    if week:
        return period_of(week)
    if date_from is not None or date_to is not None:
        today = today or datetime.now().date()
        first = _as_date(date_from) if date_from is not None else _as_date(date_to) - timedelta(days=6)  # type: ignore[arg-type]
        last = _as_date(date_to) if date_to is not None else today
        return period_of(f"{first.isoformat()}..{last.isoformat()}")
    today = today or datetime.now().date()
    monday = today - timedelta(days=today.weekday())
    return period_of(week_of(datetime.combine(monday - timedelta(days=7), datetime.min.time())))


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


# ---- the newsletter and the selection rules -------------------------------------------------------


@dataclass(frozen=True)
class Newsletter:
    """What every issue shares (settings `digest_name`, `digest_tagline`, `digest_sender`, `digest_signoff`)."""

    name: str = "presswatch digest"
    tagline: str = "The week's coverage, across outlets and languages"
    sender: str = "presswatch@localhost"
    signoff: str = ""  # the closing line above the footer; empty for none
    web_url: str = ""  # where the web UI is reached (setting digest_web_url), for links to its pages


# Which rule chose a digest's items, tried in this order until one finds something: a digest is
# never empty while its period has articles.
RULE_TOPIC = "topic"  # stories relevant to the watchlist's topic (or to any of its topics)
RULE_ENTITIES = "entities"  # every story naming a watched entity (a single article is a story too)
RULE_BIGGEST = "biggest"  # the period's biggest stories: most outlets, languages and articles
RULES = (RULE_TOPIC, RULE_ENTITIES, RULE_BIGGEST)


# ---- the tree -------------------------------------------------------------------------------------


@dataclass
class Outlet:
    name: str
    url: str
    title: str
    language: str
    published: datetime | None


@dataclass
class FirstPublisher:
    name: str
    url: str
    published: datetime | None
    how: str  # provenance: no link makes it a copy | date: the earliest date in the story


@dataclass
class AlsoIn:
    language: str
    url: str
    title: str
    outlet: str
    translation: bool  # a translation link ties it to the story


@dataclass
class AlsoRead:
    story_id: int
    title: str
    url: str
    date: datetime | None
    outlet: str


@dataclass
class Item:
    story_id: int | None
    title: str
    summary: str
    language: str
    url: str
    outlets: list[Outlet] = field(default_factory=list)
    first_publisher: FirstPublisher | None = None
    also_in: list[AlsoIn] = field(default_factory=list)
    also_read: list[AlsoRead] = field(default_factory=list)
    articles: int = 0  # the story's size at the end of the period
    languages: dict[str, int] = field(default_factory=dict)
    relevance: float = 0.0
    score: float = 0.0
    previous_articles: int | None = None  # its size in the last digest that carried it, when it came back
    included: bool = True
    item_id: int | None = None  # digest_items.id once saved


@dataclass
class Section:
    language: str
    items: list[Item]

    @property
    def name(self) -> str:
        return language_name(self.language)


@dataclass
class Digest:
    period: Period
    title: str
    topic: str | None
    items: list[Item]
    topic_name: str | None = None
    digest_id: int | None = None
    version: int = 0  # 0: the draft (or not saved); 1, 2, ...: published versions
    status: str = "draft"
    created_at: datetime | None = None
    published_at: datetime | None = None
    intro: str = ""  # the editor's note at the top of the issue (plain text, paragraphs split by blank lines)
    rule: str = RULE_TOPIC  # one of RULES: what chose the items
    rule_text: str = ""  # the rule in a sentence, with why it was the one used
    newsletter: Newsletter = field(default_factory=Newsletter)  # set from the settings when read
    coordination: Coordination | None = None  # the "Coordinated activity" section: None for none

    @property
    def headline(self) -> str:
        """The newsletter's name and the issue's title: the mail's subject, the page's title."""
        return f"{self.newsletter.name} — {self.title}" if self.newsletter.name else self.title

    @property
    def sections(self) -> list[Section]:
        """The included items grouped by language; sections come in the order of their first item."""
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            if item.included:
                grouped.setdefault(item.language, []).append(item)
        return [Section(language, items) for language, items in grouped.items()]

    @property
    def included(self) -> list[Item]:
        return [item for item in self.items if item.included]


# ---- JSON ------------------------------------------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    """Naive UTC as ISO 8601 with a Z."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def item_data(item: Item) -> dict[str, Any]:
    """What digest_items.data keeps: everything but the columns of its own."""
    return {
        "url": item.url,
        "outlets": [
            {"name": o.name, "url": o.url, "title": o.title, "language": o.language, "published": iso(o.published)}
            for o in item.outlets
        ],
        "first_publisher": None
        if item.first_publisher is None
        else {
            "name": item.first_publisher.name,
            "url": item.first_publisher.url,
            "published": iso(item.first_publisher.published),
            "how": item.first_publisher.how,
        },
        "also_in": [
            {"language": a.language, "url": a.url, "title": a.title, "outlet": a.outlet, "translation": a.translation}
            for a in item.also_in
        ],
        "also_read": [
            {"story_id": r.story_id, "title": r.title, "url": r.url, "date": iso(r.date), "outlet": r.outlet}
            for r in item.also_read
        ],
        "languages": dict(item.languages),
        "relevance": round(item.relevance, 4),
        "score": round(item.score, 4),
        "previous_articles": item.previous_articles,
    }


def item_from_data(
    data: dict[str, Any], story_id: int | None, title: str, summary: str, language: str, articles: int
) -> Item:
    first = data.get("first_publisher")
    return Item(
        story_id=story_id,
        title=title,
        summary=summary,
        language=language,
        url=data.get("url", ""),
        outlets=[
            Outlet(o["name"], o["url"], o.get("title", ""), o.get("language", ""), parse_iso(o.get("published")))
            for o in data.get("outlets", [])
        ],
        first_publisher=None
        if not first
        else FirstPublisher(first["name"], first["url"], parse_iso(first.get("published")), first.get("how", "date")),
        also_in=[
            AlsoIn(a["language"], a["url"], a.get("title", ""), a.get("outlet", ""), bool(a.get("translation")))
            for a in data.get("also_in", [])
        ],
        also_read=[
            AlsoRead(r["story_id"], r["title"], r["url"], parse_iso(r.get("date")), r.get("outlet", ""))
            for r in data.get("also_read", [])
        ],
        articles=articles,
        languages=dict(data.get("languages", {})),
        relevance=float(data.get("relevance", 0.0)),
        score=float(data.get("score", 0.0)),
        previous_articles=data.get("previous_articles"),
    )


def digest_dict(digest: Digest) -> dict[str, Any]:
    """The JSON form of a digest (see JSON_SCHEMA): included items only, by language section."""
    sections = []
    for section in digest.sections:
        items = []
        for item in section.items:
            entry: dict[str, Any] = {
                "story_id": item.story_id,
                "title": item.title,
                "summary": item.summary,
                "language": item.language,
                "articles": item.articles,
            }
            entry.update(item_data(item))
            items.append(entry)
        sections.append({"language": section.language, "language_name": section.name, "items": items})
    found: dict[str, Any] = {
        "schema": SCHEMA,
        "name": digest.newsletter.name,
        "tagline": digest.newsletter.tagline,
        "title": digest.title,
        "intro": digest.intro,
        "rule": digest.rule,
        "rule_text": digest.rule_text,
        "signoff": digest.newsletter.signoff,
        "period": digest.period.label,
        "since": iso(digest.period.since),
        "until": iso(digest.period.until),
        "topic": digest.topic,
        "topic_name": digest.topic_name,
        "version": digest.version,
        "status": digest.status,
        "published_at": iso(digest.published_at),
        "sections": sections,
    }
    if digest.coordination is not None:  # only when there is a section: digests without one are unchanged
        found["coordination"] = coordination_dict(digest.coordination, digest.newsletter.web_url)
    return found


_STR = {"type": "string"}
_DATE = {"type": ["string", "null"], "format": "date-time"}
_OUTLET = {
    "type": "object",
    "required": ["name", "url", "title", "language", "published"],
    "properties": {"name": _STR, "url": _STR, "title": _STR, "language": _STR, "published": _DATE},
}
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA,
    "title": "presswatch digest",
    "type": "object",
    "required": [
        "schema",
        "name",
        "title",
        "intro",
        "rule",
        "rule_text",
        "period",
        "since",
        "until",
        "topic",
        "version",
        "status",
        "sections",
    ],
    "properties": {
        "schema": {"const": SCHEMA},
        "name": {"type": "string", "description": "the newsletter's name (setting digest_name)"},
        "tagline": _STR,
        "title": _STR,
        "intro": {"type": "string", "description": "the editor's note; empty for none"},
        "rule": {"enum": list(RULES), "description": "what chose the items"},
        "rule_text": {"type": "string", "description": "the rule in a sentence, and why it was used"},
        "signoff": _STR,
        "period": {"type": "string", "description": "ISO week 2026-W42, or 2026-10-01..2026-10-07"},
        "since": {"type": "string", "format": "date-time", "description": "UTC, included"},
        "until": {"type": "string", "format": "date-time", "description": "UTC, excluded"},
        "topic": {"type": ["string", "null"]},
        "topic_name": {"type": ["string", "null"]},
        "version": {"type": "integer", "description": "0 the draft, 1.. published versions"},
        "status": {"enum": ["draft", "published"]},
        "published_at": _DATE,
        "coordination": COORDINATION_SCHEMA,
        "sections": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["language", "language_name", "items"],
                "properties": {
                    "language": _STR,
                    "language_name": _STR,
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "story_id",
                                "title",
                                "summary",
                                "language",
                                "articles",
                                "url",
                                "outlets",
                                "first_publisher",
                                "also_in",
                                "also_read",
                                "languages",
                            ],
                            "properties": {
                                "story_id": {"type": ["integer", "null"]},
                                "title": _STR,
                                "summary": _STR,
                                "language": _STR,
                                "articles": {"type": "integer"},
                                "url": _STR,
                                "outlets": {"type": "array", "items": _OUTLET},
                                "first_publisher": {
                                    "type": ["object", "null"],
                                    "properties": {
                                        "name": _STR,
                                        "url": _STR,
                                        "published": _DATE,
                                        "how": {"enum": ["provenance", "date"]},
                                    },
                                },
                                "also_in": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "language": _STR,
                                            "url": _STR,
                                            "title": _STR,
                                            "outlet": _STR,
                                            "translation": {"type": "boolean"},
                                        },
                                    },
                                },
                                "also_read": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "story_id": {"type": "integer"},
                                            "title": _STR,
                                            "url": _STR,
                                            "date": _DATE,
                                            "outlet": _STR,
                                        },
                                    },
                                },
                                "languages": {"type": "object", "additionalProperties": {"type": "integer"}},
                                "relevance": {"type": "number"},
                                "score": {"type": "number"},
                                "previous_articles": {"type": ["integer", "null"]},
                            },
                        },
                    },
                },
            },
        },
    },
}
