from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presswatch.cli import app
from presswatch.config import REGISTRY, Settings, defaults, format_value, load_settings
from presswatch.errors import ConfigError

from .conftest import PROJECT

UNITS = {"", "bytes", "seconds", "days", "words", "characters", "count", "0-1", "0-100", "date"}


@pytest.fixture(autouse=True)
def no_user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A presswatch.toml in the working folder would be read: run where there is none."""
    monkeypatch.chdir(tmp_path)


def readme_settings_table() -> dict[str, tuple[str, str, str]]:
    """The README's settings table: name -> (default, unit, meaning) as written."""
    section = (PROJECT / "README.md").read_text("utf-8").split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str, str]] = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| `([a-z_]+)` \| `(.*)` \| (.*?) \| (.*) \|", line)
        if match:
            name, default, unit, meaning = match.groups()
            rows[name] = (default, unit, meaning)
    return rows


def test_readme_settings_table_matches_the_model() -> None:
    table = readme_settings_table()
    model = {s.name: (format_value(s.default), s.unit, s.meaning) for s in REGISTRY}
    missing = sorted(model.keys() - table.keys())
    assert not missing, f"README's settings table lacks {missing}; add a row per setting of presswatch.config.Settings"
    extra = sorted(table.keys() - model.keys())
    assert not extra, f"README's settings table has rows for settings that do not exist: {extra}"
    for name, row in model.items():
        assert table[name] == row, f"README row for {name} says {table[name]}, the model says {row}"
    assert list(table) == list(model), "README's settings table should list the settings in the model's order"


def test_every_setting_has_a_type_a_known_unit_and_a_meaning() -> None:
    assert [s.name for s in REGISTRY] == [f.name for f in fields(Settings)]
    for setting in REGISTRY:
        assert setting.unit in UNITS, f"{setting.name}: unit {setting.unit!r} is not one of {sorted(UNITS)}"
        assert setting.meaning and "\n" not in setting.meaning, f"{setting.name} needs a one-line meaning"
        assert setting.type in (str, int, float, tuple[str, ...]) or setting.name == "language_accuracy"


def test_packaged_defaults_file_equals_the_model() -> None:
    shipped = defaults()
    assert set(shipped) == {s.name for s in REGISTRY}, "default_settings.toml lists other keys than the model"
    for setting in REGISTRY:
        value = shipped[setting.name]
        value = tuple(value) if isinstance(value, list) else value
        assert value == setting.default and type(value) is type(setting.default), setting.name
    assert load_settings(environ={}) == Settings()


def test_user_file_then_environment_override_the_defaults(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text('workers = 2\nlanguages = ["sq", "en"]\nduplicate_jaccard = 1\nhost_interval = 3\n')
    settings = load_settings(config, environ={"PRESSWATCH_WORKERS": "5", "PRESSWATCH_PARAGRAPH_LANGUAGES": "en, fa"})
    assert settings.workers == 5
    assert settings.languages == ("sq", "en")
    assert settings.paragraph_languages == ("en", "fa")
    assert settings.duplicate_jaccard == 1.0 and isinstance(settings.duplicate_jaccard, float)
    assert settings.host_interval == 3.0
    assert settings.reuse_min_words == Settings().reuse_min_words
    via_environment = load_settings(environ={"PRESSWATCH_CONFIG": str(config)})
    assert via_environment.workers == 2


def test_unknown_key_names_the_key_the_file_and_the_closest_setting(tmp_path: Path) -> None:
    config = tmp_path / "typo.toml"
    config.write_text("reuse_min_word = 30\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    message = str(caught.value)
    assert "'reuse_min_word'" in message and str(config) in message and "'reuse_min_words'" in message


@pytest.mark.parametrize(
    "line, name",
    [
        ('workers = "many"', "workers"),
        ("workers = 1.5", "workers"),
        ("feed_min_words = true", "feed_min_words"),
        ("db = 3", "db"),
        ('languages = "en"', "languages"),
        ('language_accuracy = "medium"', "language_accuracy"),
        ("duplicate_jaccard = 1.5", "duplicate_jaccard"),
        ("fuzzy_name_threshold = 101", "fuzzy_name_threshold"),
        ("request_timeout = -1", "request_timeout"),
        ('earliest_date = "last year"', "earliest_date"),
        ("future_days = -1", "future_days"),
    ],
)
def test_wrong_value_in_a_file_names_the_key_and_the_file(tmp_path: Path, line: str, name: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert repr(name) in str(caught.value) and str(config) in str(caught.value)


def test_wrong_value_in_the_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="'fetch_concurrency' in environment variable PRESSWATCH_FETCH_CONCURRENCY"):
        load_settings(environ={"PRESSWATCH_FETCH_CONCURRENCY": "lots"})


def test_replace_changes_some_values_and_checks_them() -> None:
    settings = Settings()
    changed = settings.replace(db="other.db", workers=None, languages=["en"])
    assert changed.db == "other.db" and changed.workers == settings.workers and changed.languages == ("en",)
    assert settings.db == "presswatch.db"
    assert settings.replace(db=Path("p.db")).db == "p.db"
    with pytest.raises(ConfigError, match="'wrokers'.*'workers'"):
        settings.replace(wrokers=2)
    with pytest.raises(ConfigError, match="'workers'"):
        settings.replace(workers="two")


def test_config_command_prints_value_unit_and_meaning(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text("reuse_min_words = 35\n")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "p.db"), "--config", str(config), "config"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    for setting in REGISTRY:
        assert setting.name in lines, f"`presswatch config` does not show {setting.name}"
        assert setting.unit in lines[setting.name]
    assert re.search(r"reuse_min_words\s+35\s+words\s+the shortest", result.output)
    assert not (tmp_path / "p.db").exists(), "showing the settings must not create the store"

    config.write_text("reuse_min_word = 35\n")
    bad = CliRunner().invoke(app, ["--config", str(config), "config"])
    assert bad.exit_code == 2 and "reuse_min_words" in bad.output
