"""Entity mentions: presswatch's tagging against a hand-made gold set, and its alias suggestions.

Data: the real seed digest page (<data>/seed/000_97f0bdeadcdb7fcf.txt) with the
watchlist written for it (eval/entities_gold/seed_watchlist.toml), and the
bundled sample corpus with its own watchlist. The gold
(eval/entities_gold/gold.json) counts, per document, per entity, every
surface form by which the text names the organisation or one of five people.

Scoring: per document, entity and surface form (folded: case, diacritics and
Arabic-letter variants aside), true positives are min(ours, gold); the rest
of ours are false positives, the rest of gold false negatives. Only the
entities in the gold are scored (the sample's camp, a place, is not).
Precision and recall are micro-averaged; goal >= 0.95 each, exit 1 otherwise.

Two watchlists are scored: the full one (every spelling the pages use, the seed's
and the sample's watchlists together) and the minimal one
(eval/entities_minimal.toml: one or two main names per entity and its name in
the topic's other scripts, the way a user writes it; the file says how it was
chosen), which measures what the matcher finds on its own: inflections, letter
variants, transliterations, acronym spellings. Folds: the sample corpus is the
dev fold (the matcher's variant rules were checked against it); the seed page
is held out (never looked at while writing those rules). Both are printed; the
minimal watchlist's figures are reported, and gated (>= 0.95) only with
--gate-minimal.

Suggestions: for each organisation in eval/entities_gold/suggestions.json,
the watchlist is loaded without its held-out aliases, the corpus processed,
and the top 10 suggestions checked against every valid name of the entity.

Suggestions on the sample alone, with one alias per entity withheld: first
each alias of the sample watchlist is left out in turn (aliases that fold to
one form go together; never the entity's display name) and the sample
processed, which says how many mentions its absence loses and whether
`suggest` puts it back in its top 5. Then, per entity, the alias whose absence
loses the most mentions (the first listed of equals) is withheld, all seven at
once, and the figure is how many of the seven come back in their entity's top
5 suggestions; goal >= 5 of 7, exit 1 otherwise. The leave-one-out figure (of
the aliases whose absence loses any mention) is reported beside it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from _common import emit, parser, quiet_libraries, require, temp_store

from presswatch import Presswatch, sample_dir
from presswatch.demo import sample_parts
from presswatch.entities.watchlist import EntityEntry, Watchlist, parse_watchlist, store_watchlist
from presswatch.extract.text import fold
from presswatch.store.schema import articles, mentions

GOLD = Path(__file__).parent / "entities_gold"
MINIMAL = Path(__file__).parent / "entities_minimal.toml"
SEED_URL = "https://seed.example/weekly-digest-2019-04-05"
GOAL = 0.95
SUGGEST_TOP = 5
SUGGEST_GOAL = 5  # of the sample's 7 entities


def seed_record(data: Path, folder: Path) -> Path:
    """The seed page as a JSONL record: its text as it is, so offsets and forms stay the gold's."""
    text = (data / "seed" / "000_97f0bdeadcdb7fcf.txt").read_text("utf-8")
    record = folder / "seed.jsonl"
    record.write_text(json.dumps({"url": SEED_URL, "text": text, "source": "seed digest", "language": "en"}) + "\n")
    return record


def watchlist_of(held_out: dict[str, set[str]] | None = None) -> Watchlist:
    """The seed's and the sample's watchlists together, less any held-out aliases."""
    seed = parse_watchlist(GOLD / "seed_watchlist.toml")
    sample = parse_watchlist(sample_dir() / "watchlist.toml")
    merged = Watchlist(seed.topics + sample.topics, seed.entities + sample.entities)
    for entity in merged.entities:
        removed = {fold(text) for text in (held_out or {}).get(entity.id, set())}
        entity.aliases = [a for a in entity.aliases if fold(a.text) not in removed]
    return merged


def minimal_watchlist() -> Watchlist:
    """The short watchlist a user would write (see eval/entities_minimal.toml)."""
    return parse_watchlist(MINIMAL)


def load(pw: Presswatch, watchlist: Watchlist) -> None:
    with pw.store.begin() as conn:
        store_watchlist(conn, watchlist)
    pw.process()


def our_counts(pw: Presswatch, entity_ids: set[str]) -> dict[str, dict[str, Counter[str]]]:
    """Per document (URL, or "seed"), per entity, folded surface → count."""
    found: dict[str, dict[str, Counter[str]]] = {}
    query = (
        mentions.select()
        .with_only_columns(articles.c.url, mentions.c.entity_id, mentions.c.surface)
        .join_from(mentions, articles, articles.c.id == mentions.c.article_id)
        .where(articles.c.is_current)
    )
    with pw.store.connect() as conn:
        for url, entity, surface in conn.execute(query):
            if entity in entity_ids:
                doc = "seed" if url == SEED_URL else url
                found.setdefault(doc, {}).setdefault(entity, Counter())[fold(surface)] += 1
    return found


def score(gold: dict[str, Any], ours: dict[str, dict[str, Counter[str]]]) -> dict[str, Any]:
    """Micro precision and recall, overall, per corpus and per entity, and the differences."""
    tallies: dict[str, Counter[str]] = {}
    misses: list[dict[str, Any]] = []
    for doc, by_entity in gold["documents"].items():
        corpus = "seed" if doc == "seed" else "sample"
        entities = set(by_entity) | set(ours.get(doc, {}))
        for entity in entities:
            want: Counter[str] = Counter()
            for surface, count in by_entity.get(entity, {}).items():
                want[fold(surface)] += count  # "MEK" and "MeK" are one folded form
            got = ours.get(doc, {}).get(entity, Counter())
            for key in ("all", corpus, entity):
                tally = tallies.setdefault(key, Counter())
                tally["tp"] += sum((want & got).values())
                tally["fp"] += sum((got - want).values())
                tally["fn"] += sum((want - got).values())
            for form in set(want) | set(got):
                if want[form] != got[form]:
                    misses.append({"doc": doc, "entity": entity, "form": form, "gold": want[form], "ours": got[form]})
    return {key: _rates(t) for key, t in tallies.items()} | {"differences": misses}


def _rates(tally: Counter[str]) -> dict[str, float]:
    tp, fp, fn = tally["tp"], tally["fp"], tally["fn"]
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def suggestion_checks(data: Path, folder: Path) -> list[dict[str, Any]]:
    """How many of the top 10 suggestions are right, with the held-out aliases removed."""
    checks = []
    for case in json.loads((GOLD / "suggestions.json").read_text("utf-8")):
        held = {case["entity"]: set(case["held_out"])}
        with temp_store() as pw:
            pw.ingest([str(seed_record(data, folder)), *sample_parts()])
            load(pw, watchlist_of(held))
            found = pw.suggest_aliases(case["entity"], limit=10)
        valid = {fold(name) for name in case["valid"]}
        right = [s.text for s in found if fold(s.text) in valid]
        checks.append(
            {
                "entity": case["entity"],
                "suggested": [s.text for s in found],
                "right": right,
                "held_out_found": sorted(set(right) & set(case["held_out"])),
            }
        )
    return checks


def sample_suggestion_checks() -> dict[str, Any]:
    """The sample with one alias per entity withheld (see the docstring), and every alias left out in turn."""
    full = parse_watchlist(sample_dir() / "watchlist.toml")
    with temp_store() as pw:
        pw.ingest(sample_parts())
        load(pw, full)
        before = mention_counts(pw)
        trials = []
        for entity in full.entities:
            for form, texts in alias_forms(entity).items():
                load(pw, without(full, {entity.id: form}))
                lost = before[entity.id] - mention_counts(pw).get(entity.id, 0)
                top = [s.text for s in pw.suggest_aliases(entity.id, SUGGEST_TOP)]
                trials.append({"entity": entity.id, "withheld": texts, "lost": lost, "back": form in map(fold, top)})
        withheld = {}
        for entity in full.entities:
            own = [t for t in trials if t["entity"] == entity.id]
            withheld[entity.id] = max(own, key=lambda t: t["lost"])["withheld"]  # max keeps the first of equals
        load(pw, without(full, {e: fold(texts[0]) for e, texts in withheld.items()}))
        tops = {e: [s.text for s in pw.suggest_aliases(e, SUGGEST_TOP)] for e in withheld}
    back = {e: fold(withheld[e][0]) in map(fold, top) for e, top in tops.items()}
    losing = [t for t in trials if t["lost"] > 0]
    return {
        "withheld": withheld,
        "top": tops,
        "back": back,
        "found": sum(back.values()),
        "of": len(back),
        "meets_goal": sum(back.values()) >= SUGGEST_GOAL,
        "leave_one_out": {
            "found": sum(t["back"] for t in losing),
            "of": len(losing),
            "missed": [f"{t['entity']}: {t['withheld'][0]}" for t in losing if not t["back"]],
        },
    }


def alias_forms(entity: EntityEntry) -> dict[str, list[str]]:
    """The entity's aliases by folded form (they match the same text), the display name's form left out."""
    forms: dict[str, list[str]] = {}
    for alias in entity.aliases:
        if fold(alias.text) != fold(entity.name):
            forms.setdefault(fold(alias.text), []).append(alias.text)
    return forms


def without(watchlist: Watchlist, forms: dict[str, str]) -> Watchlist:
    """The watchlist less, per entity, the aliases of one folded form."""
    entities = [
        EntityEntry(e.id, e.name, e.kind, [a for a in e.aliases if fold(a.text) != forms.get(e.id)], e.exclude, e.note)
        for e in watchlist.entities
    ]
    return Watchlist(watchlist.topics, entities)


def mention_counts(pw: Presswatch) -> Counter[str]:
    with pw.store.connect() as conn:
        return Counter(conn.execute(mentions.select().with_only_columns(mentions.c.entity_id)).scalars())


def main() -> int:
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--skip-suggestions", action="store_true", help="only the mention figures (faster)")
    args.add_argument("--gate-minimal", action="store_true", help="exit 1 also when the minimal watchlist fails")
    options = args.parse_args()
    data = require(options.data)
    quiet_libraries()
    gold = json.loads((GOLD / "gold.json").read_text("utf-8"))
    scored_entities = {e for by_entity in gold["documents"].values() for e in by_entity}
    with temp_store() as pw:
        folder = Path(pw.settings.db).parent
        pw.ingest([str(seed_record(data, folder)), *sample_parts()])
        load(pw, watchlist_of())
        figures = score(gold, our_counts(pw, scored_entities))
        load(pw, minimal_watchlist())
        minimal = score(gold, our_counts(pw, scored_entities))
        figures["suggestions"] = [] if options.skip_suggestions else suggestion_checks(data, folder)
    skipped = {"withheld": {}, "top": {}, "back": {}, "found": 0, "of": 0, "meets_goal": True}
    skipped["leave_one_out"] = {"found": 0, "of": 0, "missed": []}
    figures["sample_suggestions"] = skipped if options.skip_suggestions else sample_suggestion_checks()
    overall = figures["all"]
    figures["meets_goal"] = overall["precision"] >= GOAL and overall["recall"] >= GOAL
    minimal["meets_goal"] = minimal["all"]["precision"] >= GOAL and minimal["all"]["recall"] >= GOAL
    figures["minimal"] = minimal
    emit(figures, report_lines(figures), options.json)
    gates = [figures["meets_goal"], figures["sample_suggestions"]["meets_goal"]]
    return 0 if all(gates) and (minimal["meets_goal"] or not options.gate_minimal) else 1


NOT_FIGURES = ("all", "seed", "sample", "differences", "suggestions", "sample_suggestions", "meets_goal", "minimal")
FOLDS = {"seed": "seed (held out)", "sample": "sample (dev)"}


def mention_lines(figures: dict[str, Any], title: str) -> list[str]:
    lines = [title, f"{'':28}{'precision':>10}{'recall':>8}{'tp':>6}{'fp':>5}{'fn':>5}"]
    keys = ["all", "seed", "sample"] + sorted(k for k in figures if k not in NOT_FIGURES)
    for key in keys:
        if key in figures:
            f = figures[key]
            label = FOLDS.get(key, key)
            lines.append(f"{label:28}{f['precision']:10.4f}{f['recall']:8.4f}{f['tp']:6}{f['fp']:5}{f['fn']:5}")
    lines.append(f"goal: precision and recall >= {GOAL} ... {'PASS' if figures['meets_goal'] else 'FAIL'}")
    lines.append("differences (doc, entity, folded form: gold vs ours), first 30:")
    for miss in figures["differences"][:30]:
        doc = miss["doc"] if miss["doc"] == "seed" else miss["doc"].split("//")[1][:50]
        lines.append(f"  {doc}  {miss['entity']}  {miss['form']!r}: gold {miss['gold']}, ours {miss['ours']}")
    return lines


def report_lines(figures: dict[str, Any]) -> list[str]:
    lines = mention_lines(figures, "Entity mentions against the gold (seed page + sample corpus), full watchlist")
    lines += mention_lines(figures["minimal"], f"The same with the minimal watchlist ({MINIMAL.name})")
    for check in figures["suggestions"]:
        lines.append(
            f"suggestions for {check['entity']}: {len(check['right'])} of the top {len(check['suggested'])} "
            f"are right names (held-out aliases found again: {', '.join(check['held_out_found']) or 'none'})"
        )
        lines.extend(f"    {'+' if s in check['right'] else '-'} {s}" for s in check["suggested"])
    return lines + sample_suggestion_lines(figures["sample_suggestions"])


def sample_suggestion_lines(checks: dict[str, Any]) -> list[str]:
    lines = [
        f"suggestions on the sample, the alias whose absence loses the most mentions withheld per entity: "
        f"{checks['found']} of {checks['of']} back in the top {SUGGEST_TOP} "
        f"(goal >= {SUGGEST_GOAL}) ... {'PASS' if checks['meets_goal'] else 'FAIL'}"
    ]
    for entity, texts in checks["withheld"].items():
        lines.append(f"  {'+' if checks['back'][entity] else '-'} {entity}: {' / '.join(texts)}")
        lines.append(f"      top {SUGGEST_TOP}: {', '.join(checks['top'][entity]) or 'none'}")
    loo = checks["leave_one_out"]
    lines.append(
        f"each alias left out in turn: {loo['found']} of the {loo['of']} whose absence loses mentions are back "
        f"in the top {SUGGEST_TOP}; missed: {'; '.join(loo['missed']) or 'none'}"
    )
    return lines


if __name__ == "__main__":
    sys.exit(main())
