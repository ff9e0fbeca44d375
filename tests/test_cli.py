from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from presswatch.cli import app
from presswatch.config import REGISTRY
from presswatch.export import TABLES

from .conftest import ALBANIAN, ENGLISH, PROJECT, page

runner = CliRunner()


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            paths.extend(command_paths(command, prefix + (name,)))
        else:
            paths.append(prefix + (name,))
    return paths


COMMANDS = command_paths(typer.main.get_command(app))  # type: ignore[arg-type]
README = (PROJECT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_is_documented(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
    assert f"presswatch {' '.join(path)}" in README, f"README does not document `presswatch {' '.join(path)}`"


def test_the_core_commands_exist() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {
        "init",
        "ingest",
        "reextract",
        "articles list",
        "articles show",
        "search",
        "stats",
        "demo",
        "export",
    } <= names


def test_every_setting_and_export_field_is_documented() -> None:
    for setting in REGISTRY:
        assert f"`{setting.name}`" in README, f"setting {setting.name} is not in the README"
    for table in TABLES.values():
        for field in table.fields:
            assert f"`{field}`" in README, f"export field {table.name}.{field} is not in the README"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(
        page("Harbour plan", ENGLISH, url="https://h.example/a", published="2026-10-01T08:00:00Z")
    )
    (folder / "b.html").write_text(
        page(
            "Porti",
            ALBANIAN + "\n" + ALBANIAN,
            url="https://d.example/b",
            lang="sq",
            site="Drita",
            published="2026-10-08T08:00:00Z",
        )
    )
    return folder


def invoke(db: Path, *args: str) -> Any:
    return runner.invoke(app, ["--db", str(db), *args])


def test_ingest_list_show_search_stats(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    result = invoke(db, "ingest", "--json", str(corpus))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 2
    listed = json.loads(invoke(db, "articles", "list", "--json").stdout)
    assert [a["title"] for a in listed] == ["Porti", "Harbour plan"]
    shown = json.loads(invoke(db, "articles", "show", "https://d.example/b", "--json").stdout)
    assert shown["language"] == "sq" and shown["source"] == "Drita"
    assert "Harbour plan" in invoke(db, "articles", "show", str(listed[1]["id"])).stdout
    found = json.loads(invoke(db, "search", "keshilli", "--json").stdout)
    hits = found["results"]
    assert [h["title"] for h in hits] == ["Porti"] and "[" in hits[0]["snippet"]
    assert found["total"] == found["groups"] == 1 and found["facets"]["language"] == [{"value": "sq", "count": 1}]
    stats = json.loads(invoke(db, "stats", "--json").stdout)
    assert stats["articles"] == 2 and stats["by_language"] == {"en": 1, "sq": 1}
    assert "2 articles" in invoke(db, "stats").stdout


def test_exit_codes(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    assert invoke(db, "ingest", "-q", str(corpus)).exit_code == 0
    (corpus / "junk.html").write_bytes(bytes(range(256)) * 64)
    failed = invoke(db, "ingest", "-q", str(corpus))
    assert failed.exit_code == 1 and "junk.html" in failed.output
    assert invoke(db, "ingest", str(tmp_path / "missing")).exit_code == 2
    assert invoke(db, "articles", "list", "--since", "yesterday").exit_code == 2
    assert invoke(db, "articles", "show", "999").exit_code == 2
    assert invoke(db, "export", "nothing").exit_code == 2


def one_error_line(result: Any) -> str:
    """The one line a failed command writes to stderr."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return str(lines[0])


def test_a_missing_article_is_bad_usage_named_on_one_line(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    invoke(db, "ingest", "-q", str(corpus))
    for command in (["articles", "show", "999999"], ["provenance", "999999"]):
        result = invoke(db, *command)
        assert result.exit_code == 2 and result.stdout == ""
        assert "'999999'" in one_error_line(result) and "presswatch articles list" in result.stderr


def test_a_bad_date_is_bad_usage_naming_the_option(tmp_path: Path) -> None:
    result = invoke(tmp_path / "p.db", "articles", "list", "--until", "2026-10-32")
    assert result.exit_code == 2
    assert "--until" in one_error_line(result) and "'2026-10-32'" in result.stderr
    backwards = invoke(tmp_path / "p.db", "search", "port", "--since", "2026-10-14", "--until", "2026-10-01")
    assert backwards.exit_code == 2 and "--until" in one_error_line(backwards)


def test_until_includes_the_day_it_names(tmp_path: Path, corpus: Path) -> None:
    (corpus / "c.html").write_text(
        page("Late harbour vote", ENGLISH, url="https://h.example/c", published="2026-10-14T22:30:00Z")
    )
    db = tmp_path / "p.db"
    assert invoke(db, "ingest", "-q", str(corpus)).exit_code == 0

    def titles(*options: str) -> list[str]:
        return [a["title"] for a in json.loads(invoke(db, "articles", "list", "--json", *options).stdout)]

    assert titles("--until", "2026-10-14") == ["Late harbour vote", "Porti", "Harbour plan"]
    assert titles("--since", "2026-10-14", "--until", "2026-10-14") == ["Late harbour vote"]
    assert titles("--until", "2026-10-13") == ["Porti", "Harbour plan"]
    assert titles("--until", "2026-10-14T12:00:00") == ["Porti", "Harbour plan"]  # a date-time is taken as it is


def test_a_store_that_cannot_be_opened_exits_3_with_the_reason(tmp_path: Path) -> None:
    nowhere = invoke(tmp_path / "missing" / "p.db", "stats")
    assert nowhere.exit_code == 3 and nowhere.stdout == ""
    assert "folder" in one_error_line(nowhere) and str(tmp_path / "missing") in nowhere.stderr
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("shopping list: bread, milk\n" * 200)
    broken = invoke(not_sqlite, "articles", "list")
    assert broken.exit_code == 3 and "not a database" in one_error_line(broken)
    assert not_sqlite.read_text().startswith("shopping list")  # left as it was


def test_bad_setting_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('language_accuracy = "medium"\n')
    result = runner.invoke(app, ["--db", str(tmp_path / "p.db"), "--config", str(config), "stats"])
    assert result.exit_code == 2 and "language_accuracy" in result.output


def test_export_jsonl_and_csv(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    invoke(db, "ingest", "-q", str(corpus))
    rows = [json.loads(line) for line in invoke(db, "export").stdout.splitlines()]
    assert [r["url"] for r in rows] == ["https://h.example/a", "https://d.example/b"]
    assert set(rows[0]) == set(TABLES["articles"].fields)
    assert rows[0]["published"] == "2026-10-01T08:00:00Z"
    out = tmp_path / "a.csv"
    assert (
        invoke(db, "export", "articles", "--format", "csv", "--since", "2026-10-05", "--out", str(out)).exit_code == 0
    )
    [row] = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert row["language"] == "sq" and row["source"] == "Drita"


def test_init_and_reextract(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    assert "store ready" in invoke(db, "init").stdout
    invoke(db, "ingest", "-q", str(corpus))
    result = invoke(db, "reextract", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["failed"] == 0


# ---- a CLI that tells the truth --------------------------------------------------------------------------


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_shows_flags_as_flags_and_arguments_as_names(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert "<bool>" not in result.output, result.output  # a flag takes no value: `--json`, not `--json <bool>`
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage  # QUERY, not {query}
    assert not re.search(r"\w \.(\s|$)", result.output), result.output  # no "[default: ...]" eaten as markup


def test_search_usage_names_its_argument_and_a_flag_takes_no_value(tmp_path: Path) -> None:
    usage = runner.invoke(app, ["search", "--help"], env={"COLUMNS": "200"}).output
    assert re.search(r"Usage: \S+ search \[OPTIONS\] QUERY\b", usage), usage
    assert runner.invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"}).output.count("PATHS...") >= 1
    built = runner.invoke(app, ["digest", "build", "--help"], env={"COLUMNS": "200"}).output
    assert "Watchlist topic id [default: every topic]." in built
    wrong = invoke(tmp_path / "p.db", "articles", "list", "--json", "true")
    assert wrong.exit_code == 2 and "true" in wrong.output


def test_one_option_name_per_meaning() -> None:
    """A period's days are --since/--until everywhere (articles, stories, digests); the digest's recipients are
    --recipient; --to is the story an article moves to, and nothing else."""
    meanings: dict[str, set[str]] = {}
    root: Any = typer.main.get_command(app)
    for path in COMMANDS:
        command = root
        for part in path:
            command = command.commands[part]
        for param in command.params:
            for name in param.opts:
                meanings.setdefault(name, set()).add(" ".join(path))
    assert "--lang" not in meanings and "--from" not in meanings  # --language, --since
    assert meanings["--recipient"] == {"digest send"}
    assert meanings["--to"] <= {"stories move"}
    assert {"articles list", "search", "digest build", "digest publish", "digest send"} <= meanings["--until"]
    send = root.commands["digest"].commands["send"]
    assert not {"--from", "--to"} & {name for param in send.params for name in param.opts}


def test_outlet_filters_in_any_case_or_a_did_you_mean(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    invoke(db, "ingest", "-q", str(corpus))
    found = json.loads(invoke(db, "articles", "list", "--source", "harbour ledger", "--json").stdout)
    assert [a["source"] for a in found] == ["Harbour Ledger"]
    typo = invoke(db, "articles", "list", "--source", "harbor ledger")
    assert typo.exit_code == 2 and "did you mean 'Harbour Ledger'?" in one_error_line(typo)


def test_unknown_choices_are_refused_with_the_valid_ones(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    invoke(db, "ingest", "-q", str(corpus))
    kind = invoke(db, "copies", "--kind", "bogus")
    assert kind.exit_code == 2 and "duplicate, partial, translation" in one_error_line(kind)
    fmt = invoke(db, "digest", "build", "--week", "2026-W41", "--format", "pdf")
    assert fmt.exit_code == 2 and "md, html, json, atom, eml" in one_error_line(fmt)
    topic = invoke(db, "digest", "build", "--week", "2026-W41", "--topic", "bogus")
    assert topic.exit_code == 2 and "no topic 'bogus'" in one_error_line(topic)


def test_an_empty_result_says_which_filter_emptied_it(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    empty = invoke(db, "articles", "list")
    assert empty.exit_code == 0 and "ingest some" in empty.stderr  # only an empty store says to ingest
    invoke(db, "ingest", "-q", str(corpus))
    late = invoke(db, "articles", "list", "--since", "2030-01-01")
    assert late.exit_code == 0 and late.stdout == ""
    assert "no article matches --since '2030-01-01'" in late.stderr and "ingest" not in late.stderr
    assert "the store has 2 articles" in late.stderr
    both = invoke(db, "articles", "list", "--source", "Drita", "--language", "en").stderr
    assert "--source 'Drita' and --language 'en' together" in both and "alone keeps 1" in both
    past = invoke(db, "articles", "list", "--offset", "10").stderr
    assert "--offset 10 is past the last of the 2 articles" in past
    copies = invoke(db, "copies").stderr
    assert "run `presswatch process`" in copies
    invoke(db, "process", "-q")
    assert "no directed links of kind duplicate, partial" in invoke(db, "copies").stderr


def test_digest_build_without_a_period_takes_the_latest_week_with_articles(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "p.db"
    invoke(db, "ingest", "-q", str(corpus))
    invoke(db, "process", "-q")
    built = invoke(db, "digest", "build", "--format", "json")
    assert built.exit_code == 0, built.output
    assert "no period given: 2026-W41, the latest week with articles" in built.stderr
    data = json.loads(built.stdout)
    assert data["period"] == "2026-W41" and data["rule"] == "biggest" and data["sections"]
    assert "selection: The period's biggest stories" in built.stderr
    published = invoke(db, "digest", "publish")
    assert "2026-W41, the draft built last" in published.stderr and "published as version 1" in published.stdout
    nothing = invoke(db, "digest", "build", "--week", "2026-W50")
    assert "no article was published in 2026-W50" in nothing.stderr and "2026-10-01" in nothing.stderr
