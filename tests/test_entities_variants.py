"""The matcher finds a short watchlist's inflected, script and transliterated variants on its own,
and keeps its precision: one test per kind of variant, and one per trap."""

from __future__ import annotations

import pytest

from presswatch.entities.matcher import Alias, Matcher


def found(aliases: list[Alias], text: str) -> list[tuple[str, str]]:
    return [(m.entity_id, m.surface) for m in Matcher(aliases).find(text)]


def surfaces(aliases: list[Alias], text: str) -> list[str]:
    return [surface for _, surface in found(aliases, text)]


KUVENDI = [Alias("kuvend", "Kuvendi", "organisation", lang="sq")]
PROKURORIA = [Alias("prok", "Prokuroria", "organisation", lang="sq")]


@pytest.mark.parametrize("form", ["Kuvendi", "Kuvendit", "Kuvendin", "Kuvend", "Kuvendet", "kuvendeve"])
def test_albanian_masculine_cases_and_definite_forms_from_the_definite_alias(form: str) -> None:
    assert surfaces(KUVENDI, f"Sot në {form} u fol.") == [form]


@pytest.mark.parametrize("form", ["Prokuroria", "Prokurorisë", "Prokurorinë", "Prokurori", "Prokurorive"])
def test_albanian_feminine_cases_and_definite_forms(form: str) -> None:
    assert surfaces(PROKURORIA, f"Deklarata e {form} sot.") == [form]


def test_albanian_linking_article_follows_the_inflected_head() -> None:
    aliases = [Alias("svi", "Pishtarët e Diellit", "organisation", lang="sq")]
    text = "anëtarët e Pishtarëve të Diellit dhe Pishtarët e Diellit"
    assert surfaces(aliases, text) == ["Pishtarëve të Diellit", "Pishtarët e Diellit"]


def test_albanian_names_take_case_endings_and_drop_a_final_a() -> None:
    aliases = [Alias("rama", "Edi Rama", "person", lang="en"), Alias("rama", "Rama", "person", lang="en")]
    assert surfaces(aliases, "qeveria e Ramës, me Edi Ramën, Sadam") == ["Ramës", "Edi Ramën"]
    sharai = [Alias("ms", "Sharai", "person", lang="en")]
    assert surfaces(sharai, "vdekja e Sharait") == ["Sharait"]


def test_inflection_only_with_known_suffixes_and_long_enough_aliases() -> None:
    assert surfaces(KUVENDI, "Kuvendimi dhe kuvendon") == []  # not endings of the language
    assert surfaces([Alias("t", "Trump", "person")], "a Trumpet, Trumpit") == ["Trumpit"]  # no plural on a name
    short = [Alias("eu", "Eur", "organisation", lang="sq")]
    assert surfaces(short, "Euri, Euro, Eurin") == []  # three letters: no endings
    en = [Alias("nv", "Navalny", "person", lang="en")]
    assert surfaces(en, "Navalnyesh") == []  # not a case ending


def test_a_short_alias_does_not_match_inside_other_words() -> None:
    aliases = [Alias("mek", "MEK", "organisation", case_sensitive=True)]
    assert surfaces(aliases, "MEKANIK, homek, MEK-ut, the MEK's") == ["MEK-ut", "MEK"]


@pytest.mark.parametrize(
    ("written", "alias"),
    [
        ("علي", "علی"),  # Arabic yeh / Persian yeh
        ("كمپ", "کمپ"),  # Arabic kaf / Persian keheh
        ("مدرسة", "مدرسه"),  # teh marbuta / heh
        ("أحمد", "احمد"),  # hamza above
        ("إيران", "ایران"),  # hamza below
        ("آرش", "ارش"),  # madda
        ("مؤسسه", "موسسه"),  # waw with hamza
        ("رئیس", "رییس"),  # yeh with hamza
    ],
)
def test_arabic_and_persian_letter_variants(written: str, alias: str) -> None:
    assert surfaces([Alias("x", alias, "organisation", lang="fa")], f"خبر {written} امروز") == [written]


def test_zero_width_non_joiners_and_joiners() -> None:
    aliases = [Alias("bg", "بهرام قلی‌زاده", "person", lang="fa")]
    for written in ("بهرام قلیزاده", "بهرام قلی\u200cزاده", "بهرام قلی\u200dزاده", "بهرام\u200cقلیزاده"):
        assert surfaces(aliases, f"گفت {written} دیروز") == [written]


def test_arabic_proclitics_and_persian_endings() -> None:
    aliases = [Alias("mek", "مجاهدین خلق", "organisation", lang="fa")]
    assert surfaces(aliases, "والمجاهدین خلق و مجاهدین خلقی") == ["مجاهدین خلق", "مجاهدین خلقی"]
    assert surfaces([Alias("k", "کمپ", "place", lang="fa")], "کمپانی") == []


def test_acronyms_with_dots_spaces_and_in_cyrillic() -> None:
    aliases = [Alias("us", "SHBA", "place", case_sensitive=True, lang="sq")]
    text = "S.H.B.A. dhe S.H.B.A, S. H. B. A. dhe S H B A, SHBA-të; s.h.b.a. jo"
    assert surfaces(aliases, text) == ["S.H.B.A.", "S.H.B.A", "S. H. B. A.", "S H B A", "SHBA-të"]
    mek = [Alias("mek", "MEK", "organisation", case_sensitive=True)]
    assert surfaces(mek, "организация МЕК и мек") == ["МЕК"]


def test_ezafe_written_any_way() -> None:
    aliases = [Alias("mek", "Mojahedin-e Khalq", "organisation", lang="en")]
    text = "Mojahedin e Khalq, Mojahedin e-Khalq, Mojahedin Khalq and Mojahedin-e Khalq's"
    assert len(surfaces(aliases, text)) == 4


def test_latin_and_cyrillic_transliterations() -> None:
    aliases = [Alias("mek", "Mojahedin-e Khalq", "organisation", lang="en")]
    text = "Mujahideen al-Khalq, Mujahedeen El-Khalq, Muxhahedinët e Khalq, Моджахедин-э Хальк"
    assert surfaces(aliases, text) == [
        "Mujahideen al-Khalq",
        "Mujahedeen El-Khalq",
        "Muxhahedinët e Khalq",
        "Моджахедин-э Хальк",
    ]
    person = [Alias("kh", "Massoud Khodabandeh", "person", lang="en")]
    assert surfaces(person, "Масуд Ходабанде said") == ["Масуд Ходабанде"]
    assert [m.method for m in Matcher(person).find("Масуд Ходабанде")] == ["spelling"]


def test_persian_and_latin_transliterations_of_a_name_of_two_words() -> None:
    aliases = [Alias("svi", "سازمان پیشگامان خورشید", "organisation", lang="fa")]
    assert surfaces(aliases, "the Pishgaman-e Khorshid and Pishgaman-i Khurshid") == [
        "Pishgaman-e Khorshid",
        "Pishgaman-i Khurshid",
    ]
    assert surfaces(aliases, "پیشگامان خورشید گفت") == ["پیشگامان خورشید"]  # without "organisation"
    latin = [Alias("mek", "Mojahedin-e Khalq", "organisation", lang="en")]
    assert surfaces(latin, "سازمان مجاهدین خلق ایران") == ["مجاهدین خلق"]


def test_a_persian_surname_follows_from_the_latin_one() -> None:
    aliases = [
        Alias("fs", "Farkhondeh Sahraei", "person", lang="en"),
        Alias("fs", "Sahraei", "person", lang="en"),
        Alias("fs", "فرخنده صحرایی", "person", lang="fa"),
    ]
    assert surfaces(aliases, "خانم صحرایی گفت") == ["صحرایی"]
    assert surfaces(aliases[::2], "خانم صحرایی گفت") == []  # no Latin surname alone: no Persian one


def test_levelled_spellings_keep_to_long_names() -> None:
    aliases = [Alias("t", "Trump", "person"), Alias("r", "Rama", "person")]
    assert surfaces(aliases, "Tramp and Romo and Trumb") == []
    word = [Alias("mek", "Mojahedin", "organisation", lang="en")]
    assert surfaces(word, "muxhahedinët, Mujahedeens, mujahid, Mohammadi") == ["muxhahedinët", "Mujahedeens"]


def test_spellings_are_not_looked_for_inside_urls_file_names_or_compounds() -> None:
    aliases = [Alias("c", "Camp Tolou", "place"), Alias("e", "Erjon Çela", "person")]
    text = "https://x.example/fire-at-camp-tolou-warehouse gazetarin-erjon-cela Kamp_Tolu.jpg"
    assert surfaces(aliases, text) == []
    assert surfaces(aliases, "Kamp Tolu. Erjon Chela said") == ["Kamp Tolu", "Erjon Chela"]
