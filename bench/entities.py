"""Entity tagging speed: presswatch's `Matcher` against one regex per alias.

Method
* Watchlist: generated from a fixed seed, 5,000 aliases over about 1,500
  entities (0.3 entities per alias). About 30% of the entities are persons
  (2-3 word names, some with a short form or a bare surname), 40% organisations
  (a long name plus an acronym, most acronyms case-sensitive), the rest places.
  Latin names are built from Albanian-like syllables (ë, ç, sh, xh ...); about
  12% of the entities also carry a Persian-script alias. About 5% of the
  aliases are "inflecting": in the text they usually appear with an ending
  (MEK-ut, Drinës-it style endings, Persian ‌ها/‌های).
* Articles: 100,000, generated from another fixed seed and streamed (a
  generator: only one article is in memory at a time). Each has 300-600 words
  drawn with Zipf weights from a generated vocabulary of a few thousand words
  (8% of the articles are in Persian script with a Persian vocabulary), cut
  into sentences and paragraphs. Names are inserted: 0-5 watched aliases per
  article (20% of articles have none), popularity Zipf-like; some written
  inflected, some with 's, some without diacritics, some persons re-spelled as
  another transliteration (for the fuzzy path); Latin articles also get 0-3
  capitalised names that are not on the watchlist, as real news has.
* presswatch: `Matcher(aliases)` is built once (timed on its own), then
  `find()` runs on every article. Only the `find()` calls are timed, so the
  article generation does not count; its time is printed separately.
* Naive peer: one `re.compile(r"\\b" + re.escape(alias) + r"\\b")` per alias
  (IGNORECASE unless the alias is case-sensitive), every pattern's `finditer`
  over every article. It is about a thousand times slower, so it runs on the
  first articles of the same stream only (default at most 1,000 articles or
  60 s, whichever comes first); its rate is per article, like presswatch's.
* Agreement (a sanity figure, not a test): on that same sample, the share of
  the naive matches (article, start, alias) that presswatch also reports, with
  aliases compared folded (presswatch reports one alias per folded spelling).
  It cannot be 100%: presswatch keeps the longest mention at a place (a
  surname inside a full name is dropped) and only whole tokens match. A
  second share also counts naive matches lying inside a longer presswatch
  mention.

The goal from the issue is presswatch articles/s >= 20 x naive articles/s.
Nothing is asserted: the script prints and exits 0.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any

from presswatch.entities.matcher import Alias, Match, Matcher
from presswatch.extract.text import fold

GOAL = 20.0
WATCHLIST_SEED = 20240917
ARTICLE_SEED = 20240918
ENTITIES_PER_ALIAS = 0.3
PERSON_SHARE, ORGANISATION_SHARE = 0.30, 0.40  # the rest are places
PERSIAN_ENTITY_SHARE = 0.12
INFLECTING_SHARE = 0.05
PERSIAN_ARTICLE_SHARE = 0.08
LATIN_VOCABULARY, PERSIAN_VOCABULARY = 3000, 1000
UNWATCHED_NAMES = 3000
MENTION_WEIGHTS = (20, 20, 20, 15, 15, 10)  # articles with 0, 1, ... 5 watched mentions
NAIVE_ARTICLES = 1000
NAIVE_BUDGET_S = 60.0

# ---- letters and words -----------------------------------------------------------------------

ONSETS = ("b", "d", "dr", "f", "g", "gj", "h", "k", "l", "ll", "m", "n", "nj", "p", "r", "rr", "s", "sh", "t",
          "th", "v", "x", "xh", "z", "zh", "ç", "q", "j", "dh", "k", "t", "m", "")  # fmt: skip
VOWELS = ("a", "e", "ë", "i", "o", "u", "y", "a", "e", "i")
CODAS = ("", "", "", "n", "r", "t", "s", "m", "l")
PERSIAN_CONSONANTS = "بپتجچخدرزسشغفقکگلمنهی"
PERSIAN_VOWELS = ("ا", "و", "ی", "", "")
# Words every Latin article repeats: Albanian and English function words.
LATIN_FUNCTION = ("e", "të", "në", "dhe", "për", "që", "me", "nga", "se", "i", "në", "një", "the", "of", "and", "in")
PERSIAN_FUNCTION = ("و", "در", "به", "از", "که", "این", "را", "با", "است", "می\u200cشود", "آن", "برای")
ORGANISATION_HEADS = ("Partia", "Banka", "Agjencia", "Lëvizja", "Shoqata", "Instituti", "Fondacioni", "Ministria",
                      "Kompania", "Gjykata", "Komisioni", "Qendra")  # fmt: skip
PERSIAN_HEADS = ("سازمان", "حزب", "بانک", "وزارت", "شرکت")
ACRONYM_ENDINGS = ("u", "ut", "it", "së", "në", "sat")
LATIN_ENDINGS = ("it", "ut", "in", "es", "'s")
PERSIAN_ENDINGS = ("ها", "\u200cهای", "ی")
SENTENCE_ENDS = (".", ".", ".", ".", "?", ":")


def latin_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables))


def persian_word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(PERSIAN_CONSONANTS) + rng.choice(PERSIAN_VOWELS) for _ in range(syllables))


def capitalised(word: str) -> str:
    # not str.capitalize(): that would lower the rest of an acronym (MEK -> Mek)
    return word[:1].upper() + word[1:]


def is_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def zipf_weights(count: int) -> list[float]:
    """Cumulative Zipf weights: a few words or names are frequent, most are rare, as in news."""
    return list(accumulate(1.0 / (rank + 1) for rank in range(count)))


# ---- the watchlist ---------------------------------------------------------------------------


@dataclass
class Watchlist:
    aliases: list[Alias]
    inflecting: frozenset[str]  # alias texts usually written with an ending

    def planted(self, persian: bool) -> tuple[list[Alias], list[float]]:
        """The aliases an article in that script can mention, with cumulative popularity weights."""
        pool = [a for a in self.aliases if is_persian(a.text) == persian]
        random.Random(WATCHLIST_SEED + persian).shuffle(pool)  # popularity independent of entity order
        return pool, zipf_weights(len(pool))


def person_aliases(rng: random.Random, entity: str) -> list[Alias]:
    names = [capitalised(latin_word(rng, rng.randint(2, 3))) for _ in range(rng.choice((2, 2, 2, 3)))]
    aliases = [Alias(entity, " ".join(names), "person")]
    if len(names) == 3:
        aliases.append(Alias(entity, f"{names[0]} {names[2]}", "person"))
    return aliases


def organisation_aliases(rng: random.Random, entity: str, acronyms: set[str]) -> list[Alias]:
    words = [rng.choice(ORGANISATION_HEADS), capitalised(latin_word(rng, 3)), rng.choice("ei")]
    words.append(capitalised(latin_word(rng, 2)))
    acronym = "".join(w[0] for w in words if w[0].isupper()).upper()
    while acronym in acronyms:  # two organisations sharing an acronym would blur the agreement figure
        acronym += rng.choice("ABDEFGHKLMNPRSTV")
    acronyms.add(acronym)
    return [Alias(entity, " ".join(words), "organisation"), Alias(entity, acronym, "organisation", rng.random() < 0.8)]


def place_aliases(rng: random.Random, entity: str) -> list[Alias]:
    name = capitalised(latin_word(rng, rng.randint(2, 3)))
    if rng.random() < 0.2:
        name += f" e {capitalised(latin_word(rng, 2))}"
    return [Alias(entity, name, "place")]


def persian_alias(rng: random.Random, entity: str, kind: str) -> Alias:
    if kind == "person":
        return Alias(entity, f"{persian_word(rng, 2)} {persian_word(rng, 3)}", kind)
    if kind == "organisation":
        return Alias(entity, f"{rng.choice(PERSIAN_HEADS)} {persian_word(rng, 3)}", kind)
    return Alias(entity, persian_word(rng, 3), kind)


def variant(rng: random.Random, alias: Alias) -> Alias:
    """Another alias of the same entity: a short form, an unaccented or an English spelling."""
    words = alias.text.split()
    choice = rng.random()
    if alias.kind == "person" and len(words) > 1 and choice < 0.4:
        return Alias(alias.entity_id, words[-1], "person")  # the bare surname, as watchlists often list it
    if alias.kind == "organisation" and len(words) > 2 and choice < 0.4:
        return Alias(alias.entity_id, f"{words[1]} {words[-1]} {words[0][:4]}", "organisation")
    if choice < 0.7:
        return Alias(alias.entity_id, fold(alias.text, keep_case=True), alias.kind, alias.case_sensitive)
    return Alias(alias.entity_id, respelled(rng, alias.text), alias.kind, alias.case_sensitive)


def respelled(rng: random.Random, text: str) -> str:
    """One transliteration change (y/i, sh/ch, a doubled letter): what the fuzzy matcher is for."""
    swaps = [(a, b) for a, b in (("y", "i"), ("i", "y"), ("sh", "ch"), ("j", "y"), ("ë", "e")) if a in text]
    if swaps:
        a, b = rng.choice(swaps)
        return text.replace(a, b, 1)
    at = rng.randrange(1, len(text))
    return text[:at] + text[at] + text[at:]


def make_watchlist(total: int) -> Watchlist:
    """`total` distinct aliases over total * 0.3 entities, the same for the same `total`."""
    rng = random.Random(WATCHLIST_SEED)
    aliases: list[Alias] = []
    acronyms: set[str] = set()
    for number in range(max(1, round(total * ENTITIES_PER_ALIAS))):
        aliases.extend(entity_aliases(rng, f"e{number:05d}", acronyms))
    aliases = fill(rng, distinct(aliases), total)
    inflecting = frozenset(a.text for a in rng.sample(aliases, round(len(aliases) * INFLECTING_SHARE)))
    return Watchlist(aliases, inflecting)


def entity_aliases(rng: random.Random, entity: str, acronyms: set[str]) -> list[Alias]:
    draw = rng.random()
    if draw < PERSON_SHARE:
        kind, found = "person", person_aliases(rng, entity)
    elif draw < PERSON_SHARE + ORGANISATION_SHARE:
        kind, found = "organisation", organisation_aliases(rng, entity, acronyms)
    else:
        kind, found = "place", place_aliases(rng, entity)
    if rng.random() < PERSIAN_ENTITY_SHARE:
        found.append(persian_alias(rng, entity, kind))
    return found


def distinct(aliases: Iterable[Alias]) -> list[Alias]:
    return list({a.text: a for a in aliases}.values())


def fill(rng: random.Random, aliases: list[Alias], total: int) -> list[Alias]:
    """Add variants of Latin aliases until there are exactly `total`."""
    seen = {a.text for a in aliases}
    latin = [a for a in aliases if not is_persian(a.text) and not a.case_sensitive]
    while len(aliases) < total:
        extra = variant(rng, rng.choice(latin))
        if extra.text not in seen:
            seen.add(extra.text)
            aliases.append(extra)
    return aliases[:total]


# ---- the articles ----------------------------------------------------------------------------


@dataclass
class Vocabulary:
    words: list[str]
    weights: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.weights = zipf_weights(len(self.words))


def vocabularies(watchlist: Watchlist) -> tuple[Vocabulary, Vocabulary]:
    """Latin and Persian vocabularies, without any word that is itself an alias (those are planted)."""
    rng = random.Random(ARTICLE_SEED - 1)
    taken = {fold(a.text) for a in watchlist.aliases}
    latin = {latin_word(rng, rng.choice((1, 2, 2, 3, 3, 4))) for _ in range(LATIN_VOCABULARY)}
    persian = {persian_word(rng, rng.choice((1, 2, 2, 3))) for _ in range(PERSIAN_VOCABULARY)}
    return (
        Vocabulary(list(LATIN_FUNCTION) + by_frequency(rng, {w for w in latin if fold(w) not in taken})),
        Vocabulary(list(PERSIAN_FUNCTION) + by_frequency(rng, {w for w in persian if fold(w) not in taken})),
    )


def by_frequency(rng: random.Random, words: set[str]) -> list[str]:
    # Zipf weights go by rank: after the function words, a random order keeps the mean word
    # length near that of news text (about 6 characters with the space)
    ranked = sorted(words)  # sets iterate in a hash order that changes between runs
    rng.shuffle(ranked)
    return ranked


def unwatched_names(watchlist: Watchlist) -> list[str]:
    """Capitalised two-word names that are not on the watchlist: the fuzzy matcher looks at every one."""
    rng = random.Random(ARTICLE_SEED - 2)
    taken = {fold(a.text) for a in watchlist.aliases}
    names = (f"{capitalised(latin_word(rng, 2))} {capitalised(latin_word(rng, 3))}" for _ in range(UNWATCHED_NAMES))
    return [n for n in names if fold(n) not in taken]


def surface(rng: random.Random, alias: Alias, inflecting: frozenset[str]) -> str:
    """How an alias is written in an article: as listed, inflected, possessive, unaccented or re-spelled."""
    text, draw = alias.text, rng.random()
    if is_persian(text):
        if text in inflecting and draw < 0.6:
            return text + rng.choice(PERSIAN_ENDINGS)
        # Arabic letter variants (ي for ی, ك for ک), as copied Arabic-keyboard text has
        return text.replace("ی", "ي").replace("ک", "ك") if draw > 0.8 else text
    if text in inflecting and draw < 0.6:
        return f"{text}-{rng.choice(ACRONYM_ENDINGS)}" if text.isupper() else text + rng.choice(LATIN_ENDINGS)
    if draw < 0.03:
        return text + "'s"
    if draw < 0.10:
        return fold(text, keep_case=True)
    if alias.kind == "person" and " " in text and draw < 0.15:
        return respelled(rng, text)
    return text


def punctuate(rng: random.Random, tokens: list[str], latin: bool) -> str:
    """Cut tokens into sentences (capitalised, commas, end marks) and paragraphs of 3-6 sentences."""
    paragraphs: list[str] = []
    sentences: list[str] = []
    comma = "," if latin else "،"
    position, paragraph_size = 0, rng.randint(3, 6)
    while position < len(tokens):
        sentence = tokens[position : position + rng.randint(8, 24)]
        position += len(sentence)
        if latin:
            sentence[0] = capitalised(sentence[0])
        if len(sentence) > 6 and rng.random() < 0.5:
            sentence[rng.randrange(2, len(sentence) - 2)] += comma
        sentences.append(" ".join(sentence) + rng.choice(SENTENCE_ENDS))
        if len(sentences) == paragraph_size:
            paragraphs.append(" ".join(sentences))
            sentences, paragraph_size = [], rng.randint(3, 6)
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def articles(watchlist: Watchlist, count: int) -> Iterator[str]:
    """`count` articles, always the same ones, one at a time."""
    rng = random.Random(ARTICLE_SEED)
    latin, persian = vocabularies(watchlist)
    pools = {False: watchlist.planted(False), True: watchlist.planted(True)}
    others = unwatched_names(watchlist)
    for _ in range(count):
        in_persian = rng.random() < PERSIAN_ARTICLE_SHARE and bool(pools[True][0])
        vocabulary, (pool, weights) = (persian if in_persian else latin), pools[in_persian]
        tokens = rng.choices(vocabulary.words, cum_weights=vocabulary.weights, k=rng.randint(300, 600))
        mentions = rng.choices(range(len(MENTION_WEIGHTS)), weights=MENTION_WEIGHTS)[0]
        names = [surface(rng, a, watchlist.inflecting) for a in rng.choices(pool, cum_weights=weights, k=mentions)]
        if not in_persian:
            names += rng.sample(others, rng.randint(0, 3))
        for name in names:
            tokens.insert(rng.randrange(len(tokens)), name)
        yield punctuate(rng, tokens, not in_persian)


# ---- timing ----------------------------------------------------------------------------------


@dataclass
class Run:
    articles: int = 0
    seconds: float = 0.0  # inside the matching calls only
    mentions: int = 0
    fuzzy: int = 0
    wall: float = 0.0  # generation included

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def build(aliases: Sequence[Alias]) -> tuple[Matcher, float]:
    start = time.perf_counter()
    matcher = Matcher(aliases)
    return matcher, time.perf_counter() - start


def time_presswatch(matcher: Matcher, texts: Iterable[str], keep: list[list[Match]] | None = None) -> Run:
    """find() on every text; only the calls are timed. `keep` collects the matches (for the sample only)."""
    run, began = Run(), time.perf_counter()
    for text in texts:
        start = time.perf_counter()
        found = matcher.find(text)
        run.seconds += time.perf_counter() - start
        run.articles += 1
        run.mentions += len(found)
        run.fuzzy += sum(1 for m in found if m.method == "fuzzy")
        if keep is not None:
            keep.append(found)
    run.wall = time.perf_counter() - began
    return run


NaiveMatch = tuple[int, int, str]  # start, end, alias


def naive_patterns(aliases: Sequence[Alias]) -> tuple[list[tuple[re.Pattern[str], str]], float]:
    start = time.perf_counter()
    patterns = [
        (re.compile(r"\b" + re.escape(a.text) + r"\b", 0 if a.case_sensitive else re.IGNORECASE), a.text)
        for a in aliases
    ]
    return patterns, time.perf_counter() - start


def naive_find(patterns: Sequence[tuple[re.Pattern[str], str]], text: str) -> list[NaiveMatch]:
    return [(m.start(), m.end(), alias) for pattern, alias in patterns for m in pattern.finditer(text)]


def time_naive(
    patterns: Sequence[tuple[re.Pattern[str], str]], sample: Sequence[str], budget: float
) -> tuple[Run, list[list[NaiveMatch]]]:
    """Every pattern over each sample article, until the sample or the time budget runs out."""
    run, found = Run(), []
    for text in sample:
        if run.seconds >= budget:
            break
        start = time.perf_counter()
        hits = naive_find(patterns, text)
        run.seconds += time.perf_counter() - start
        run.articles += 1
        run.mentions += len(hits)
        found.append(hits)
    run.wall = run.seconds
    return run, found


def agreement(naive: list[list[NaiveMatch]], ours: list[list[Match]]) -> tuple[float, float]:
    """Shares of naive matches presswatch reports (same start, same folded alias), and found or covered."""
    total = same = covered = 0
    for hits, found in zip(naive, ours, strict=True):
        keys = {(m.start, fold(m.alias)) for m in found}
        for start, end, alias in hits:
            total += 1
            if (start, fold(alias)) in keys:
                same += 1
            elif any(m.start <= start and end <= m.end for m in found):
                covered += 1
    return (same / total, (same + covered) / total) if total else (1.0, 1.0)


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- report ----------------------------------------------------------------------------------


def measure(article_count: int, alias_count: int, budget: float, naive_max: int) -> dict[str, Any]:
    watchlist = make_watchlist(alias_count)
    matcher, build_s = build(watchlist.aliases)
    full = time_presswatch(matcher, articles(watchlist, article_count))
    sample = list(islice(articles(watchlist, article_count), naive_max))
    patterns, compile_s = naive_patterns(watchlist.aliases)
    naive, naive_found = time_naive(patterns, sample, budget)
    ours: list[list[Match]] = []
    same_sample = time_presswatch(matcher, sample[: naive.articles], keep=ours)
    exact, found_or_covered = agreement(naive_found, ours)
    return {
        "articles": full.articles,
        "aliases": len(watchlist.aliases),
        "entities": len({a.entity_id for a in watchlist.aliases}),
        "presswatch_build_s": build_s,
        "presswatch_s": full.seconds,
        "presswatch_articles_per_s": full.rate,
        "presswatch_mentions": full.mentions,
        "presswatch_fuzzy_mentions": full.fuzzy,
        "generation_s": full.wall - full.seconds,
        "naive_compile_s": compile_s,
        "naive_articles": naive.articles,
        "naive_s": naive.seconds,
        "naive_articles_per_s": naive.rate,
        "naive_mentions": naive.mentions,
        "presswatch_sample_articles_per_s": same_sample.rate,
        "presswatch_sample_mentions": same_sample.mentions,
        "agreement": exact,
        "agreement_or_covered": found_or_covered,
        "ratio": full.rate / naive.rate if naive.rate else None,
        "ratio_same_sample": same_sample.rate / naive.rate if naive.rate else None,
        "goal": GOAL,
        "meets_goal": bool(naive.rate) and full.rate / naive.rate >= GOAL,
        "peak_mb": peak_mb(),
    }


def lines_of(f: dict[str, Any]) -> list[str]:
    ratio = f"{f['ratio']:.1f}x" if f["ratio"] else "n/a"
    same = f"{f['ratio_same_sample']:.1f}x" if f["ratio_same_sample"] else "n/a"
    return [
        f"articles:                 {f['articles']:,} (generated and streamed, {f['generation_s']:.1f} s not timed)",
        f"aliases:                  {f['aliases']:,} over {f['entities']:,} entities",
        f"presswatch build:         {f['presswatch_build_s']:.2f} s (Matcher: fold + automaton)",
        f"presswatch find:          {f['presswatch_articles_per_s']:,.1f} articles/s over {f['articles']:,} articles"
        f" ({f['presswatch_s']:.1f} s; {f['presswatch_mentions']:,} mentions,"
        f" {f['presswatch_fuzzy_mentions']:,} fuzzy)",
        f"naive (1 regex / alias):  {f['naive_articles_per_s']:,.2f} articles/s, per article, on the first"
        f" {f['naive_articles']:,} articles only ({f['naive_s']:.1f} s; {f['naive_mentions']:,} matches;"
        f" compiling {f['naive_compile_s']:.2f} s not timed)",
        f"presswatch, same sample:  {f['presswatch_sample_articles_per_s']:,.1f} articles/s"
        f" ({f['presswatch_sample_mentions']:,} mentions)",
        f"agreement on the sample:  {f['agreement']:.1%} of the naive matches found by presswatch"
        f" (same start, same folded alias); {f['agreement_or_covered']:.1%} counting those inside a longer mention",
        f"ratio presswatch / naive: {ratio} (100k rate / sample rate; same sample: {same});"
        f" goal >= {f['goal']:.0f}x: {'met' if f['meets_goal'] else 'NOT met'}",
        f"peak memory:              {f['peak_mb']:.0f} MB (ru_maxrss)",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles to tag (default 100000)")
    parser.add_argument("--aliases", type=int, default=5_000, help="aliases in the watchlist (default 5000)")
    parser.add_argument("--naive-budget", type=float, default=NAIVE_BUDGET_S, help="seconds for the naive side")
    parser.add_argument("--naive-articles", type=int, default=NAIVE_ARTICLES, help="most articles for the naive side")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    figures = measure(
        max(1, options.articles), max(1, options.aliases), options.naive_budget, max(1, options.naive_articles)
    )
    print(json.dumps(figures, indent=2) if options.json else "\n".join(lines_of(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
