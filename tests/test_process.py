"""The stage interface and the registry: order from needs, --only/--skip/--redo, watermarks and restarts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import Connection, Select, Table, select

from presswatch import Presswatch, UsageError
from presswatch.config import Settings
from presswatch.process import STAGES, Stage, in_order, run_stage, stage_names
from presswatch.store.queries import StageReport
from presswatch.store.schema import articles

WORDS = "The harbour council met on Tuesday and agreed the new ferry timetable after a long debate. "


def ingest_lines(pw: Presswatch, folder: Path, names: Sequence[str]) -> None:
    path = folder / f"batch-{names[0]}.jsonl"
    lines = [
        json.dumps({"url": f"https://ledger.example/{name}", "title": name, "text": f"{name}. " + WORDS * 8})
        for name in names
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pw.ingest([str(path)])


class WordTally:
    """A stage written as a new contributor would: counts the words of the articles it has not seen."""

    name: ClassVar[str] = "tally"
    needs: ClassVar[tuple[str, ...]] = ()
    outputs: ClassVar[tuple[Table, ...]] = ()
    batch_size: ClassVar[int] = 2
    restart_on_change: ClassVar[bool] = True
    seen: ClassVar[list[int]] = []

    def __init__(self, settings: Settings) -> None:
        self.min_words = settings.reuse_min_words

    def prepare(self, conn: Connection) -> str | None:
        return None

    def fingerprint(self) -> str:
        return str(self.min_words)

    def resume(self, conn: Connection, watermark: int) -> None:
        self.watermark = watermark

    def query(self) -> Select[Any]:
        return select(articles.c.id, articles.c.word_count)

    def process_batch(self, conn: Connection, rows: Sequence[Any], report: StageReport) -> None:
        for row in rows:
            assert row.id > self.watermark
            type(self).seen.append(row.id)
            report.found += row.word_count


def test_every_registered_stage_implements_the_interface() -> None:
    for stage in STAGES:
        checked: type[Stage] = stage  # mypy checks the protocol here
        assert checked.name and isinstance(checked.needs, tuple) and checked.batch_size > 0


def test_stages_run_after_what_they_need() -> None:
    names = stage_names()
    assert set(names) == {"reuse", "entities", "stories"}
    assert names.index("stories") > names.index("reuse") and names.index("stories") > names.index("entities")
    # the registry's listing order does not matter: needs decide
    reordered = in_order(reversed(STAGES))
    for stage in reordered:
        for need in stage.needs:
            assert [s.name for s in reordered].index(need) < [s.name for s in reordered].index(stage.name)


def test_a_stage_needing_an_unknown_stage_is_named() -> None:
    class Lonely(WordTally):
        name: ClassVar[str] = "lonely"
        needs: ClassVar[tuple[str, ...]] = ("nowhere",)

    with pytest.raises(UsageError, match="'lonely' needs 'nowhere'"):
        in_order([Lonely])


def test_a_new_stage_runs_incrementally_and_restarts_when_its_inputs_change(pw: Presswatch, tmp_path: Path) -> None:
    WordTally.seen = []
    ingest_lines(pw, tmp_path, ["a", "b", "c"])
    first = run_stage(pw.store, WordTally, pw.settings)
    assert first.articles == 3 and first.found > 0 and not first.restarted
    assert run_stage(pw.store, WordTally, pw.settings).articles == 0  # idempotent
    ingest_lines(pw, tmp_path, ["d"])
    assert run_stage(pw.store, WordTally, pw.settings).articles == 1  # only the new work
    assert len(WordTally.seen) == 4 and len(set(WordTally.seen)) == 4
    changed = pw.settings.replace(reuse_min_words=pw.settings.reuse_min_words + 1)
    again = run_stage(pw.store, WordTally, changed)
    assert again.restarted and again.articles == 4


def test_only_skip_and_unknown_stages(pw: Presswatch, tmp_path: Path) -> None:
    ingest_lines(pw, tmp_path, ["a", "b"])
    assert [r.stage for r in pw.process(only=("reuse",))] == ["reuse"]
    assert [r.stage for r in pw.process(skip=("reuse",))] == ["entities", "stories"]
    assert pw.stages_run() == {"reuse": True, "entities": False, "stories": True}
    with pytest.raises(UsageError, match="--only: no stage 'stroies'"):
        pw.process(only=("stroies",))
    with pytest.raises(UsageError, match="--redo: no stage 'nope'"):
        pw.process(redo=("nope",))


def test_redo_runs_a_stage_over_every_article_again(pw: Presswatch, tmp_path: Path) -> None:
    ingest_lines(pw, tmp_path, ["a", "b", "c"])
    assert pw.process(only=("stories",))[0].articles == 3
    assert pw.process(only=("stories",))[0].articles == 0
    assert pw.process(only=("stories",), redo=("stories",))[0].articles == 3
