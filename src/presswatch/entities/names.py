"""Names as a text writes them: the candidates for emerging names and alias suggestions.

A name is whole words: it starts where a word starts and ends where one ends,
with the marks on its last letter and a ZWNJ inside it, never inside a word.
In Latin script a name is a run of capitalised words (linked by "of", "e",
"të" ...), less an honorific or a function word that opens a sentence; an
acronym has two capitals or more. Arabic script has no case, so any run of
words without the commonest function words may be one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A word: letters and digits, with the marks, joiners and inner hyphens or apostrophes that belong to it.
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d"
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}])*(?:['’-][^\W_](?:[^\W_]|[{_MARKS}])*)*")
_POSSESSIVE = re.compile(r"['’]s$")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_SENTENCE_END = re.compile(r"(?:[.!?:;«\"“‘(\[\n]|^)\s*$")
# What may stand between the words of one Latin name ("Sunrise Vanguard of Iran", "Pishtarët e Diellit").
LINK_WORDS = frozenset("of the for de du des al el e i të së y la le von van".split())
# Function words that open a sentence in capitals ("The European Parliament" names the Parliament).
_OPENING_WORDS = frozenset(
    "the a an this that these those in on at for from to by with and but or as after before when while if "
    "its his her their our it he she they we mr mrs ms dr "
    "në më për nga me dhe por se si kur ky kjo këta ato pas para te tek i e të së".split()
)
# Persian function words: a run of words holding one is a phrase, not a name.
FUNCTION_WORDS_FA = frozenset(
    "و در به از که را با این آن برای است بود شد شده می نمی نیز تا یا اما هم خود یک دو سه پس پیش بر بی همه چه "
    "کرد کرده کند کنند کردند شود شوند گفت گفته باید هر اگر چون زیرا ولی نه هیچ دیگر همین همان آنها ما او "
    "وی ایشان ها های ای یی روز سال ماه هفته ساعت امروز دیروز گذشته آینده سوی درباره پیرامون میان بین "
    "نزد روی زیر کنار مانند مثل پیش‌تر هنوز همچنین چند بسیار".split()
)
HONORIFICS = frozenset(
    "mr mrs ms miss madam madame dr prof sir lady zoti zonja z znj mme m herr frau sheikh ayatollah".split()
)


def is_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


def _all_arabic(word: str) -> bool:
    """An Arabic-script word, not one glued to a Latin one ("خلقMassoud")."""
    return is_arabic(word) and not any("a" <= c.lower() <= "z" for c in word)


def words(text: str) -> list[tuple[int, int]]:
    """The spans of a text's words, each whole."""
    return [m.span() for m in WORD.finditer(text)]


def latin_names(text: str, spans: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, int]]:
    """Runs of capitalised words (and the link words between them): spans of whole words, no possessive 's."""
    for run in name_runs(text, words(text) if spans is None else spans):
        yield run[0][0], run[-1][1]


def name_runs(text: str, spans: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """The words of each Latin name in a text (see `latin_names`)."""
    run: list[tuple[int, int]] = []
    for start, end in [*spans, (len(text), len(text))]:
        word = text[start:end]
        capitalised = word[:1].isupper() and not is_arabic(word)
        if run and text[run[-1][1] : start] in (" ", "\u00a0"):
            if capitalised or word in LINK_WORDS:
                run.append((start, end))
                continue
        trimmed = _trimmed(text, run)
        if trimmed:
            yield trimmed
        run = [(start, end)] if capitalised else []


def _trimmed(text: str, run: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A run without link words at its ends, a leading honorific, or a sentence's opening function word."""
    while run and (
        text[run[0][0] : run[0][1]].lower() in HONORIFICS
        or (text[run[0][0] : run[0][1]].lower() in _OPENING_WORDS and at_sentence_start(text, run[0][0]))
    ):
        run = run[1:]
    while run and text[run[-1][0] : run[-1][1]] in LINK_WORDS:
        run = run[:-1]
    if run:
        start, end = run[-1]
        possessive = _POSSESSIVE.search(text, start, end)
        run[-1] = (start, possessive.start() if possessive else end)
    return run


def opens_a_name(word: str) -> bool:
    """Whether a capitalised word is an honorific or a function word, which a name does not start with."""
    return word.lower() in HONORIFICS or word.lower() in _OPENING_WORDS


def at_sentence_start(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence, a line or a quote."""
    return _SENTENCE_END.search(text, max(0, start - 40), start) is not None


def phrases(text: str, size: int, spans: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """Runs of `size` words one space apart: a name is not split by punctuation or a line break."""
    for first in range(len(spans) - size + 1):
        window = spans[first : first + size]
        gaps = (text[a_end:b_start] for (_, a_end), (b_start, _) in zip(window, window[1:], strict=False))
        if all(gap in (" ", "\u00a0") for gap in gaps):
            yield window


def arabic_phrases(text: str, size: int, spans: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, int]]:
    """Runs of `size` Arabic-script words, one space apart, none of them a function word."""
    found = [(s, e) for s, e in (spans if spans is not None else words(text)) if _all_arabic(text[s:e])]
    for window in phrases(text, size, found):
        if not any(text[s:e].replace("\u200c", "") in FUNCTION_WORDS_FA or e - s < 2 for s, e in window):
            yield window[0][0], window[-1][1]
