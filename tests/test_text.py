from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from presswatch.extract.text import content_hash, paragraphs, repair, repair_line, word_count


def test_repair_fixes_mojibake_controls_and_spacing() -> None:
    assert repair("Muxhahedinët\x00 left   the\u00a0camp\r\n\n\n\nNext") == "Muxhahedinët left the camp\n\nNext"
    assert repair("MuxhahedinÃ«t") == "Muxhahedinët"


def test_repair_keeps_persian_zero_width_non_joiner() -> None:
    assert "\u200c" in repair("می\u200cشود")


def test_repair_line_makes_one_line_or_none() -> None:
    assert repair_line("  A\nheadline ") == "A headline"
    assert repair_line("   ") is None
    assert repair_line(None) is None


def test_content_hash_ignores_case_spacing_and_punctuation() -> None:
    assert content_hash("The camp, closed.") == content_hash("the  camp closed")
    assert content_hash("The camp closed") != content_hash("The camp opened")


def test_word_count_counts_words_in_every_script() -> None:
    assert word_count("MEK-u tha: ۴۱ نفر") == 5


def test_paragraph_spans_point_into_the_text() -> None:
    text = "one\n\ntwo three\n"
    assert [text[s:e] for s, e in paragraphs(text)] == ["one", "two three"]


@given(st.text())
def test_repair_is_idempotent(value: str) -> None:
    once = repair(value)
    assert repair(once) == once


@given(st.text())
def test_paragraph_spans_are_the_non_empty_lines(value: str) -> None:
    text = repair(value)
    assert [text[s:e] for s, e in paragraphs(text)] == [line for line in text.split("\n") if line.strip()]
