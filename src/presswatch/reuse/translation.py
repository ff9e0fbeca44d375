"""Translation detection: which articles in different languages are translations of one another.

A translation keeps little of its source's words, but it keeps its *anchors*:
numbers, years and dates, URLs, the names of people, places and organisations,
and the English terms a translator leaves as they are. It keeps their order,
and its length stands in a steady ratio to the source's for a given pair of
languages. This module reduces an article to those things once
(:func:`profile`) and compares two reductions (:func:`translation_score`).

Names are compared through a consonant skeleton of their ASCII transliteration
(anyascii): vowels and the letters that scripts write as vowels or not at all
(h, w, y, v) are dropped, and letters that transliterations swap are merged
(c/k/q, g/j, s/z, b/p, Albanian xh/gj, Persian kh/gh…). So "Kanye West",
Persian "کانیه وست" (anyascii: "knyh wst") and "Kanje Uest" share the keys
"w:kn" and "w:st"; "George", "جرج" and Albanian "Xhorxh" share "w:grg". Keys are
cut to four consonants so that inflected forms (Maqedonisë, Македонии) still
meet "Macedonia".

Persian and Arabic have no capital letters, and German capitalises every noun:
in those languages every word is a possible name (a *loose* anchor), while the
*strict* anchors are those that cannot be common words (numbers, dates, URLs,
Latin-script terms). A pair's anchor score is the weighted share of each
side's strict anchors found anywhere in the other side's anchors.

The score (0..1) multiplies that share by how much evidence there is (a few
matched anchors prove little) and by the order agreement of the matched
anchors (longest common subsequence), then adds a smaller share for the
length ratio (against the expected one for the language pair) and the
sentence-length profile (a Gale-Church-like 1-1/1-2/2-1 alignment of the
sentences' shares of the text); those two count only once the anchors agree.
Weights of anchors: by kind and length alone, or times their IDF over a
candidate set when an :class:`AnchorWeights` is given.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from ..extract.text import J_IS_Y, skeleton

# Languages whose script has no case: every word may be a name.
CASELESS = frozenset({"fa", "ar", "ur", "ps", "he", "yi", "ka", "hi", "bn", "th", "zh", "ja", "ko", "am", "ckb"})
# Languages that capitalise every noun: capitalised words are only possible names.
NOUNS_CAPITALISED = frozenset({"de", "lb"})

# Characters per character of English in a professional translation (typical
# figures for news prose; they agree with NTREX, where the spread is ±0.05-0.07).
EXPANSION = {
    "en": 1.0,
    "sq": 1.15,
    "fa": 0.98,
    "ar": 0.95,
    "de": 1.2,
    "es": 1.16,
    "fr": 1.2,
    "it": 1.13,
    "pt": 1.12,
    "nl": 1.15,
    "ru": 1.1,
    "uk": 1.08,
    "tr": 1.05,
    "he": 0.8,
    "ur": 1.0,
    "zh": 0.33,
    "ja": 0.45,
    "ko": 0.45,
}
# The spread of the log length ratio of true translations around the expected one.
LENGTH_SIGMA = 0.18

# The score at or above which a pair is linked as a translation. On NTREX-128
# (eval/translations.py: 62 English articles and their translations into 8
# languages) the highest non-translation pair scores 0.29 with IDF context
# (0.32 without) and 98% of true pairs score >= 0.35. But real coverage holds
# articles in different languages on the *same* story, which share names and
# numbers without being translations: on the bundled sample such pairs score
# up to 0.50, true translations 0.47-0.75. 0.45 keeps NTREX recall at 0.95
# (no false link) and drops most same-story pairs; the eval prints both halves
# of the doc_ids to show the figure is not fitted to one.
TRANSLATION_THRESHOLD = 0.45

# Month names (and the stems of their inflected forms) per language, folded to ASCII → month number.
# Persian "مه" (May) is left out: it also means fog.
_MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "sq": "janar shkurt mars prill maj qershor korrik gusht shtator tetor nëntor dhjetor",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "tr": "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
    "ru": "январ феврал март апрел мая июн июл август сентябр октябр ноябр декабр",
    "fa": "ژانویه فوریه مارس آوریل - ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر",
    "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
}


WORD_MEMO = 100_000  # distinct (word, language) pairs remembered by the per-word functions


def _ascii_word(word: str) -> str:
    return re.sub(r"[^a-z]", "", anyascii(word).lower())


_MONTHS: dict[str, dict[str, int]] = {
    language: {_ascii_word(name): number for number, name in enumerate(names.split(), start=1) if name != "-"}
    for language, names in _MONTH_NAMES.items()
}
_ANY_MONTH = {name: number for table in _MONTHS.values() for name, number in table.items()}

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_EMAIL_OR_HANDLE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+|(?<!\w)[@#][A-Za-z_]\w{2,}")
# Numbers once their digits are ASCII: thousands groups (1,000 / 1.000 / 1 000 / 1'000) or a decimal.
_NUMBER = re.compile(r"\d{1,3}(?:[,.'\u2009\u202f\u00a0 ]\d{3})+(?![\d,.]\d)|\d+(?:[.,]\d+)?")
_TOKEN = re.compile(r"\d[\d.,'\u2009\u202f\u00a0 ]*\d|\d|[^\W\d_](?:[\w'’\-]*[^\W_])?")
_SENTENCE_END = re.compile(r"(?<=[.!?؟।。])\s+")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
# A name's anchor is its first four consonants: enough to tell names apart, few enough that
# transliterations (which differ in later letters and endings) still agree.
SKELETON_LENGTH = 4
SKELETON_MIN = 2  # a word with fewer consonants (a, to, EU) is no name anchor
# A month name is recognised by a stem of at least 4 letters plus at most 4 letters of ending
# (shtator-it, mayıs-ta): shorter stems or longer endings match ordinary words.
MONTH_STEM_MIN = 4
MONTH_ENDING_MAX = 4
# A line of at least 4 words, 80% of them capitalised, is a Title Case headline: its capitals
# say nothing about names.
TITLE_CASE_MIN_WORDS = 4
TITLE_CASE_SHARE = 0.8
# Anchor weights by kind, before IDF: a URL or handle is near proof, a full date strong, a year
# (1800-2100) fairly strong; other numbers weigh 0.5 a digit and names 0.5 a consonant, up to
# a cap; a month alone is common, and short acronyms are often translated (EU → BE, ЕС).
URL_WEIGHT = 3.0
DATE_WEIGHT = 2.5
MONTH_WEIGHT = 1.0
ACRONYM_WEIGHT = 0.5
YEAR_WEIGHT = 2.0
YEARS = (1800, 2100)
PER_DIGIT_WEIGHT = 0.5  # a number weighs this plus this per digit...
NUMBER_WEIGHT_MAX = 3.0  # ...up to this
PER_CONSONANT_WEIGHT = 0.5  # a name weighs this per consonant of its skeleton...
NAME_WEIGHT_MAX = 2.0  # ...up to this
# Sentence alignment (see _structure_agreement): texts whose sentence counts differ more than
# threefold (plus two) are not aligned at all; the search keeps within a band of 3 sentences (or
# the count difference plus two) of the diagonal; merging two sentences into one costs 0.01, so
# 1-1 wins a tie; a random pair costs about 0.6 to 1.0 and a translation about 0.1.
SENTENCE_RATIO_MAX = 3
SENTENCE_BAND = 3
MERGE_COST = 0.01
RANDOM_PAIR_COST = 0.6
# The score: content (weighted anchors found) counts 0.7 and shape (length and sentence
# structure, half each) 0.3, the shape only in full once content reaches 0.5, so two texts of
# similar length with nothing else in common do not score.
CONTENT_SHARE = 0.7
SHAPE_SHARE = 0.3
LENGTH_SHARE = 0.5
SHAPE_FULL_CONTENT = 0.5
# Content keeps 40% of its coverage on scant evidence and half when the anchors are out of order:
# a few anchors, or anchors in another order, are weaker proof but not none.
EVIDENCE_FLOOR = 0.4
ORDER_FLOOR = 0.5
EVIDENCE_SCALE = 6.0  # matched anchor weight at which evidence is 1 - 1/e: about two strong anchors
ORDER_MIN_MATCHES = 3  # fewer matched anchors have no order to judge...
ORDER_UNKNOWN = 0.5  # ...and count as half in order
# Where a word stands: inside a sentence, at its start, or in a Title Case Headline.
_INSIDE, _START, _TITLE_CASE = 0, 1, 2
# Arabic words carry the article al- written together with them.
_ARABIC_ARTICLE = re.compile(r"^(?:و|ف|ب|ل)?ال(?=\w{3,})")


@dataclass(frozen=True)
class TranslationProfile:
    """What of an article survives translation, computed once per article.

    ``anchors`` holds every anchor key in the order of the text (first
    occurrence of each); ``strict`` the ones that are anchors in any language
    (numbers, dates, URLs, names written with a capital in a cased language,
    Latin-script terms in another script). ``segments`` are the lengths of the
    sentences (or lines) as shares of the whole.
    """

    language: str
    anchors: tuple[str, ...]
    strict: frozenset[str]
    chars: int
    words: int
    segments: tuple[float, ...]


class AnchorWeights:
    """Inverse document frequencies of anchor keys over a candidate set (optional context for scoring)."""

    def __init__(self, profiles: Iterable[TranslationProfile]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for p in profiles:
            total += 1
            counts.update(set(p.anchors))
        self.documents = total
        self.counts = counts

    def idf(self, key: str) -> float:
        return math.log((self.documents + 1) / (self.counts.get(key, 0) + 1)) + 1.0


def _ascii_digits(text: str) -> str:
    """Every decimal digit as ASCII, Arabic thousands/decimal separators as "," and "."."""
    out = []
    for char in text:
        if char.isdigit() and not char.isascii():
            digit = unicodedata.decimal(char, None)
            out.append(str(digit) if digit is not None else char)
        elif char == "\u066c":
            out.append(",")
        elif char == "\u066b":
            out.append(".")
        else:
            out.append(char)
    return "".join(out)


def _number_key(raw: str) -> str | None:
    match = _NUMBER.fullmatch(raw)
    if match is None:
        return None
    groups = re.split(r"[,.'\u2009\u202f\u00a0 ]", raw)
    if len(groups) == 1:
        value = raw
    elif all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3:
        value = "".join(groups)  # 1,000 / 1.000 / 1 000: thousands
    elif len(groups) == 2:
        value = groups[0] + "." + groups[1]  # 3,5 / 3.5: a decimal
    else:
        return None
    if "." in value:
        whole, fraction = value.split(".")
        fraction = fraction.rstrip("0")
        value = f"{int(whole)}.{fraction}" if fraction else str(int(whole))
    else:
        value = str(int(value))
    return "n:" + value


# Called for every word of every article: words repeat (Zipf), so a bounded memo saves most of the folding.
@lru_cache(maxsize=WORD_MEMO)
def _month(word: str, language: str) -> int | None:
    """The month a word names in its language, allowing inflected endings (сентября, shtatorit, mayısta)."""
    folded = _ascii_word(word)
    table = _MONTHS.get(language, _ANY_MONTH)
    if folded in table:
        return table[folded]
    for stem, number in table.items():
        if len(stem) >= MONTH_STEM_MIN and folded.startswith(stem) and len(folded) - len(stem) <= MONTH_ENDING_MAX:
            return number
    return None


def _segments(text: str) -> tuple[float, ...]:
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) <= 1:
        lines = [s for s in _SENTENCE_END.split(text) if s.strip()]
    total = sum(len(line) for line in lines) or 1
    return tuple(len(line) / total for line in lines)


def profile(text: str, language: str, title: str | None = None) -> TranslationProfile:
    """Reduce an article (its text and, if not already at its head, its title) to its translation anchors."""
    language = language.lower().split("-")[0]
    body = text.strip()
    if title and not body.startswith(title.strip()):
        body = title.strip() + "\n" + body
    body = unicodedata.normalize("NFC", body)
    cased = language not in CASELESS
    nouns_capitalised = language in NOUNS_CAPITALISED

    anchors: list[str] = []
    strict: set[str] = set()
    seen: set[str] = set()

    def add(key: str, is_strict: bool) -> None:
        if is_strict:
            strict.add(key)
        if key not in seen:
            seen.add(key)
            anchors.append(key)

    # A capitalised word starting a sentence is a name only if the text never writes it in lower case
    # and it is capitalised elsewhere too or followed by another capitalised word ("Kanye West met…").
    # In a Title Case Headline every word is capitalised: there, only those capitalised elsewhere count.
    mid_capitalised: set[str] = set()
    lower_case: set[str] = set()
    tokens_per_line: list[list[tuple[str, int]]] = []
    for line in body.split("\n"):
        line = _ascii_digits(line)
        for url in _URL.findall(line):
            add("u:" + url.lower().rstrip(".,;:)").split("://")[-1].removeprefix("www.").rstrip("/"), True)
        for handle in _EMAIL_OR_HANDLE.findall(line):
            add("u:" + handle.lower(), True)
        line = _EMAIL_OR_HANDLE.sub(" ", _URL.sub(" ", line))
        found = list(_TOKEN.finditer(line))
        letters = [m.group() for m in found if not m.group()[0].isdigit()]
        title_case = len(letters) >= TITLE_CASE_MIN_WORDS and sum(w[:1].isupper() for w in letters) >= (
            TITLE_CASE_SHARE * len(letters)
        )
        tokens: list[tuple[str, int]] = []
        sentence_start = True
        for match in found:
            token = match.group()
            tokens.append((token, _TITLE_CASE if title_case else _START if sentence_start else _INSIDE))
            if token[:1].islower():
                lower_case.add(token)
            elif not sentence_start and not title_case and token[:1].isupper():
                mid_capitalised.add(token)
            sentence_start = False
            after = line[match.end() : match.end() + 2]
            if after[:1] in ".!?؟:" and not (after[:1] == "." and after[1:2].isdigit()):
                sentence_start = True
        tokens_per_line.append(tokens)

    for tokens in tokens_per_line:
        previous_number: str | None = None
        previous_month: int | None = None
        for index, (token, position) in enumerate(tokens):
            if token[0].isdigit():
                key = _number_key(token)
                if key is None:
                    for part in re.findall(r"\d+", token):
                        key = "n:" + str(int(part))
                        add(key, True)
                    previous_number = None
                    continue
                add(key, True)
                previous_number = key[2:]
                if previous_month and previous_number.isdigit() and 1 <= int(previous_number) <= 31:
                    add(f"d:{previous_month:02d}-{int(previous_number):02d}", True)
                    previous_month = None
                continue
            word = _ARABIC_ARTICLE.sub("", token) if not cased else token
            month = _month(word, language)
            if month is not None and (not cased or word[:1].isupper() or language not in ("en",)):
                add(f"m:{month:02d}", True)
                if previous_number and previous_number.isdigit() and 1 <= int(previous_number) <= 31:
                    add(f"d:{month:02d}-{int(previous_number):02d}", True)
                previous_month = month
                previous_number = None
                continue
            previous_number = None
            is_latin = bool(_LATIN.match(word))
            shape = skeleton(word, language)
            if language in J_IS_Y and "j" in word.lower() and cased:
                # The name may be kept in its English spelling (Jared, not Xhared): that reading as a loose anchor.
                english = skeleton(word)
                if len(english) >= SKELETON_MIN and english != shape and word[:1].isupper():
                    add("w:" + english[:SKELETON_LENGTH], False)
            if len(shape) >= SKELETON_MIN:
                key = "w:" + shape[:SKELETON_LENGTH]
            elif is_latin and word.isupper() and len(word) > 1:
                key = "a:" + word.lower()  # EU, UK: too few consonants for a skeleton
            else:
                continue
            if not cased:
                add(key, is_latin)  # a Latin-script term in Persian or Arabic is an anchor anywhere
            elif word[:1].isupper():
                acronym = len(word) > 1 and word.isupper()
                if nouns_capitalised:
                    add(key, acronym)
                elif position == _INSIDE or word in mid_capitalised or acronym:
                    add(key, True)
                else:
                    following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
                    named = position == _START and following[:1].isupper() and word.lower() not in lower_case
                    add(key, named)

    return TranslationProfile(
        language=language,
        anchors=tuple(anchors),
        strict=frozenset(strict),
        chars=sum(1 for c in body if not c.isspace()),
        words=len(_TOKEN.findall(body)),
        segments=_segments(body),
    )


def anchor_keys(p: TranslationProfile) -> set[str]:
    """Keys for an inverted index: a translation shares some of these with its source."""
    return set(p.anchors)


def _intrinsic(key: str) -> float:
    """How telling an anchor is without knowing the other articles: long numbers and names more than short ones."""
    kind, value = key[0], key[2:]
    if kind == "u":
        return URL_WEIGHT
    if kind == "d":
        return DATE_WEIGHT
    if kind == "m":
        return MONTH_WEIGHT
    if kind == "a":
        return ACRONYM_WEIGHT  # short acronyms are often translated (EU → BE, ЕС)
    if kind == "n":
        digits = sum(c.isdigit() for c in value)
        if digits == 4 and value.isdigit() and YEARS[0] <= int(value) <= YEARS[1]:
            return YEAR_WEIGHT
        return min(PER_DIGIT_WEIGHT + PER_DIGIT_WEIGHT * digits, NUMBER_WEIGHT_MAX)
    return min(PER_CONSONANT_WEIGHT * len(value), NAME_WEIGHT_MAX)


def _weight(key: str, weights: AnchorWeights | None) -> float:
    if weights is None:
        return _intrinsic(key)
    return _intrinsic(key) * weights.idf(key) / (1.0 + math.log(2.0))


def _increasing(sequence: list[int]) -> int:
    """Length of the longest increasing subsequence (the LCS of two orderings of the same keys)."""
    tails: list[int] = []
    for value in sequence:
        index = bisect_left(tails, value)
        if index == len(tails):
            tails.append(value)
        else:
            tails[index] = value
    return len(tails)


def _length_agreement(a: TranslationProfile, b: TranslationProfile) -> float:
    if not a.chars or not b.chars:
        return 0.0
    expected = EXPANSION.get(a.language, 1.0) / EXPANSION.get(b.language, 1.0)
    deviation = math.log(a.chars / b.chars / expected)
    return math.exp(-(deviation**2) / (2 * LENGTH_SIGMA**2))


def _structure_agreement(a: TranslationProfile, b: TranslationProfile) -> float:
    """How well the sentence lengths line up: 1-1, 1-2 and 2-1 alignment of their shares of the text."""
    x, y = a.segments, b.segments
    if not x or not y or max(len(x), len(y)) > SENTENCE_RATIO_MAX * min(len(x), len(y)) + 2:
        return 0.0
    n, m = len(x), len(y)
    band = max(SENTENCE_BAND, abs(n - m) + 2)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        centre = i * m / n
        low, high = max(0, int(centre) - band), min(m, int(centre) + band + 1)
        for j in range(low, high + 1):
            here = cost[i][j]
            if here == inf:
                continue
            if i < n and j < m:
                step = here + abs(x[i] - y[j])
                if step < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1] = step
            if i + 1 < n and j < m:
                step = here + abs(x[i] + x[i + 1] - y[j]) + MERGE_COST
                if step < cost[i + 2][j + 1]:
                    cost[i + 2][j + 1] = step
            if i < n and j + 1 < m:
                step = here + abs(x[i] - y[j] - y[j + 1]) + MERGE_COST
                if step < cost[i + 1][j + 2]:
                    cost[i + 1][j + 2] = step
    total = cost[n][m]
    if total == inf:
        return 0.0
    # A random pair of texts costs ~0.6-1.0 (the shares differ by about their own size); a translation ~0.1.
    return max(0.0, 1.0 - total / RANDOM_PAIR_COST)


def score_parts(a: TranslationProfile, b: TranslationProfile, weights: AnchorWeights | None = None) -> dict[str, float]:
    """The signals behind :func:`translation_score`, each 0..1, and the score itself."""
    if a.language == b.language:
        return {"anchors": 0.0, "order": 0.0, "length": 0.0, "structure": 0.0, "evidence": 0.0, "score": 0.0}
    keys_a, keys_b = set(a.anchors), set(b.anchors)
    matched = (a.strict & keys_b) | (b.strict & keys_a)
    possible = sum(_weight(k, weights) for k in a.strict) + sum(_weight(k, weights) for k in b.strict)
    found = sum(_weight(k, weights) for k in a.strict & keys_b) + sum(_weight(k, weights) for k in b.strict & keys_a)
    coverage = found / possible if possible else 0.0
    # Few anchors prove little: a pair needs several matched anchors' worth of weight to be sure.
    evidence = 1.0 - math.exp(-sum(_weight(k, weights) for k in matched) / EVIDENCE_SCALE)

    if len(matched) >= ORDER_MIN_MATCHES:
        position_b = {key: i for i, key in enumerate(k for k in b.anchors if k in matched)}
        in_a = [position_b[k] for k in a.anchors if k in matched]
        order = (_increasing(in_a) - 1) / (len(in_a) - 1)
    else:
        order = ORDER_UNKNOWN
    length = _length_agreement(a, b)
    structure = _structure_agreement(a, b)

    content = coverage * (EVIDENCE_FLOOR + (1 - EVIDENCE_FLOOR) * evidence) * (ORDER_FLOOR + (1 - ORDER_FLOOR) * order)
    shape = LENGTH_SHARE * length + (1 - LENGTH_SHARE) * structure
    score = CONTENT_SHARE * content + SHAPE_SHARE * shape * min(1.0, content / SHAPE_FULL_CONTENT)
    return {
        "anchors": coverage,
        "order": order,
        "length": length,
        "structure": structure,
        "evidence": evidence,
        "score": max(0.0, min(1.0, score)),
    }


def translation_score(a: TranslationProfile, b: TranslationProfile, weights: AnchorWeights | None = None) -> float:
    """How likely one article is a translation of the other: 0..1, symmetric, 0 for the same language.

    ``weights`` (IDF over the candidate set) makes rare anchors count more;
    without it each anchor weighs by its kind and length.
    """
    return score_parts(a, b, weights)["score"]
