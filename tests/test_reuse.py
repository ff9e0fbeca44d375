"""Reuse: fingerprints, aligned passages, provenance, the stage on the sample corpus, the CLI."""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from presswatch import Presswatch, sample_dir
from presswatch.cli import app
from presswatch.reuse.fingerprints import (
    FINGERPRINTS,
    band_keys,
    bands_of,
    jaccard,
    minhash,
    minhash_shingles,
    minhashes,
    passage_fingerprints,
    shingles,
    word_ids,
    words_of,
)
from presswatch.reuse.passages import character_spans, shared_passages
from presswatch.reuse.provenance import ArticleFacts, infer_direction
from presswatch.store.schema import articles, links

from .conftest import page
from .test_ingest import write_warc

GOLD = json.loads((sample_dir() / "gold.json").read_text("utf-8"))


def prose(seed: int, words: int) -> str:
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(4000)]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def test_minhash_estimates_jaccard_and_lsh_finds_near_duplicates() -> None:
    text = prose(1, 600)
    near = text.replace(text.split()[300], "changed", 1)
    a, b, c = (shingles(words_of(t), 5) for t in (text, near, prose(2, 600)))
    assert jaccard(a, a) == 1.0 and jaccard(a, b) > 0.9 and jaccard(a, c) < 0.05
    agree = (minhash(a) == minhash(b)).mean()
    assert abs(agree - jaccard(a, b)) < 0.1
    assert set(band_keys(minhash(a))) & set(band_keys(minhash(b)))
    assert not set(band_keys(minhash(a))) & set(band_keys(minhash(c)))
    assert np.array_equal(minhash(a), minhash(shingles(words_of(text), 5)))  # stable, no per-process salt


def test_fingerprinting_a_batch_gives_what_each_text_gives_alone() -> None:
    texts = [
        prose(9, 700),
        "MUXHAHEDINËT e MKO’s ‘quoted’ — İstanbul, don’t; © 2024 … «x» 😀 a_b",
        "مجاهدین خلق ۴۱ كانيه‌ وست",
        "",
        "two words",
        "x" * 3000 + " " + prose(10, 40),
        "\ud800 lone surrogate and five more words here",
        "ΟΔΟΣ οδός ΣΟΦΟΣ, Shqipëria e soft\u00adhyphen e\u00ad f",  # final sigma by context; a removed character
        prose(11, 30_000),  # longer than a chunk of the batch: the running sums go across rows
    ]
    sets = minhash_shingles(texts)
    for text, found in zip(texts, sets, strict=True):
        assert np.array_equal(word_ids(text), words_of(text).ids)
        assert np.array_equal(found, shingles(words_of(text), 5))
        assert np.array_equal(minhash_shingles([text])[0], found)  # alone: Latin-1 texts take the byte way
    signatures = minhashes(sets)
    for found, signature, keys in zip(sets, signatures, bands_of(signatures), strict=True):
        assert np.array_equal(signature, minhash(found))
        assert keys.tolist() == band_keys(minhash(found))
    assert len(sets[3]) == 0 and len(sets[4]) == 1


def test_fingerprints_are_the_same_in_every_process() -> None:
    """The store keeps LSH buckets and passage hashes: a change to these values must change FINGERPRINTS."""
    text = prose(5, 60) + " Shqipëria ΟΔΟΣ مجاهدین"
    assert FINGERPRINTS == "fp2"
    assert word_ids("Shqipëria ΟΔΟΣ مجاهدین").view(np.int64).tolist() == [
        -2833465880571349358,
        3803083231431678629,
        8883493797834240400,
    ]
    assert band_keys(minhash(shingles(words_of(text), 5)))[:2] == [-1448261732735593151, -5966231578713221679]
    assert passage_fingerprints(words_of(text))[:2] == [202822412862826778, 241434081731080852]


def test_a_republished_article_with_typos_is_one_aligned_passage() -> None:
    article = prose(3, 300)
    words = article.split()
    words[100] = "typo"
    words.insert(200, "inserted")
    digest = prose(4, 400) + " " + " ".join(words) + " " + prose(5, 100)
    a, d = words_of(article), words_of(digest)
    [passage] = shared_passages(a, d, 50)
    assert passage.words >= 295
    start, end = character_spans(article, a, passage.a_start, passage.a_end)
    assert (start, end) == (0, len(article))
    d_start, _ = character_spans(digest, d, passage.b_start, passage.b_end)
    assert digest[d_start:].startswith(" ".join(words[:5]))


def test_short_overlaps_are_not_passages() -> None:
    quote = prose(6, 30)
    assert shared_passages(words_of(prose(7, 200) + " " + quote), words_of(quote + " " + prose(8, 200)), 50) == []


def facts(article_id: int, url: str, text: str, when: str | None, how: str | None = "metadata") -> ArticleFacts:
    moment = datetime.fromisoformat(when) if when else None
    return ArticleFacts(article_id, url, moment, how if when else None, text, len(text.split()))


def test_direction_from_dates_citations_credits_and_containment() -> None:
    origin = facts(1, "https://first.example/story-about-the-camp", "text", "2026-10-01T08:00")
    copy = facts(2, "https://second.example/copy", "text", "2026-10-01T12:00")
    found = infer_direction(copy, origin, "duplicate")
    assert (found.origin, found.copy, found.directed) == (1, 2, True) and "4.0 hours earlier" in found.reason
    citing = facts(3, "https://third.example/x", "Link to the source: first.example/story-about-the-camp", None)
    undated = facts(1, origin.url, "text", None)
    assert infer_direction(citing, undated, "duplicate").reason.startswith("the copy links to the origin")
    credited = facts(4, "https://t.example/sq", "Përktheu: Arta Mema", None)
    assert infer_direction(credited, facts(5, "https://t.example/en", "text", None), "translation").origin == 5
    contained = infer_direction(
        facts(6, "https://a.example/1", "x", None),
        facts(7, "https://b.example/2", "y", None),
        "partial",
        covered_a=0.95,
        covered_b=0.2,
    )
    assert contained.origin == 6 and contained.directed
    unknown = infer_direction(
        facts(9, "https://a.example/9", "x", None), facts(8, "https://b.example/8", "y", None), "duplicate"
    )
    assert not unknown.directed and unknown.origin == 8


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Presswatch:
    db = tmp_path_factory.mktemp("reuse") / "sample.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return Presswatch(db=str(db))


def linked(pw: Presswatch) -> set[tuple[str, str, str]]:
    rows = pw.store.engine.connect().exec_driver_sql(
        "SELECT l.kind, o.url, c.url FROM links l "
        "JOIN articles o ON o.id = l.origin_id JOIN articles c ON c.id = l.copy_id"
    )
    return {tuple(row) for row in rows}  # type: ignore[misc]


def test_every_gold_link_of_the_sample_is_found_in_the_right_direction(sample_store: Presswatch) -> None:
    found = linked(sample_store)
    for gold in GOLD["links"]:
        assert (gold["kind"], gold["origin"], gold["copy"]) in found, gold


def test_processing_again_changes_nothing(sample_store: Presswatch) -> None:
    before = linked(sample_store)
    reports = {r.stage: r for r in sample_store.process()}
    assert reports["reuse"].articles == 0 and linked(sample_store) == before


def test_outlet_boilerplate_does_not_link_pages(tmp_path: Path) -> None:
    pw = Presswatch(db=str(tmp_path / "b.db"))
    footer = prose(9, 70)
    for number in range(4):
        text = prose(10 + number, 250) + "\n" + footer
        (tmp_path / f"p{number}.html").write_text(page(f"Story {number}", text, url=f"https://one.example/{number}"))
    pw.ingest([str(tmp_path / "*.html")])
    pw.process()
    assert linked(pw) == set()
    pw.close()


def test_a_copy_that_declares_its_origin_canonical_is_the_copy(tmp_path: Path) -> None:
    origin_url, copy_url = "https://wire.example/2026/10/camp-fire", "https://syndicator.example/news/88121"
    text = prose(20, 300)
    copy_page = page("Fire in the camp", text, url=origin_url).encode()  # names the origin as canonical
    origin_page = page("Fire in the camp", text, url=origin_url).encode()
    # The copy arrives first and neither page states a date: only the canonical link can tell.
    warc = write_warc(
        tmp_path / "crawl.warc.gz", [(copy_url, copy_page, "text/html"), (origin_url, origin_page, "text/html")]
    )
    pw = Presswatch(db=str(tmp_path / "c.db"))
    pw.ingest([str(warc)])
    pw.process()
    with pw.store.connect() as conn:
        declared = conn.execute(select(articles.c.url, articles.c.declared_url)).all()
    assert sorted(declared) == [(copy_url, origin_url), (origin_url, None)]
    assert linked(pw) == {("duplicate", origin_url, copy_url)}
    [(directed, reason)] = pw.store.engine.connect().exec_driver_sql("SELECT directed, reason FROM links").all()
    assert directed and reason.startswith("the copy declares the origin as its canonical page")
    pw.close()


def test_provenance_copies_and_link_export_commands(sample_store: Presswatch) -> None:
    runner = CliRunner()
    db = ["--db", str(sample_store.settings.db)]
    digest = next(a for a in sample_store.articles() if "Digest" in (a["title"] or ""))
    shown = json.loads(runner.invoke(app, [*db, "provenance", str(digest["id"]), "--json"]).stdout)
    relations = {link["relation"] for link in shown["links"]}
    assert relations == {"copied from"} and len(shown["links"]) >= 4
    passage = shown["links"][0]["passages"][0]
    assert passage["words"] >= 50 and passage["origin"]["text"] and passage["copy"]["text"]
    network = json.loads(runner.invoke(app, [*db, "copies", "--json"]).stdout)
    assert any(row["copier"] == "Vanguard Watch" for row in network)
    assert all(row["median_delay_hours"] is None or row["median_delay_hours"] >= 0 for row in network)
    rows = [json.loads(line) for line in runner.invoke(app, [*db, "export", "links"]).stdout.splitlines()]
    assert rows and {"origin_url", "copy_url", "kind", "confidence", "reason"} <= set(rows[0])
    original = runner.invoke(app, [*db, "provenance", "999999"])
    assert original.exit_code == 2


def test_redo_reuse_clears_its_links_and_finds_them_again(tmp_path: Path) -> None:
    pw = Presswatch(db=str(tmp_path / "r.db"))
    text = prose(30, 300)
    for number in range(2):
        (tmp_path / f"c{number}.html").write_text(page("Copy", text, url=f"https://outlet{number}.example/a"))
    pw.ingest([str(tmp_path / "*.html")])
    pw.process()
    before = linked(pw)
    assert len(before) == 1
    [reuse] = [r for r in pw.process(redo=("reuse",)) if r.stage == "reuse"]
    assert reuse.articles == 2 and linked(pw) == before
    [again] = [r for r in pw.process() if r.stage == "reuse"]
    assert again.articles == 0
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "r.db"), "process", "--redo", "nothing"])
    assert result.exit_code == 2 and "no stage 'nothing'" in result.output
    pw.close()


def test_a_wire_copy_links_to_the_origin_not_to_every_earlier_copy(tmp_path: Path) -> None:
    wire = prose(40, 300)
    pages = {
        "a-origin": ("https://wire.example/story", wire, "2026-10-01T08:00:00Z"),
        "b-first-copy": ("https://one.example/story", wire + "\n" + prose(41, 30), "2026-10-01T10:00:00Z"),
        "c-second-copy": ("https://two.example/story", wire + "\n" + prose(43, 30), "2026-10-03T10:00:00Z"),
    }
    for name, (url, text, when) in pages.items():
        (tmp_path / f"{name}.html").write_text(page("Wire story", text, url=url, published=when))
    pw = Presswatch(db=str(tmp_path / "w.db"))
    pw.ingest([str(tmp_path / "*.html")])
    pw.process()
    origin = pages["a-origin"][0]
    # not also one.example -> two.example: the second copy matched the first only because both took the wire's text
    assert linked(pw) == {
        ("duplicate", origin, pages["b-first-copy"][0]),
        ("duplicate", origin, pages["c-second-copy"][0]),
    }
    pw.close()


def _wire_story(tmp_path: Path) -> dict[str, dict[str, str]]:
    """An origin, three copies of it (two near-identical, one embedding it in its own report), a later echo."""
    body = prose(7, 220)
    words = body.split()
    records = {
        "origin": (body, "2026-10-01T06:00:00Z"),
        "copy-a": (" ".join(words[:-3]) + " Reported by the Ledger desk.", "2026-10-01T09:00:00Z"),
        "copy-b": (body + " Translated and edited by our staff.", "2026-10-02T10:00:00Z"),
        "embed": (prose(11, 120) + " " + " ".join(words[:140]) + " " + prose(12, 90), "2026-10-03T08:00:00Z"),
    }
    return {
        name: {
            "url": f"https://{name}.example/news/wire-story",
            "title": f"Wire story ({name})",
            "text": text,
            "published": when,
            "source": name,
        }
        for name, (text, when) in records.items()
    }


def _links_by_url(pw: Presswatch) -> set[tuple[str, str, str, bool]]:
    with pw.store.connect() as conn:
        origin, copy = articles.alias("o"), articles.alias("c")
        rows = conn.execute(
            select(origin.c.url, copy.c.url, links.c.kind, links.c.directed)
            .join(origin, origin.c.id == links.c.origin_id)
            .join(copy, copy.c.id == links.c.copy_id)
        ).all()
    return {(o, c, kind, bool(directed)) for o, c, kind, directed in rows}


def _ingest_and_process(pw: Presswatch, folder: Path, records: list[dict[str, str]], name: str) -> None:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert pw.ingest([str(path)]).exit_code == 0
    pw.process()


def test_origins_and_directions_do_not_depend_on_arrival_order(tmp_path: Path) -> None:
    story = _wire_story(tmp_path)
    together = Presswatch(db=str(tmp_path / "together.db"))
    # arrival order is not publication order even in one run: the origin comes last in the file
    _ingest_and_process(together, tmp_path, [story[n] for n in ("copy-b", "embed", "copy-a", "origin")], "all")
    expected = _links_by_url(together)
    origin_url = story["origin"]["url"]
    assert {o for o, _, kind, _ in expected if kind == "duplicate"} == {origin_url}
    assert any(o == origin_url and kind == "partial" for o, _, kind, _ in expected)

    late = Presswatch(db=str(tmp_path / "late.db"))
    _ingest_and_process(late, tmp_path, [story[n] for n in ("copy-a", "copy-b", "embed")], "copies")
    assert {o for o, _, _, _ in _links_by_url(late)} != {origin_url}  # without it, a copy is the origin
    _ingest_and_process(late, tmp_path, [story["origin"]], "origin")
    assert _links_by_url(late) == expected
    assert late.provenance(origin_url)["origin"]["url"] == origin_url
    together.close()
    late.close()
