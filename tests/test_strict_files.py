"""Strict files (#17): a typo in a watchlist or sources file is an error naming it and its line, and a file
that would load nothing is an error, not a silent success. (The settings file: tests/test_config.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from presswatch import Presswatch, UsageError
from presswatch.cli import app
from presswatch.entities.watchlist import parse_watchlist

ENTITY = '[[entity]]\nid = "svi"\nname = "Sunrise Vanguard of Iran"\naliases = ["SVI"]\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[topic]]\nid = "t"\nentities = []\n\n[[entities]]\nid = "svi"\n',
            "line 5: unknown table [[entities]]; did you mean [[entity]]?",
        ),
        (
            ENTITY + '\n[[entity]]\nid = "camp"\nnmae = "Camp Tolou"\n',
            "line 8: unknown key 'nmae' in the 2nd [[entity]]; did you mean 'name'?",
        ),
        (
            '[[entity]]\nid = "svi"\naliases = [\n  "SVI",\n  {text = "S.V.I.", langauge = "en"},\n]\n',
            "line 5: unknown alias key 'langauge' in the 1st [[entity]]; did you mean 'lang'?",
        ),
        (ENTITY + '[[topic]]\nid = "t"\nentity = ["svi"]\n', "line 7: unknown key 'entity' in the 1st [[topic]]"),
        ('title = "mine"\n' + ENTITY, "line 1: unknown key 'title'"),
        ('entity = "svi"\n', "line 1: 'entity' must be tables, each written [[entity]]"),
        ('[[entity]]\nid = "svi"\nname.first = "Sunrise"\n', "'svi' has name = {'first': 'Sunrise'}; write a string"),
        ('[[entity]]\nid = "svi"\naliases = "SVI"\n', "'svi' has aliases = 'SVI'; write a list"),
        ("# an empty watchlist\n", "defines no entities, so nothing would be matched"),
        ('[[topic]]\nid = "t"\nentities = []\n', "defines no entities"),
    ],
    ids=[
        "entities",
        "typo",
        "alias-typo",
        "topic-typo",
        "top-level-key",
        "not-tables",
        "dotted",
        "alias-str",
        "empty",
        "topics-only",
    ],
)
def test_watchlist_typos_are_errors_naming_the_key_and_line(tmp_path: Path, text: str, expected: str) -> None:
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(text)
    with pytest.raises(UsageError) as caught:
        parse_watchlist(watchlist)
    assert str(caught.value).startswith(f"watchlist {watchlist}") and expected in str(caught.value)


def test_a_watchlist_that_loads_nothing_fails_the_command(tmp_path: Path) -> None:
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text('[[entities]]\nid = "svi"\nname = "Sunrise Vanguard of Iran"\n')
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "p.db"), "watchlist", "load", str(watchlist)])
    assert result.exit_code == 2 and "[[entities]]" in result.output and "line 1" in result.output


OPML = '<?xml version="1.0"?>\n<opml version="2.0"><head><title>mine</title></head><body>{}</body></opml>\n'


@pytest.mark.parametrize(
    ("outlines", "expected"),
    [
        ("", "lists no feed to import: it has no <outline> elements"),
        (
            '<outline text="News"><outline text="Site" htmlUrl="https://a.example/"/></outline>',
            "it has 2 outlines (2 without an xmlUrl)",
        ),
        ('<outline type="HTML+XPath" xmlUrl="https://a.example/"/>', "1 of type 'html+xpath'"),
    ],
)
def test_an_opml_file_without_feeds_is_an_error(pw: Presswatch, tmp_path: Path, outlines: str, expected: str) -> None:
    opml = tmp_path / "sources.opml"
    opml.write_text(OPML.format(outlines))
    with pytest.raises(UsageError, match="lists no feed to import") as caught:
        pw.import_opml(opml)
    assert str(opml) in str(caught.value) and expected in str(caught.value)


def test_opml_attributes_are_read_in_any_case(pw: Presswatch, tmp_path: Path) -> None:
    opml = tmp_path / "sources.opml"
    opml.write_text(
        OPML.format('<outline text="A" TYPE="RSS" xmlURL="https://a.example/feed" HTMLurl="https://a.example/"/>')
    )
    assert pw.import_opml(opml) == {"added": 1, "existing": 0}
