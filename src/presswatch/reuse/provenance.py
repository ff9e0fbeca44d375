"""Who published first: the direction of a link, with a confidence and a stated reason.

The earliest reliable date decides. A date is reliable when the page or its
feed stated it; a capture time is not a publication time; a date given
without its time decides nothing against another moment of the same day.
Ties and missing dates are settled by evidence: the copy names its source
("Link to the source: URL") or declares the origin as its canonical page, a
translation credits its translator or names its source's outlet ("Burimi:
Balkanspost"), or one text holds all of the other. With no evidence the link
stays undirected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from anyascii import anyascii

RELIABLE_DATES = ("metadata", "feed", "record")
SAME_TIME_MINUTES = 5  # reliable dates this close decide nothing: feeds and CMSs round and lag by minutes
# How sure each kind of evidence makes the direction, strongest first: the copy links to its
# source; it names it as canonical; a translator is credited; reliable dates an hour or more
# apart (closer ones may be clock or time-zone error); one text holds all of the other and more.
# Without evidence the order of arrival is a coin toss.
CITATION_CONFIDENCE = 0.95
CANONICAL_CONFIDENCE = 0.9
CREDIT_CONFIDENCE = 0.85
DATES_CONFIDENCE = 0.9
CLOSE_DATES_CONFIDENCE = 0.75
OUTLET_CONFIDENCE = 0.8
CONTAINMENT_CONFIDENCE = 0.7
GUESS_CONFIDENCE = 0.5
CLOSE_DATES_MINUTES = 60  # dates less than this apart give CLOSE_DATES_CONFIDENCE
# Evidence that reliable dates contradict by more than an hour (more than clock error) is worth
# at most this: someone is wrong, and the reason says so.
CONTRADICTED_CONFIDENCE = 0.6
CONTRADICTION_SECONDS = 3600
# Containment: at least this share of one page's words are in shared passages (the origin)...
CONTAINS_ALL = 0.8
# ...and less than this share of the other's: it holds much else (a digest republishing it).
CONTAINS_MORE = 0.6
# An outlet name shorter than this ("AP", "RT") is found in texts by chance.
OUTLET_NAME_MIN_CHARS = 5
# A cited host and path no longer than this ("bbc.com/news" is 12) is found in texts by chance.
CITED_URL_MIN_CHARS = 12
TRANSLATION_CREDIT = re.compile(
    r"(translated by|translation by|translated from|përktheu|përkthyer nga|përkthimi"
    r"|ترجمه|مترجم|übersetzt|traduit|traducido)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ArticleFacts:
    id: int
    url: str
    published_at: datetime | None
    published_how: str | None
    text: str
    word_count: int
    declared_url: str | None = None  # the page's rel=canonical when it names another page
    outlet: str | None = None  # the name of the outlet (source) that published it


@dataclass(frozen=True)
class Direction:
    origin: int
    copy: int
    directed: bool
    confidence: float
    reason: str


def infer_direction(
    a: ArticleFacts, b: ArticleFacts, kind: str, covered_a: float = 0.0, covered_b: float = 0.0
) -> Direction:
    """Which of two linked articles came first. `covered_x` is the share of x's words inside shared passages."""
    for rule in (_citation, _canonical, _translation_credit, _dates, _names_outlet, _containment):
        found = rule(a, b, kind, covered_a, covered_b)
        if found is not None:
            return _checked_against_dates(found, a, b)
    first, second = sorted((a, b), key=lambda x: x.id)
    return Direction(
        first.id, second.id, False, GUESS_CONFIDENCE, "no date or evidence decides; stored in the order it arrived"
    )


def _citation(a: ArticleFacts, b: ArticleFacts, kind: str, covered_a: float, covered_b: float) -> Direction | None:
    a_cites, b_cites = cites(a.text, b.url), cites(b.text, a.url)
    if b_cites and not a_cites:
        reason = f"the copy links to the origin as its source ({_short(a.url)})"
        return Direction(a.id, b.id, True, CITATION_CONFIDENCE, reason)
    if a_cites and not b_cites:
        reason = f"the copy links to the origin as its source ({_short(b.url)})"
        return Direction(b.id, a.id, True, CITATION_CONFIDENCE, reason)
    return None


def _canonical(a: ArticleFacts, b: ArticleFacts, kind: str, covered_a: float, covered_b: float) -> Direction | None:
    # Syndication partners are asked to point rel=canonical at the original; a copy rarely does so by accident.
    a_names_b, b_names_a = a.declared_url == b.url, b.declared_url == a.url
    if b_names_a and not a_names_b:
        reason = f"the copy declares the origin as its canonical page ({_short(a.url)})"
        return Direction(a.id, b.id, True, CANONICAL_CONFIDENCE, reason)
    if a_names_b and not b_names_a:
        reason = f"the copy declares the origin as its canonical page ({_short(b.url)})"
        return Direction(b.id, a.id, True, CANONICAL_CONFIDENCE, reason)
    return None


def _translation_credit(
    a: ArticleFacts, b: ArticleFacts, kind: str, covered_a: float, covered_b: float
) -> Direction | None:
    if kind != "translation":
        return None
    a_credit, b_credit = bool(TRANSLATION_CREDIT.search(a.text)), bool(TRANSLATION_CREDIT.search(b.text))
    if b_credit and not a_credit:
        return Direction(a.id, b.id, True, CREDIT_CONFIDENCE, "the translation credits its translator")
    if a_credit and not b_credit:
        return Direction(b.id, a.id, True, CREDIT_CONFIDENCE, "the translation credits its translator")
    return None


def _dates(a: ArticleFacts, b: ArticleFacts, kind: str, covered_a: float, covered_b: float) -> Direction | None:
    if not (_reliable(a) and _reliable(b)):
        return None
    assert a.published_at is not None and b.published_at is not None
    gap = (b.published_at - a.published_at).total_seconds() / 60
    if abs(gap) <= SAME_TIME_MINUTES or _same_day(a.published_at, b.published_at):
        return None
    first, second = (a, b) if gap > 0 else (b, a)
    confidence = DATES_CONFIDENCE if abs(gap) >= CLOSE_DATES_MINUTES else CLOSE_DATES_CONFIDENCE
    return Direction(
        first.id, second.id, True, confidence, f"published {_delay(abs(gap))} earlier ({first.published_how} date)"
    )


def _same_day(a: datetime, b: datetime) -> bool:
    """A date given without its time (stored as midnight) and another moment of that same day: no order."""
    return (_day_only(a) or _day_only(b)) and a.date() == b.date()


def _day_only(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def _names_outlet(a: ArticleFacts, b: ArticleFacts, kind: str, covered_a: float, covered_b: float) -> Direction | None:
    # A translation says where it comes from ("Source: Balkans Post", "GAZETA IMPAKT – August 21"),
    # an original seldom names the outlet that will translate it.
    if kind != "translation":
        return None
    a_names_b, b_names_a = names_outlet(a.text, b.outlet), names_outlet(b.text, a.outlet)
    if b_names_a and not a_names_b:
        return Direction(a.id, b.id, True, OUTLET_CONFIDENCE, f"the translation names its source's outlet ({a.outlet})")
    if a_names_b and not b_names_a:
        return Direction(b.id, a.id, True, OUTLET_CONFIDENCE, f"the translation names its source's outlet ({b.outlet})")
    return None


def names_outlet(text: str, outlet: str | None) -> bool:
    """Whether a text names an outlet, as words ("Balkans Post") or run together ("Balkanspost", "balkanspost.com")."""
    if not outlet:
        return False
    name = _folded_words(outlet)
    if "." in outlet and " " not in outlet.strip():  # an outlet known only by its domain: its main label
        labels = [label for label in outlet.lower().removeprefix("www.").split(".") if label]
        name = _folded_words(labels[-2] if len(labels) >= 2 else labels[0])
    joined = name.replace(" ", "")
    if len(joined) < OUTLET_NAME_MIN_CHARS:
        return False
    words = f" {_folded_words(text)} "
    return f" {name} " in words or f" {joined} " in words


@lru_cache(maxsize=256)  # an article's text is folded once for all the links it is part of
def _folded_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", anyascii(text).lower()))


def _containment(a: ArticleFacts, b: ArticleFacts, kind: str, covered_a: float, covered_b: float) -> Direction | None:
    # A page that holds all of another and much else (a digest republishing an article) came later.
    if kind != "partial":
        return None
    if covered_a >= CONTAINS_ALL and covered_b < CONTAINS_MORE:
        return Direction(a.id, b.id, True, CONTAINMENT_CONFIDENCE, "the copy contains all of the origin and more")
    if covered_b >= CONTAINS_ALL and covered_a < CONTAINS_MORE:
        return Direction(b.id, a.id, True, CONTAINMENT_CONFIDENCE, "the copy contains all of the origin and more")
    return None


def _checked_against_dates(found: Direction, a: ArticleFacts, b: ArticleFacts) -> Direction:
    """Evidence that contradicts reliable dates by over an hour is worth less."""
    by_id = {a.id: a, b.id: b}
    origin, copy = by_id[found.origin], by_id[found.copy]
    if _reliable(origin) and _reliable(copy) and origin.published_at and copy.published_at:
        if (origin.published_at - copy.published_at).total_seconds() > CONTRADICTION_SECONDS:
            return Direction(
                found.origin,
                found.copy,
                True,
                min(found.confidence, CONTRADICTED_CONFIDENCE),
                found.reason + "; but its stated date is later",
            )
    return found


def _reliable(article: ArticleFacts) -> bool:
    return article.published_at is not None and article.published_how in RELIABLE_DATES


def cites(text: str, url: str) -> bool:
    """Whether a text names a URL (with or without scheme and www)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    bare = (parts.hostname.removeprefix("www.") + parts.path).rstrip("/")
    return len(bare) > CITED_URL_MIN_CHARS and bare in text


def _short(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or url).removeprefix("www.")


def _delay(minutes: float) -> str:
    if minutes < 90:
        return f"{minutes:.0f} minutes"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} hours"
    return f"{minutes / 1440:.1f} days"
