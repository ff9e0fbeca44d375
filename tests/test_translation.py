"""Translation detection: anchors that survive translation, scores, and the eval on a slice of the real data."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from presswatch.reuse.translation import (
    TRANSLATION_THRESHOLD,
    AnchorWeights,
    TranslationProfile,
    anchor_keys,
    profile,
    skeleton,
    translation_score,
)

from .conftest import PROJECT

ENGLISH = (
    "Kanye West meets Donald Trump at the White House\n"
    "Kanye West met Donald Trump at the White House on 11 October 2018, a day after the rapper had praised him.\n"
    "The singer said 1,500 people had written to him about the meeting, and that he wanted to visit Chicago "
    "with Jared Kushner in November.\n"
    "According to Reuters, the talk lasted 45 minutes and cost taxpayers $12.5 million, a figure the White House "
    "disputed.\n"
    'West later wrote on Twitter that "love" had won, and linked to https://example.com/west-trump.'
)
ALBANIAN = (
    "Kanje Uest takon Donald Trampin në Shtëpinë e Bardhë\n"
    "Kanje Uest u takua me Donald Trampin në Shtëpinë e Bardhë më 11 tetor 2018, një ditë pasi reperi e kishte "
    "lavdëruar.\n"
    "Këngëtari tha se 1.500 njerëz i kishin shkruar për takimin dhe se ai donte të vizitonte Çikagon me Xhared "
    "Kushnerin në nëntor.\n"
    "Sipas Reuters, biseda zgjati 45 minuta dhe u kushtoi taksapaguesve 12,5 milionë dollarë, një shifër që "
    "Shtëpia e Bardhë e kundërshtoi.\n"
    "Uest më vonë shkroi në Twitter se “dashuria” kishte fituar dhe vendosi lidhjen https://example.com/west-trump."
)
PERSIAN = (
    "دیدار کانیه وست با دونالد ترامپ در کاخ سفید\n"
    "کانیه وست روز ۱۱ اکتبر ۲۰۱۸ در کاخ سفید با دونالد ترامپ دیدار کرد، یک روز پس از آنکه این خواننده رپ از او "
    "تمجید کرده بود.\n"
    "این خواننده گفت ۱٬۵۰۰ نفر درباره این دیدار برایش نامه نوشته‌اند و می‌خواهد در ماه نوامبر همراه با جرد کوشنر "
    "به شیکاگو سفر کند.\n"
    "به گزارش رویترز، این گفتگو ۴۵ دقیقه طول کشید و ۱۲٫۵ میلیون دلار برای مالیات‌دهندگان هزینه داشت، رقمی که کاخ "
    "سفید آن را رد کرد.\n"
    "وست بعدا در توییتر نوشت که «عشق» پیروز شده است و پیوند https://example.com/west-trump را گذاشت."
)
UNRELATED = (
    "Heavy rain floods the old town of Bergen\n"
    "Heavy rain flooded the old town of Bergen on Monday, and 300 homes near the harbour were left without power.\n"
    "Mayor Marte Mjøs Persen said the city had not seen such water since 1953, and asked residents to stay indoors.\n"
    "The Norwegian Meteorological Institute expects another 80 millimetres of rain before Thursday.\n"
    "Ferries to Stavanger were cancelled, and the airport at Flesland closed one of its terminals."
)
UNRELATED_PERSIAN = (
    "نمایشگاه کتاب تهران با حضور ناشران خارجی آغاز شد\n"
    "سی‌وششمین نمایشگاه بین‌المللی کتاب تهران روز چهارشنبه در مصلی با حضور ۲۴۰۰ ناشر گشایش یافت.\n"
    "مدیر نمایشگاه گفت امسال ناشرانی از ۳۰ کشور در بخش بین‌الملل حضور دارند و فروش اینترنتی نیز ادامه می‌یابد.\n"
    "بازدیدکنندگان می‌توانند تا ساعت ۲۱ از غرفه‌ها دیدن کنند."
)


@pytest.fixture(scope="module")
def profiles() -> dict[str, TranslationProfile]:
    return {
        "en": profile(ENGLISH, "en"),
        "sq": profile(ALBANIAN, "sq"),
        "fa": profile(PERSIAN, "fa"),
        "other": profile(UNRELATED, "en"),
        "other_fa": profile(UNRELATED_PERSIAN, "fa"),
    }


def test_translations_score_above_the_threshold(profiles: dict[str, TranslationProfile]) -> None:
    english = profiles["en"]
    assert translation_score(english, profiles["sq"]) >= TRANSLATION_THRESHOLD
    assert translation_score(english, profiles["fa"]) >= TRANSLATION_THRESHOLD
    # Albanian and Persian translations of one article are translations of each other too.
    assert translation_score(profiles["sq"], profiles["fa"]) >= TRANSLATION_THRESHOLD


def test_unrelated_articles_score_below_the_threshold(profiles: dict[str, TranslationProfile]) -> None:
    for translated in ("sq", "fa"):
        assert translation_score(profiles["other"], profiles[translated]) < TRANSLATION_THRESHOLD
    assert translation_score(profiles["en"], profiles["other_fa"]) < TRANSLATION_THRESHOLD
    # And well below the true pairs.
    assert translation_score(profiles["en"], profiles["fa"]) > 2 * translation_score(profiles["other"], profiles["fa"])


def test_score_is_symmetric_and_bounded(profiles: dict[str, TranslationProfile]) -> None:
    weights = AnchorWeights(profiles.values())
    for a in profiles.values():
        for b in profiles.values():
            for context in (None, weights):
                score = translation_score(a, b, context)
                assert 0.0 <= score <= 1.0
                assert score == pytest.approx(translation_score(b, a, context))


def test_same_language_pairs_score_zero(profiles: dict[str, TranslationProfile]) -> None:
    assert translation_score(profiles["en"], profiles["en"]) == 0.0
    assert translation_score(profiles["en"], profiles["other"]) == 0.0
    assert translation_score(profiles["fa"], profiles["other_fa"]) == 0.0


def test_idf_context_ranks_the_translation_first(profiles: dict[str, TranslationProfile]) -> None:
    weights = AnchorWeights(profiles.values())
    for translated in ("sq", "fa"):
        target = profiles[translated]
        ranked = sorted(("en", "other"), key=lambda name: -translation_score(profiles[name], target, weights))
        assert ranked[0] == "en"


def test_persian_digits_become_numbers(profiles: dict[str, TranslationProfile]) -> None:
    persian = profiles["fa"]
    # ۱٬۰۰۰-style thousands, ۱۲٫۵ decimals, years and the day-month date: the same keys as the English text's.
    for key in ("n:1500", "n:12.5", "n:2018", "n:45", "m:10", "d:10-11", "m:11"):
        assert key in persian.strict, key
        assert key in profiles["en"].strict, key
        assert key in profiles["sq"].strict, key  # 1.500, 12,5, "11 tetor", nëntor


def test_number_separators_fold_together() -> None:
    keys = [profile(text, lang).strict for text, lang in (("1,000", "en"), ("1.000", "de"), ("۱٬۰۰۰", "fa"))]
    assert all("n:1000" in k for k in keys)
    assert "n:3.5" in profile("٣٫٥ and 3,5", "ar").strict


def test_names_are_anchored_through_transliteration(profiles: dict[str, TranslationProfile]) -> None:
    assert skeleton("Kanye") == skeleton("کانیه") == skeleton("Kanje", "sq") == "kn"
    assert skeleton("West") == skeleton("وست") == skeleton("Uest", "sq")
    assert skeleton("George") == skeleton("جرج") == skeleton("Xhorxh", "sq")
    persian = anchor_keys(profiles["fa"])
    albanian = anchor_keys(profiles["sq"])
    for name in ("Kanye", "West", "Donald", "Trump", "Kushner", "Reuters", "Jared"):
        key = "w:" + skeleton(name)[:4]
        assert key in profiles["en"].strict, name
        assert key in persian, name
        assert key in albanian, name
    # A Latin-script word inside Persian text is a strict anchor; the URL is one in every language.
    assert "w:" + skeleton("Twitter") in profiles["sq"].strict
    assert "u:example.com/west-trump" in profiles["fa"].strict & profiles["en"].strict


def test_sentence_initial_words_are_not_names() -> None:
    p = profile("The council met.\nThe mayor spoke to Morgan.", "en")
    assert "w:" + skeleton("The") not in p.strict
    assert "w:" + skeleton("Morgan") in p.strict


def test_title_is_profiled_when_not_in_the_text() -> None:
    p = profile("The vote was close.", "en", title="President Macron wins in 2017")
    assert "n:2017" in p.strict
    assert "w:" + skeleton("Macron")[:4] in p.strict


def test_empty_text() -> None:
    empty = profile("", "sq")
    assert translation_score(empty, profile(ENGLISH, "en")) == 0.0
    assert anchor_keys(empty) == set()


def test_eval_logic_on_a_slice_of_the_real_data(shared_data: Path) -> None:
    sys.path.insert(0, str(PROJECT / "eval"))
    try:
        evaluation = importlib.import_module("translations")
    finally:
        sys.path.remove(str(PROJECT / "eval"))
    rows = evaluation.load(shared_data / "translations" / "ntrex-dev.jsonl")
    docs = sorted({row["doc_id"] for row in rows})[:16]
    subset = [row for row in rows if row["doc_id"] in docs and row["lang"] in ("eng", "sqi", "fas")]
    profiled = evaluation.profiles_of(subset)
    scores = evaluation.score_matrix(profiled, AnchorWeights(p for _, p in profiled))
    figures = evaluation.figures(scores, set(docs), TRANSLATION_THRESHOLD)
    assert figures["precision_at_1"]["sqi"] >= 0.9
    assert figures["precision_at_1"]["fas"] >= 0.9
    assert figures["false_link_rate"] <= 0.01
    assert figures["recall"] >= 0.9
