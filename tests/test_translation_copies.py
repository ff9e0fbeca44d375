"""Translations that are also copies (issue #21, item 3): an original, its translation, a page carrying both.

Fictional articles: an Albanian report, its English translation, a weekly
digest that republishes both side by side, and a syndicated copy of each.
Ingested as JSONL into a real SQLite store and processed: the pair must be
linked as a translation with the original as origin, and the digest as a
partial copy of each, whatever else links to them. The seed page's own pairs
are checked by eval/seed_translations.py (which needs ../shared/data).
"""

from __future__ import annotations

import importlib
import io
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from presswatch import Presswatch
from presswatch.reuse.provenance import ArticleFacts, infer_direction, names_outlet
from presswatch.reuse.stage import main_language

from .conftest import PROJECT

ALBANIAN_TITLE = "Bashkia e Lumëzit hap urën e re mbi lumin Drenica"
ALBANIAN = (
    "Bashkia e Lumëzit hapi të martën urën e re mbi lumin Drenica, pas një pune që zgjati 26 muaj. "
    "Kryetari Drilon Kastrati tha se ura kushtoi 4,8 milionë euro dhe se do të shkurtojë rrugën për në "
    "Prizmaj me 35 minuta.\n"
    "Sipas Kastratit, çdo ditë mbi urë do të kalojnë rreth 12.400 makina. Punimet filluan më 14 mars 2022 "
    "dhe u vonuan për shkak të përmbytjeve të vitit 2023, kur lumi Drenica doli nga shtrati.\n"
    "Inxhinierja Mirela Hoxhaj, e cila drejtoi projektin për firmën Gurra Ndërtim, shpjegoi se ura ka "
    "gjatësi 318 metra dhe se shtyllat e saj janë ngulur 22 metra thellë në shkëmb.\n"
    "Banorët e fshatit Zabeli kishin kërkuar urën që nga viti 1998. Shoqata e tyre mblodhi 2.150 "
    "nënshkrime në vitin 2019 dhe ia dërgoi ato ministrit Arben Krasniqi.\n"
    "Bashkia premton që deri në qershor 2025 të ndërtojë edhe një shteg për biçikleta prej 7 kilometrash "
    "përgjatë lumit, me një kosto prej 650 mijë eurosh, të financuar nga fondi rajonal Drenica Plus."
)
ENGLISH_TITLE = "Lumëz opens its new bridge over the Drenica river"
ENGLISH = (
    "The municipality of Lumëz on Tuesday opened its new bridge over the Drenica river, after work that "
    "lasted 26 months. Mayor Drilon Kastrati said the bridge cost 4.8 million euros and will shorten the "
    "road to Prizmaj by 35 minutes.\n"
    "According to Kastrati, some 12,400 cars will cross the bridge every day. Work began on 14 March 2022 "
    "and was delayed by the floods of 2023, when the Drenica burst its banks.\n"
    "Engineer Mirela Hoxhaj, who led the project for the firm Gurra Ndërtim, explained that the bridge is "
    "318 metres long and that its piers are driven 22 metres deep into the rock.\n"
    "Residents of the village of Zabeli had asked for the bridge since 1998. Their association collected "
    "2,150 signatures in 2019 and sent them to minister Arben Krasniqi.\n"
    "The municipality promises to build by June 2025 a 7-kilometre cycle path along the river as well, "
    "at a cost of 650 thousand euros, funded by the regional Drenica Plus fund."
)
DIGEST_HEAD = (
    "Weekly regional digest: the stories our readers followed this week, in English and in Albanian, "
    "republished in full with thanks to their publishers. This week we look at roads, bridges and rivers "
    "across the northern valleys, and at what the new infrastructure money has and has not delivered."
)
DIGEST_TAIL = (
    "Next week the digest returns with the spring fisheries report, a long interview with the valley's "
    "oldest ferryman and the results of our readers' survey on public transport in the northern towns."
)


def _record(url: str, title: str, text: str, source: str, published: str | None) -> dict[str, Any]:
    record = {"url": url, "title": title, "text": text, "source": source}
    if published:
        record["published"] = published
    return record


def _ingest_and_process(tmp_path: Path, records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    pw = Presswatch(db=str(tmp_path / "store.db"))
    try:
        pw.ingest([str(path)])
        pw.process()
        stream = io.StringIO()
        pw.export("links", "jsonl", None, stream)
        found = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
        with pw.store.connect() as conn:
            from sqlalchemy import select

            from presswatch.store.schema import articles

            url_of = {row.id: row.url for row in conn.execute(select(articles.c.id, articles.c.url))}
    finally:
        pw.close()
    return found, url_of


def _pairs(found: list[dict[str, Any]], url_of: dict[int, str], kind: str) -> dict[frozenset[str], dict[str, Any]]:
    return {
        frozenset((url_of[link["origin_id"]], url_of[link["copy_id"]])): {
            **link,
            "origin": url_of[link["origin_id"]],
        }
        for link in found
        if link["kind"] == kind
    }


SQ = "https://lajme-lumezi.example/ura-drenica"
EN = "https://valley-news.example/drenica-bridge"
DIGEST = "https://weekly-digest.example/2024-10-12"
SQ_COPY = "https://syndikata.example/ura-drenica"
EN_COPY = "https://wire-partner.example/drenica-bridge"


def test_translation_found_beside_a_digest_and_syndicated_copies(tmp_path: Path) -> None:
    digest = "\n".join([DIGEST_HEAD, ENGLISH_TITLE, ENGLISH, ALBANIAN_TITLE, ALBANIAN, DIGEST_TAIL])
    records = [
        _record(SQ, ALBANIAN_TITLE, ALBANIAN, "Lajme Lumëzi", "2024-10-08T09:00:00Z"),
        _record(EN, ENGLISH_TITLE, ENGLISH, "Valley News", "2024-10-09T15:00:00Z"),
        _record(DIGEST, "Weekly regional digest", digest, "Weekly Digest", "2024-10-12T08:00:00Z"),
        _record(SQ_COPY, ALBANIAN_TITLE, ALBANIAN, "Syndikata", "2024-10-08T18:00:00Z"),
        _record(EN_COPY, ENGLISH_TITLE, ENGLISH, "Wire Partner", "2024-10-10T07:00:00Z"),
    ]
    found, url_of = _ingest_and_process(tmp_path, records)
    translations = _pairs(found, url_of, "translation")
    pair = translations.get(frozenset((SQ, EN)))
    assert pair is not None, f"the pair is not linked as a translation; links: {found}"
    assert pair["directed"] and pair["origin"] == SQ
    copies = _pairs(found, url_of, "partial")
    for piece in (SQ, EN):
        link = copies.get(frozenset((piece, DIGEST)))
        assert link is not None, f"the digest is not a partial copy of {piece}"
        assert link["origin"] == piece
    duplicates = _pairs(found, url_of, "duplicate")
    assert duplicates[frozenset((SQ, SQ_COPY))]["origin"] == SQ
    assert duplicates[frozenset((EN, EN_COPY))]["origin"] == EN
    # No translation link between texts in one language, and none with the digest.
    for link in translations.values():
        assert DIGEST not in {url_of[link["origin_id"]], url_of[link["copy_id"]]}
        assert {url_of[link["origin_id"]], url_of[link["copy_id"]]} & {SQ, SQ_COPY}


def test_undated_translation_under_the_originals_headline(tmp_path: Path) -> None:
    """The translation is undated (captured years later), opens with the original's Albanian headline
    (so its stored language may be Albanian), and names the original's outlet: still linked, directed."""
    english = f"{ALBANIAN_TITLE}\n{ENGLISH}\nSource: Lajme Lumëzi"
    digest = "\n".join([DIGEST_HEAD, ALBANIAN_TITLE, ALBANIAN, english, DIGEST_TAIL])
    records = [
        _record(SQ, ALBANIAN_TITLE, ALBANIAN, "Lajme Lumëzi", "2024-10-08T09:00:00Z"),
        _record(EN, ENGLISH_TITLE, english, "Valley News", None),
        _record(DIGEST, "Weekly regional digest", digest, "Weekly Digest", "2024-10-12T08:00:00Z"),
    ]
    found, url_of = _ingest_and_process(tmp_path, records)
    pair = _pairs(found, url_of, "translation").get(frozenset((SQ, EN)))
    assert pair is not None, f"the pair is not linked as a translation; links: {found}"
    assert pair["directed"] and pair["origin"] == SQ
    assert "outlet" in pair["reason"]
    copies = _pairs(found, url_of, "partial")
    assert frozenset((SQ, DIGEST)) in copies and frozenset((EN, DIGEST)) in copies


def test_main_language_is_the_one_of_most_text() -> None:
    spans = json.dumps([[0, 60, "sq"], [61, 900, "en"], [901, 950, "sq"]])
    assert main_language("sq", spans) == "en"
    assert main_language("en", json.dumps([[0, 500, "en"], [501, 700, "sq"]])) == "en"
    assert main_language("de", None) == "de"
    assert main_language("fa", "not json") == "fa"


def test_outlet_names_and_day_only_dates() -> None:
    assert names_outlet("Letër e hapur ...\nBurimi: Balkanspost", "Balkans Post")
    assert names_outlet("GAZETA IMPAKT – August 21, 2018", "Gazeta Impakt")
    assert names_outlet("first seen on balkanspost.com today", "balkanspost.com")
    assert not names_outlet("the post office in the balkans", "Balkans Post")
    assert not names_outlet("AP reported", "AP")

    def facts(article_id: int, when: datetime, text: str = "text", outlet: str | None = None) -> ArticleFacts:
        return ArticleFacts(article_id, f"https://o{article_id}.example/a", when, "record", text, 100, None, outlet)

    # A date without its time (midnight) against 13:42 of that day: the dates decide nothing.
    day_only, timed = facts(1, datetime(2018, 9, 10)), facts(2, datetime(2018, 9, 10, 13, 42))
    assert not infer_direction(day_only, timed, "translation").directed
    # The next day is later whatever the hour.
    assert infer_direction(timed, facts(3, datetime(2018, 9, 11)), "translation").origin == 2
    # A translation that names its source's outlet is the copy.
    original = facts(4, datetime(2018, 8, 21), "Muxhahedinët ... / GAZETA IMPAKT", "Gazeta Impakt")
    translated = facts(5, datetime(2018, 8, 21), "GAZETA IMPAKT – August 21, 2018 ...", "Iran Interlink")
    found = infer_direction(translated, original, "translation")
    assert found.directed and found.origin == 4


def test_seed_pairs_linked_as_translations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed page's three English/Albanian pairs, split with the page's own dates (needs ../shared/data)."""
    data = PROJECT.parent / "shared" / "data"
    if not (data / "seed").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{data} is absent, and CI=true requires it")
        pytest.skip(f"the real data folder {data} is absent")
    monkeypatch.syspath_prepend(str(PROJECT / "eval"))
    sys.modules.pop("seed_translations", None)
    seed_translations = importlib.import_module("seed_translations")
    result = seed_translations.run(data, syndicated=True)
    assert result["pairs_linked"] == 3, result["pairs"]
    assert not result["wrong_translation_links"]
    # Two pairs have evidence of their direction; the police report's two texts are dated the same day
    # (one without its time) and neither names the other's outlet: it may stay undirected, never reversed.
    for row in result["pairs"]:
        link = row["link"]
        assert row["directed_right"] or not link["directed"], row
    assert result["pairs_directed_right"] >= 2


def test_older_articles_sharing_the_names_do_not_crowd_out_the_translation(tmp_path: Path, monkeypatch: Any) -> None:
    """Months-old articles that share the story's names and numbers (a topic's recurring ones) come first among the
    candidates when more of them were stored later; outside the translation window they can never be linked, so
    they must not take the places of the translation among the candidates scored."""
    from presswatch.reuse import stage

    monkeypatch.setattr(stage, "MAX_TRANSLATION_CANDIDATES", 2)
    records = [_record(SQ, ALBANIAN_TITLE, ALBANIAN, "Lajme Lumëzi", "2024-10-08T09:00:00Z")]
    for n in range(3):  # stored after the original, so they come first among equals; a year older
        extra = f"\nNjoftimi nr. {n + 1} i arkivës së bashkisë."
        url = f"https://arkiva-lumezi.example/{n}"
        records.append(_record(url, ALBANIAN_TITLE, ALBANIAN + extra, "Arkiva Lumëzi", f"2023-10-0{n + 1}T09:00:00Z"))
    records.append(_record(EN, ENGLISH_TITLE, ENGLISH, "Valley News", "2024-10-09T15:00:00Z"))
    found, url_of = _ingest_and_process(tmp_path, records)
    pair = _pairs(found, url_of, "translation").get(frozenset((SQ, EN)))
    assert pair is not None, f"the translation was crowded out; links: {found}"
    assert pair["origin"] == SQ
