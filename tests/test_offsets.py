"""Every stored offset indexes the stored text: passages, mentions and paragraph languages, in every script.

Texts mix what moves offsets when a text is folded or tokenised: ZWNJ inside
Persian words, Arabic vowel marks, tatweel, soft hyphens, combining accents,
emoji (outside the BMP, with skin tones and variation selectors), right-to-left
and Arabic letter marks, and Albanian and Turkish letters that fold or change
length in lower case.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from presswatch import Presswatch, sample_dir
from presswatch.demo import run_demo
from presswatch.entities.matcher import Alias, Matcher
from presswatch.entities.watchlist import parse_watchlist
from presswatch.extract.article import Hints, LanguageOptions, finish
from presswatch.extract.text import FOLD_TABLE
from presswatch.reuse.passages import character_spans, shared_passages, words_in
from presswatch.store.schema import articles, links, mentions

LATIN = "abcdefghijklmnoprstuvwxyABCDEFGHIJKLMNOPRSTUVWXYëçËÇšžİ"
ARABIC = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةىأإآؤئ۱۲۳"
# Inside a word: what `fold` removes (ZWNJ, ZWJ, vowel marks, tatweel, soft hyphen) and combining accents.
JOINERS = ("\u200c", "\u200d", "\u064e", "\u0650", "\u064b", "\u0651", "\u0640", "\u00ad", "\u0301", "\u0308")
# Between words: white space, punctuation, RTL and Arabic letter marks, emoji; none starts with a mark.
SEPARATORS = (
    " ",
    "\n",
    ", ",
    " \u200f",
    "\u200f ",
    "\u061c ",
    " \u061c",
    " 🙂 ",
    " 👍🏽 ",
    " ❤️ ",
    " — ",
    "؛ ",
    " «",
    "» ",
)
FILLER = "zq"  # filler words start so; no run word contains a z, so fillers never match a run


def _letters(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=1, max_size=6)


def _word(alphabet: str) -> st.SearchStrategy[str]:
    """A word: letters, perhaps joined by ZWNJ or marks inside, perhaps a mark or ZWNJ hanging at its end."""
    piece = st.tuples(_letters(alphabet), st.sampled_from(("", "", *JOINERS)))
    return st.lists(piece, min_size=1, max_size=3).map(lambda parts: "".join(a + b for a, b in parts))


WORD = st.one_of(_word(LATIN), _word(ARABIC))


def _joined(words: list[str], separators: list[str]) -> str:
    text = words[0]
    for word, separator in zip(words[1:], separators, strict=False):
        text += separator + word
    return text


@st.composite
def texts(draw: st.DrawFn, words: st.SearchStrategy[str], least: int, most: int) -> str:
    found = draw(st.lists(words, min_size=least, max_size=most))
    if not found:
        return ""
    return _joined(found, draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(found), max_size=len(found))))


def _fillers(tag: str) -> st.SearchStrategy[str]:
    return st.integers(0, 400).map(lambda n: f"{FILLER}{tag}{n}")


def _attached(ch: str) -> bool:
    """Part of the word before it: a letter, a digit, a mark, or what `fold` removes from inside words."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M") or FOLD_TABLE.get(ord(ch), 0) is None


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Neither end of text[start:end] cuts a word (nor a letter from its marks or its ZWNJ)."""
    cut_before = 0 < start < len(text) and _attached(text[start - 1]) and _attached(text[start])
    cut_after = 0 < end < len(text) and _attached(text[end - 1]) and _attached(text[end])
    return not cut_before and not cut_after


# ---- passages ---------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    run=texts(WORD, 8, 30),
    before=st.tuples(texts(_fillers("a"), 0, 12), texts(_fillers("b"), 0, 12)),
    after=st.tuples(texts(_fillers("c"), 0, 12), texts(_fillers("d"), 0, 12)),
    gaps=st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4),
)
def test_a_shared_run_of_words_is_stored_as_exactly_its_text(
    run: str, before: tuple[str, str], after: tuple[str, str], gaps: list[str]
) -> None:
    run_words = words_in(run)
    assume(len(run_words) >= 8 and len(set(run_words.ids.tolist())) == len(run_words))
    a = (before[0] + gaps[0] if before[0] else "") + run + (gaps[1] + after[0] if after[0] else "")
    b = (before[1] + gaps[2] if before[1] else "") + run + (gaps[3] + after[1] if after[1] else "")
    a_words, b_words = words_in(a), words_in(b)
    found = shared_passages(a_words, b_words, 8)
    assert len(found) == 1
    [passage] = found
    a_start, a_end = character_spans(a, a_words, passage.a_start, passage.a_end)
    b_start, b_end = character_spans(b, b_words, passage.b_start, passage.b_end)
    assert a[a_start:a_end] == run
    assert b[b_start:b_end] == run


@settings(max_examples=150, deadline=None)
@given(text=texts(st.one_of(WORD, _fillers("x")), 1, 40), data=st.data())
def test_every_word_span_holds_that_word(text: str, data: st.DataObject) -> None:
    """Whatever the text, the characters a span of words claims are those words, whole."""
    found = words_in(text)
    assume(len(found) > 0)
    start = data.draw(st.integers(0, len(found) - 1))
    end = data.draw(st.integers(start + 1, len(found)))
    first, last = character_spans(text, found, start, end)
    assert words_in(text[first:last]).ids.tolist() == found.ids[start:end].tolist()
    assert on_word_boundaries(text, first, last) or _split_after_a_mark(text, first, last)


def _split_after_a_mark(text: str, start: int, end: int) -> bool:
    """Words split by the tokeniser after a combining mark ("a\u0301b" is two words): not a cut the span makes."""
    return any(0 < i < len(text) and unicodedata.category(text[i - 1]).startswith("M") for i in (start, end))


# ---- mentions ---------------------------------------------------------------------------------

SAMPLE_ALIASES = [
    (entity.id, entity.kind, alias.text, alias.case_sensitive)
    for entity in parse_watchlist(sample_dir() / "watchlist.toml").entities
    for alias in entity.aliases
]


@st.composite
def written(draw: st.DrawFn, alias: str, case_sensitive: bool) -> str:
    """The alias as a page may write it: ZWNJ or vowel marks inside Persian words, other case, a mark at the end."""
    out = []
    for index, ch in enumerate(alias):
        out.append(ch if case_sensitive else draw(st.sampled_from((ch, ch.upper(), ch.lower()))))
        arabic = "\u0600" <= ch <= "\u06ff"
        if arabic and index + 1 < len(alias) and alias[index + 1] != " ":
            out.append(draw(st.sampled_from(("", "", "\u200c", "\u064e", "\u0640"))))
    surface = "".join(out)
    if len(surface) != len(alias) or any(len(c.lower()) != 1 for c in surface):
        surface = alias  # İ and ß change length in case: keep such aliases as written
    return surface + draw(st.sampled_from(("", "", "\u0650", "\u200c", "\u0301")))


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.sampled_from(SAMPLE_ALIASES),
    before=texts(st.one_of(WORD, _fillers("e")), 0, 8),
    after=texts(st.one_of(WORD, _fillers("f")), 0, 8),
    gaps=st.lists(st.sampled_from([s for s in SEPARATORS if s != "\n"]), min_size=2, max_size=2),
    data=st.data(),
)
def test_a_mention_is_stored_as_exactly_the_name_as_written(
    chosen: tuple[str, str, str, bool], before: str, after: str, gaps: list[str], data: st.DataObject
) -> None:
    entity, kind, alias, case_sensitive = chosen
    surface = data.draw(written(alias, case_sensitive))
    head = before + gaps[0]
    text = head + surface + gaps[1] + after
    matcher = Matcher([Alias(entity, alias, kind, case_sensitive)])
    found = matcher.find(text)
    for mention in found:
        assert text[mention.start : mention.end] == mention.surface
        assert on_word_boundaries(text, mention.start, mention.end)
    assert any(m.start == len(head) and m.surface == surface for m in found), (text, found)


# ---- paragraph languages ---------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    paragraphs=st.lists(texts(WORD, 1, 12), min_size=1, max_size=5),
    blanks=st.lists(st.sampled_from(("\n", "\n\n", "\n \n\u200f\n"))),
)
def test_paragraph_language_spans_are_the_stored_paragraphs(paragraphs: list[str], blanks: list[str]) -> None:
    raw = _joined(paragraphs, blanks + ["\n"] * len(paragraphs))
    assume(raw.strip())
    stored = finish(raw, Hints(), LanguageOptions())
    lines = [line for line in stored.text.split("\n") if line.strip()]
    assert [stored.text[start:end] for start, end, _ in stored.paragraph_languages] == lines


# ---- the bundled sample ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pw = Presswatch(db=str(tmp_path_factory.mktemp("offsets") / "sample.db"))
    run_demo(pw)
    yield pw
    pw.close()


def _texts(pw: Presswatch) -> dict[int, Any]:
    with pw.store.connect() as conn:
        query = articles.select().with_only_columns(
            articles.c.id, articles.c.title, articles.c.text, articles.c.language, articles.c.paragraph_languages
        )
        return {row.id: row for row in conn.execute(query)}


def test_every_passage_of_the_sample_starts_and_ends_on_a_word_boundary(sample: Presswatch) -> None:
    rows = _texts(sample)
    with sample.store.connect() as conn:
        stored = conn.execute(links.select().where(links.c.passages.is_not(None))).all()
    persian = 0
    for link in stored:
        for origin_start, origin_end, copy_start, copy_end, _ in json.loads(link.passages):
            for article_id, start, end in (
                (link.origin_id, origin_start, origin_end),
                (link.copy_id, copy_start, copy_end),
            ):
                text = rows[article_id].text
                persian += rows[article_id].language == "fa"
                assert on_word_boundaries(text, start, end), (article_id, text[start - 10 : start + 10])
    assert persian >= 2  # the sample's partial copy between Persian articles is among them


def test_every_mention_and_paragraph_of_the_sample_indexes_the_stored_text(sample: Presswatch) -> None:
    rows = _texts(sample)
    with sample.store.connect() as conn:
        found = conn.execute(mentions.select()).all()
    assert found
    for mention in found:
        text = rows[mention.article_id].text if mention.field == "text" else rows[mention.article_id].title
        assert text[mention.start : mention.end] == mention.surface
        assert on_word_boundaries(text, mention.start, mention.end)
    for row in rows.values():
        lines = [line for line in row.text.split("\n") if line.strip()]
        assert [row.text[s:e] for s, e, _ in json.loads(row.paragraph_languages)] == lines
