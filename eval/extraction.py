"""Article extraction quality on the AEB set: presswatch's ingest path against bare trafilatura.

Data: <data>/extraction/aeb/html/<id>.html.gz and ground-truth.json = {id: {url, articleBody}}.

Ours: every page is ingested with `Presswatch.ingest` into a temporary store,
and each file is mapped to the article it produced through the ingest
Outcome (label = file path, article_id = stored article). The text is read
back by article id, so two pages that share a canonical URL (the second is
stored as a new version of the first) each keep their own text.

Bare: `trafilatura.extract(html_bytes)` with default options on the same
decompressed bytes.

Scoring follows scrapinghub/article-extraction-benchmark's evaluate.py:
* tokens: re.findall(r"\\w+", text); shingles: the 4-token windows, as a
  multiset (a text of 1-3 tokens is one shorter shingle, none when empty);
* per page tp/fp/fn from the multisets, divided by their sum so that long
  pages weigh no more than short ones;
* precision = mean of tp/(tp+fp) over pages whose prediction is non-empty,
  recall = mean of tp/(tp+fn) over pages whose truth is non-empty; a page
  with fp == fn == 0 scores 1, tp == fp == 0 scores precision 0, tp == fn == 0
  recall 0. So an empty prediction counts as recall 0 and is left out of the
  precision mean (upstream's rule, kept so figures compare with its table);
* F1 = harmonic mean of the averaged precision and recall.

Goals (exit 1 when one fails): ours no more than 0.005 F1 below bare
trafilatura (being better is fine), and ours >= 0.95. Note that bare
trafilatura's defaults keep comments, which presswatch drops; upstream's own
runner passes include_comments=False and scores the same as our ingest path.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

import trafilatura
from _common import emit, parser, quiet_libraries, require, temp_store

from presswatch import ArticleFilter, Outcome

_TOKEN = re.compile(r"\w+")
SHINGLE = 4
MAX_GAP = 0.005
MIN_F1 = 0.95


@dataclass(frozen=True)
class Counts:
    """One page's normalised true positives, false positives and false negatives."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fn == 0 else self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    windows = (tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))
    return Counter(w for w in windows if w)


def match(truth: str, prediction: str) -> Counts:
    want, got = shingles(truth), shingles(prediction)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return Counts(tp / total, fp / total, fn / total) if total else Counts(0.0, 0.0, 0.0)


def summarise(pages: list[Counts]) -> dict[str, float]:
    precision = mean(c.precision for c in pages if c.tp + c.fp > 0)
    recall = mean(c.recall for c in pages if c.tp + c.fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def page_id(path: Path) -> str:
    return path.name.split(".")[0]


def presswatch_texts(files: list[Path]) -> tuple[dict[str, str], dict[str, str], int]:
    """Ingest the files for real: {page id: stored text}, {page id: why there is none}, current articles."""
    outcomes: list[Outcome] = []
    texts: dict[str, str] = {}
    missing: dict[str, str] = {}
    with temp_store() as pw:
        pw.ingest([str(f) for f in files], on_outcome=outcomes.append)
        by_label = {o.label: o for o in outcomes}
        for path in files:
            outcome = by_label.get(str(path))
            article = pw.article(str(outcome.article_id)) if outcome and outcome.article_id else None
            if article is None:
                missing[page_id(path)] = f"{outcome.status}: {outcome.message}" if outcome else "no outcome"
            texts[page_id(path)] = article["text"] if article else ""
        current = len(pw.articles(ArticleFilter(limit=100_000)))
    return texts, missing, current


def bare_texts(pages: dict[str, bytes]) -> dict[str, str]:
    return {key: trafilatura.extract(html) or "" for key, html in pages.items()}


def report(
    truth: dict[str, Any], ours: dict[str, str], bare: dict[str, str], missing: dict[str, str], current: int
) -> tuple[dict[str, Any], list[str], bool]:
    keys = sorted(truth)
    our_pages = {k: match(truth[k]["articleBody"], ours.get(k, "")) for k in keys}
    bare_pages = {k: match(truth[k]["articleBody"], bare.get(k, "")) for k in keys}
    o, b = summarise(list(our_pages.values())), summarise(list(bare_pages.values()))
    gap = o["f1"] - b["f1"]
    goals = {"within_0.005_of_trafilatura": gap >= -MAX_GAP, "f1_at_least_0.95": o["f1"] >= MIN_F1}
    worst = sorted(keys, key=lambda k: our_pages[k].f1)[:5]
    figures = {
        "pages": len(keys),
        "presswatch": o,
        "trafilatura": b,
        "f1_difference": gap,
        "goals": goals,
        "pages_without_article": missing,
        "current_articles": current,
        "trafilatura_version": trafilatura.__version__,
        "worst": [
            {"id": k, "url": truth[k]["url"], "f1": our_pages[k].f1, "trafilatura_f1": bare_pages[k].f1} for k in worst
        ],
        "per_page_f1": {k: {"presswatch": our_pages[k].f1, "trafilatura": bare_pages[k].f1} for k in keys},
    }
    lines = [
        f"AEB extraction, {len(keys)} pages (trafilatura {trafilatura.__version__})",
        f"{'':22}{'F1':>8}{'precision':>11}{'recall':>9}",
        f"{'presswatch (ingest)':22}{o['f1']:8.4f}{o['precision']:11.4f}{o['recall']:9.4f}",
        f"{'bare trafilatura':22}{b['f1']:8.4f}{b['precision']:11.4f}{b['recall']:9.4f}",
        f"difference (ours - bare): {gap:+.4f}",
        f"goal: within {MAX_GAP} of bare trafilatura ... {'PASS' if goals['within_0.005_of_trafilatura'] else 'FAIL'}",
        f"goal: F1 >= {MIN_F1} ... {'PASS' if goals['f1_at_least_0.95'] else 'FAIL'}",
        f"stored: {current} current articles for {len(keys)} pages (fewer means shared canonical URLs)",
        "pages with no stored article: " + (", ".join(f"{k[:16]} ({v})" for k, v in missing.items()) or "none"),
        "5 worst pages for presswatch (id, F1 ours, F1 bare, url):",
        *[f"  {k[:16]}  {our_pages[k].f1:.3f}  {bare_pages[k].f1:.3f}  {truth[k]['url']}" for k in worst],
    ]
    return figures, lines, all(goals.values())


def main() -> int:
    args = parser(__doc__.splitlines()[0]).parse_args()
    folder = require(args.data / "extraction" / "aeb")
    quiet_libraries()
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    files = sorted((folder / "html").glob("*.html.gz"))
    # Each page is read and gunzipped once, for trafilatura; ingest reads the files itself.
    pages = {page_id(f): gzip.decompress(f.read_bytes()) for f in files}
    ours, missing, current = presswatch_texts(files)
    figures, lines, ok = report(truth, ours, bare_texts(pages), missing, current)
    emit(figures, lines, args.json)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
