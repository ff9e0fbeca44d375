"""Curating stories in a real browser (Debian's chromium through Playwright, as tests/test_web_browser.py drives
it): an editor merges and splits on the story pages, `process` runs with new articles, the edits stand. The
stories list and story pages, in English and in Persian, at 1400 px and at 390 px, never scroll sideways;
screenshots go to test-output/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from presswatch import Presswatch

from . import test_web_browser as browsing
from .postgres import copy_store
from .test_stories_curation import FARMLAND, POLICE_SEARCH, QUESTIONS, SPEECH, article_id, copy_records, story_of
from .test_web_browser import log_in, shot

# The browser tests' fixtures, by name (a browser, a server over this module's `pw`, a fresh page per test), and
# Playwright's names, imported there once chromium is known to be installed.
browser, server, page = browsing.browser, browsing.server, browsing.page
Page, expect = browsing.Page, browsing.expect

WIDE, PHONE = 1400, 390
PERSIAN = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def pw(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Presswatch]:
    """A copy of the pre-filled store: these tests change its stories."""
    copy = tmp_path_factory.mktemp("curated-browser") / "curated.db"
    copy_store(web_db, copy)  # the file, or on PostgreSQL its schema
    found = Presswatch(db=str(copy))
    yield found
    found.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways at {width[1]} px: {width[0]} px wide"


# Per width, a merge (a telling of the speech into the English story) and a split (articles off the police search).
CURATIONS = [
    (WIDE, SPEECH[0], list(FARMLAND), "Farmland fenced in by the camp", "mirror"),
    (PHONE, SPEECH[2], [QUESTIONS], "Questions nobody in Tirana answers", "echo"),
]


@pytest.mark.parametrize(("width", "other_url", "split_urls", "title", "site"), CURATIONS)
def test_stories_an_editor_merges_and_splits_and_process_keeps_it(
    page: Page, pw: Presswatch, tmp_path: Path, width: int, other_url: str, split_urls: list[str], title: str, site: str
) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    speech, other = story_of(pw, SPEECH[1]), story_of(pw, other_url)
    assert speech != other
    log_in(page, "editor", f"/stories/{speech}")
    # merge the other story into the speech's, naming it by its id
    page.fill("input[name=other]", str(other))
    page.click("#merge")
    page.wait_for_url(f"**/stories/{speech}")
    expect(page.locator(f"#article-{article_id(pw, other_url)}")).to_be_visible()
    expect(page.locator(".history")).to_contain_text(f"merged story {other} into story {speech}")
    no_sideways_scroll(page)
    page.goto(f"/stories/{other}")
    expect(page.locator("p.error")).to_contain_text(f"merged it into story {speech}")
    # split articles off the police-search story, ticking them in the list
    police = story_of(pw, POLICE_SEARCH)
    page.goto(f"/stories/{police}")
    for url in split_urls:
        page.check(f"#article-{article_id(pw, url)} input[type=checkbox]")
    page.fill("#split-form input[name=title]", title)
    page.click("#split")
    page.wait_for_url(re.compile(r"/stories/\d+$"))
    split = int(page.url.rsplit("/", 1)[1])
    assert split not in (police, speech)
    expect(page.locator("h1")).to_have_text(title)
    assert page.locator("ul.story-articles li").count() == len(split_urls)
    no_sideways_scroll(page)
    shot(page, f"stories-split-{width}")

    # new articles arrive (republications of the merged article and of a split one) and `process` runs
    pw.ingest([str(copy_records(pw, [other_url, split_urls[-1]], tmp_path, site=site))])
    pw.process()
    page.goto(f"/stories/{split}")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("ul.story-articles")).to_contain_text(f"{site.title()} Daily")  # the copy joined it
    assert page.locator("ul.story-articles li").count() == len(split_urls) + 1
    page.goto(f"/stories/{speech}")
    expect(page.locator(f"#article-{article_id(pw, other_url)}")).to_be_visible()
    expect(page.locator(f"#article-{article_id(pw, f'https://{site}.example/0')}")).to_be_visible()
    page.goto(f"/stories/{police}")
    for url in split_urls:
        expect(page.locator(f"#article-{article_id(pw, url)}")).to_have_count(0)
    shot(page, f"stories-after-process-{width}")


def persian_story(pw: Presswatch) -> int:
    """The largest story whose title is in Persian."""
    return next(s["id"] for s in pw.stories(limit=1000, sort="size") if PERSIAN.search(s["title"] or ""))


@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_stories_pages_fit_the_screen_in_english_and_persian(page: Page, pw: Presswatch, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    english = story_of(pw, POLICE_SEARCH)
    persian = persian_story(pw)
    log_in(page, "editor", "/stories")
    expect(page.locator("ol.story-list li").first).to_be_visible()
    titles = page.locator("ol.story-list a.title")
    assert all(d == "auto" for d in titles.evaluate_all("links => links.map(a => a.getAttribute('dir'))"))
    no_sideways_scroll(page)
    shot(page, f"stories-{width}")
    page.goto("/stories?language=fa&sort=size")
    expect(page.locator("p.count")).to_contain_text("largest first")
    no_sideways_scroll(page)
    shot(page, f"stories-fa-{width}")
    for story, name in ((english, "en"), (persian, "fa")):
        page.goto(f"/stories/{story}")
        expect(page.locator("h1")).to_have_attribute("dir", "auto")
        expect(page.locator("figure.chart")).to_be_visible()
        no_sideways_scroll(page)
        shot(page, f"story-{name}-{width}")
    heading = page.locator("h1")
    direction = heading.evaluate("h => getComputedStyle(h).direction")
    assert direction == "rtl", "a Persian title reads right to left"
