"""The web UI in a real browser: Playwright drives Debian's chromium against a real uvicorn server on 127.0.0.1.

Screenshots of the main pages go to test-output/. With CI=true these tests must run; elsewhere they skip when
chromium is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest

from presswatch import Presswatch

from .browser import SHOTS, chromium, require_chromium, served
from .conftest import HOSTILE_URL, WEB_USERS, translation_pair

BROWSER_WEEK = "2026-W43"  # the API tests edit another week of the same store

require_chromium()

from playwright.sync_api import Browser, Dialog, Locator, Page, expect  # noqa: E402


@pytest.fixture(scope="module")
def pw(web_pw: Presswatch) -> Presswatch:
    """The shared pre-filled web store (conftest's web_pw)."""
    return web_pw


@pytest.fixture(scope="module")
def server(pw: Presswatch) -> Iterator[str]:
    """uvicorn serving the app on an ephemeral port of 127.0.0.1, in a thread; its base URL."""
    from presswatch.web.app import create_app

    with served(create_app(pw)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) that records every dialog a page opens."""
    context = browser.new_context(base_url=server, viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    opened.set_default_timeout(10_000)
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, role: str, start: str = "/search") -> None:
    page.goto(start)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("input[name=name]", role)
    page.fill("input[name=password]", WEB_USERS[role])
    page.click("form.login button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_log_in_and_search(page: Page) -> None:
    log_in(page, "viewer")
    shot(page, "login-landing")
    page.fill("input[name=q]", "Tolu")
    page.select_option("select[name=language]", "sq")
    page.click("form.search button[type=submit]")
    page.wait_for_url(lambda url: "q=Tolu" in url)
    results = page.locator("li.result")
    expect(results.first).to_be_visible()
    assert all(" · sq · " in text for text in results.locator(".meta").all_inner_texts())
    expect(page.locator(".user")).to_contain_text("viewer")
    shot(page, "search")


def test_an_article_with_a_translation_shows_both_texts(page: Page, pw: Presswatch) -> None:
    this, other = translation_pair(pw)
    log_in(page, "viewer", f"/articles/{this['id']}")
    pair = page.locator(".link.translation .sidebyside").first
    expect(pair).to_be_visible()
    left, right = pair.locator(".side.this").inner_text(), pair.locator(".side.other").inner_text()
    for paragraph in this["text"].split("\n")[1:3]:
        assert paragraph.strip() in left
    for paragraph in other["text"].split("\n")[1:3]:
        assert paragraph.strip() in right
    expect(pair.locator(f'.side.other p[lang="{other["language"]}"]').first).to_be_visible()
    shot(page, "article-translation")


def drag_above(page: Page, source: str, target: str) -> None:
    """Drag one item by its handle onto the top edge of another, with the mouse, as a person would."""
    page.evaluate("window.scrollTo(0, 0)")
    page.hover(f"{source} .handle")
    page.mouse.down()
    box = page.locator(target).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 4, steps=12)
    with page.expect_navigation():  # the script posts the new order when the drag ends
        page.mouse.move(box["x"] + 22, box["y"] + 3, steps=3)
        page.mouse.up()


def test_edit_a_digest_and_publish_it(page: Page) -> None:
    # tall enough that no item is below the fold: a drag near the edge would scroll the page under the mouse
    page.set_viewport_size({"width": 1200, "height": 2000})
    log_in(page, "editor", "/editor")
    page.fill("input[name=week]", BROWSER_WEEK)
    page.click("form.open-draft button[type=submit]")
    page.wait_for_url(f"**/editor/{BROWSER_WEEK}")
    items = page.locator("li.item")
    assert items.count() >= 3
    # edit the first item's summary
    first = items.nth(0)
    first.locator("textarea[name=summary]").fill("An editor's own summary of the week.")
    first.locator("form.item-edit button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("li.item").nth(0).locator("textarea")).to_have_value("An editor's own summary of the week.")
    # exclude the second
    second_id = page.locator("li.item").nth(1).get_attribute("data-item-id")
    page.locator("li.item").nth(1).locator("button.toggle").click()
    page.wait_for_load_state()
    expect(page.locator(f"#item-{second_id}")).to_have_class("item excluded")
    # drag the third above the first, then move it back down with the button
    order = page.locator("li.item").evaluate_all("items => items.map(i => i.dataset.itemId)")
    drag_above(page, f"#item-{order[2]}", f"#item-{order[0]}")
    after_drag = page.locator("li.item").evaluate_all("items => items.map(i => i.dataset.itemId)")
    assert after_drag[0] == order[2]
    page.locator(f"#item-{order[2]} button[value=down]").click()
    page.wait_for_load_state()
    after_button = page.locator("li.item").evaluate_all("items => items.map(i => i.dataset.itemId)")
    assert after_button[:2] == [order[0], order[2]]
    # the preview shows the edit and leaves the excluded item out
    preview = page.frame_locator("iframe.preview")
    expect(preview.locator("body")).to_contain_text("An editor's own summary of the week.")
    shot(page, "digest-editor")
    page.click("#publish")  # asks first, on a page of its own
    expect(page.locator("h1")).to_contain_text(f"Publish version 1 of {BROWSER_WEEK}?")
    page.click("#confirm")
    page.wait_for_url(f"**/digests/{BROWSER_WEEK}/v*")
    expect(page.locator("body")).to_contain_text("An editor's own summary of the week.")
    shot(page, "digest-published")
    published = urlparse(page.url).path
    page.goto(f"/editor/{BROWSER_WEEK}")
    expect(page.locator(f'ul.versions a[href="{published}"]')).to_be_visible()


def test_script_in_an_article_title_never_runs(page: Page, pw: Presswatch) -> None:
    article = pw.article(HOSTILE_URL)
    assert article is not None
    log_in(page, "viewer", f"/articles/{article['id']}")
    expect(page.locator("h1")).to_contain_text("<script>window.__pwned=1</script>")
    for path in (f"/articles/{article['id']}", "/search?q=press+day", "/search?sort=date", "/sources"):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    assert page.dialogs == []  # type: ignore[attr-defined]
    shot(page, "hostile-title")


def test_the_main_pages_render_with_their_charts(page: Page, pw: Presswatch) -> None:
    story = max(pw.stories(limit=100), key=lambda s: s["articles"])
    entity = max(pw.entities(), key=lambda e: e["articles"])
    log_in(page, "viewer", f"/stories/{story['id']}")
    for path, name in (
        (f"/stories/{story['id']}", "story"),
        (f"/entities/{entity['id']}", "entity"),
        ("/copies", "copy-network"),
        ("/sources", "sources"),
        ("/stories", "stories"),
    ):
        page.goto(path)
        for chart in page.locator("figure.chart .chart-svg svg:visible").all():
            box = chart.bounding_box()
            assert box is not None and box["width"] > 100, path
        shot(page, name)


# ---- charts, drill-down, phone and right-to-left (#22) ------------------------------------------------

DESKTOP, PHONE = 1400, 390
WIDTHS = {DESKTOP: "desktop", PHONE: "phone"}


def at_width(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width == DESKTOP else 844})


def shown_chart(page: Page) -> Locator:
    """The drawing of the page's first chart that shows at this width (the other is hidden by the stylesheet)."""
    return page.locator("figure.chart .chart-svg svg:visible").first


def smallest_label_px(chart: Locator) -> float:
    """The smallest text of a chart as drawn on the screen: its font size times the SVG's scale."""
    return float(
        chart.evaluate(
            """svg => {
                const scale = svg.getScreenCTM().a;
                const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
                    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
                return Math.min(...sizes);
            }"""
        )
    )


def click_mark(page: Page, mark: Locator) -> None:
    """Click the middle of a chart's mark with the mouse: a line has no height, so it is not "visible" to
    Playwright's own click, but it is there to be clicked."""
    mark.evaluate("a => a.scrollIntoView({block: 'center'})")
    x, y = mark.evaluate(
        "a => { const r = a.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }"
    )
    page.mouse.click(x, y)


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def persian_outlet(pw: Presswatch) -> tuple[dict[str, Any], dict[str, Any]]:
    """An edge of the copy network whose origin has a Persian name, and an article of that origin."""
    edge = next(e for e in pw.copies() if re.search("[\u0600-\u06ff]", e["origin"]))
    return edge, next(a for a in pw.articles() if a["source"] == edge["origin"])


def main_pages(pw: Presswatch) -> dict[str, str]:
    """Every main page, by the name its screenshots get: English and Persian articles and outlets included."""
    story = max(pw.stories(limit=100), key=lambda s: s["articles"])
    entity = max(pw.entities(), key=lambda e: e["articles"])
    this, _ = translation_pair(pw)
    persian_edge, persian = persian_outlet(pw)
    edge = max(pw.copies(), key=lambda e: e["copies"])
    return {
        "search": "/search?q=Tolou",
        "article-en": f"/articles/{this['id']}",
        "article-fa": f"/articles/{persian['id']}",
        "stories": "/stories",
        "story": f"/stories/{story['id']}",
        "entities": "/entities",
        "entity": f"/entities/{entity['id']}",
        "sources": "/sources",
        "outlet-en": f"/sources/{edge['copier_id']}",
        "outlet-fa": f"/sources/{persian_edge['origin_id']}",
        "copies": "/copies",
        "copy-edge": f"/copies/{edge['origin_id']}/{edge['copier_id']}",
        "digests": "/digests",
        "editor": "/editor",
        "editor-week": f"/editor/{BROWSER_WEEK}",
    }


def test_no_main_page_scrolls_sideways_and_the_navigation_marks_where_you_are(page: Page, pw: Presswatch) -> None:
    log_in(page, "editor")
    pages = main_pages(pw)
    for width, name in WIDTHS.items():
        at_width(page, width)
        for page_name, path in pages.items():
            page.goto(path)
            assert no_sideways_scroll(page), f"{path} scrolls sideways at {width} px"
            section = "/" + path.split("/")[1].split("?")[0]
            current = page.locator('header.top nav a[aria-current="page"]')
            if section in ("/search", "/stories", "/entities", "/sources", "/copies", "/digests", "/editor"):
                assert current.count() == 1 and current.get_attribute("href") == section, path
            else:
                assert current.count() == 0, path  # an article is in no section of the navigation
            shot(page, f"{name}-{page_name}")
    # on a phone the navigation folds under a Menu button, and unfolds on a tap
    at_width(page, PHONE)
    page.goto("/sources")
    nav = page.locator("header.top nav")
    expect(nav).to_be_hidden()
    page.locator("label.nav-button").click()
    expect(nav).to_be_visible()
    expect(nav.locator('a[aria-current="page"]')).to_have_text("Sources")
    assert no_sideways_scroll(page)
    shot(page, "phone-navigation-open")
    at_width(page, DESKTOP)
    expect(page.locator("label.nav-button")).to_be_hidden()
    expect(nav).to_be_visible()


def test_drill_down_from_an_outlet_and_from_a_copy_edge_reaches_the_articles(page: Page, pw: Presswatch) -> None:
    edge = max(pw.copies(), key=lambda e: e["copies"])  # Vanguard Watch ← The Harbour Ledger: 3
    log_in(page, "viewer", "/sources")
    for width in WIDTHS:
        at_width(page, width)
        # Sources → the outlet → the edge of the copy network → the three copies → one of them
        page.goto("/sources")
        page.get_by_role("link", name=edge["copier"], exact=True).click()
        expect(page).to_have_url(re.compile(rf"/sources/{edge['copier_id']}$"))
        expect(page.locator("h1")).to_have_text(edge["copier"])
        copies_from = page.locator("section.copies-from")
        expect(copies_from).to_contain_text(edge["origin"])
        copies_from.locator(f'a.edge[href="/copies/{edge["origin_id"]}/{edge["copier_id"]}"]').click()
        expect(page.locator("li.copy-link")).to_have_count(edge["copies"])
        expect(page.locator("h1")).to_contain_text(f"{edge['copier']} ← {edge['origin']}: {edge['copies']} copies")
        assert no_sideways_scroll(page)
        first = page.locator("li.copy-link .side.copy a.title").first
        title = first.inner_text()
        first.click()
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("dd a.outlet")).to_have_text(edge["copier"])
        # and the outlet's own articles, from its page
        page.locator("dd a.outlet").click()
        expect(page.locator("section.outlet-articles li.result")).to_have_count(
            len([a for a in pw.articles() if a["source"] == edge["copier"]])
        )
        page.locator("section.outlet-articles a.title").first.click()
        expect(page).to_have_url(re.compile(r"/articles/\d+$"))
        # the copy network's chart: a line opens the copies behind it, a name the outlet's page
        page.goto("/copies")
        click_mark(page, shown_chart(page).locator(f'a[href="/copies/{edge["origin_id"]}/{edge["copier_id"]}"]').first)
        expect(page).to_have_url(re.compile(rf"/copies/{edge['origin_id']}/{edge['copier_id']}$"))
        expect(page.locator("li.copy-link")).to_have_count(edge["copies"])
        page.goto("/copies")
        shown_chart(page).locator(f'a[href="/sources/{edge["origin_id"]}"]').last.click()
        expect(page.locator("h1")).to_have_text(edge["origin"])
        shot(page, f"{WIDTHS[width]}-outlet-origin")


def test_charts_scale_keep_readable_labels_and_open_what_they_count(page: Page, pw: Presswatch) -> None:
    story = max(pw.stories(limit=100), key=lambda s: s["articles"])
    entity = max(pw.entities(), key=lambda e: e["articles"])
    outlet = max(pw.copies(), key=lambda e: e["copies"])["copier_id"]
    log_in(page, "viewer", f"/stories/{story['id']}")
    for width in WIDTHS:
        at_width(page, width)
        for path in (f"/stories/{story['id']}", f"/entities/{entity['id']}", "/copies", f"/sources/{outlet}"):
            page.goto(path)
            chart = shown_chart(page)
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            column = page.locator("main").evaluate(
                "m => m.clientWidth - 2 * parseFloat(getComputedStyle(m).paddingLeft)"
            )
            assert box is not None and box["width"] <= column + 1, path  # never wider than the page
            assert chart.get_attribute("viewBox"), path
            assert smallest_label_px(chart) >= 11, f"{path}: labels below 11 px at {width} px"
            # a tooltip on every mark that links somewhere
            assert chart.evaluate("svg => [...svg.querySelectorAll('a')].every(a => a.querySelector('title'))"), path
        # a mark of the story's chart opens its article
        page.goto(f"/stories/{story['id']}")
        mark = shown_chart(page).locator("a[href^='/articles/']").first
        target = mark.get_attribute("href")
        tip = mark.locator("title").first.text_content() or ""
        mark.click()
        expect(page).to_have_url(re.compile(f"{target}$"))
        assert page.locator("h1").inner_text().strip() in tip
        # a bar of the entity's chart opens the articles it counts
        page.goto(f"/entities/{entity['id']}")
        bar = shown_chart(page).locator("a[href^='/search?']").first
        counted = re.search(r": (\d+) article", bar.locator("title").first.text_content() or "")
        assert counted, "a bar's tooltip says how many articles it counts"
        bar.click()
        expect(page).to_have_url(re.compile(rf"/search\?entity={entity['id']}&since="))
        expect(page.locator("li.result").first).to_be_visible()
        # copies may fold under their original in the results, never more than the bar counts
        assert page.locator("li.result").count() <= int(counted.group(1))


def test_right_to_left_titles_and_names_carry_their_direction(page: Page, pw: Presswatch) -> None:
    edge, persian = persian_outlet(pw)
    source_id = edge["origin_id"]
    log_in(page, "viewer", f"/articles/{persian['id']}")

    def right_to_left(element: Locator) -> None:
        assert element.get_attribute("dir") in ("auto", "rtl"), element
        assert element.evaluate("e => getComputedStyle(e).direction") == "rtl", element

    for width in WIDTHS:
        at_width(page, width)
        page.goto(f"/articles/{persian['id']}")
        right_to_left(page.locator("h1"))
        for passage in page.locator("table.passages td[dir]").all()[:4]:
            assert passage.get_attribute("dir") == "auto"
        shot(page, f"{WIDTHS[width]}-article-fa")
        page.goto(f"/sources/{source_id}")
        right_to_left(page.locator("h1"))
        for title in page.locator("section.outlet-articles a.title").all():
            right_to_left(title)
        shot(page, f"{WIDTHS[width]}-outlet-fa")
        # Persian outlets' names inside an English sentence are isolated, so the sentence keeps its order
        page.locator(f'section.copied-by a.edge[href="/copies/{edge["origin_id"]}/{edge["copier_id"]}"]').click()
        expect(page.locator("h1 bdi")).to_have_text([edge["copier"], edge["origin"]])
        for title in page.locator("li.copy-link a.title").all():
            right_to_left(title)
        shot(page, f"{WIDTHS[width]}-copy-edge-fa")


# ---- the digest as a newsletter ----------------------------------------------------------------------------

NEWSLETTER_WEEK = "2026-W43"  # its items are in English and Persian; built here for the topic, a draft of its own
NEWSLETTER = {
    "digest_name": "Camp Tolou Watch",
    "digest_tagline": "Who wrote what about the camp this week, in Persian, Albanian and English",
    "digest_signoff": "Corrections and tips: reply to this mail. The desk",
}
INTRO = "A week of permits and predictions.\nThe Persian press followed the residence bill closely."


@pytest.fixture
def newsletter(pw: Presswatch) -> Iterator[Presswatch]:
    """The store's pw (the server's too) with the newsletter's settings, restored after."""
    before = pw.settings
    pw.settings = pw.settings.replace(**NEWSLETTER)
    yield pw
    pw.settings = before


def test_digest_rebuild_and_publish_ask_first_and_the_note_leads_the_issue(page: Page, newsletter: Presswatch) -> None:
    from presswatch.digest import period_of

    newsletter.open_draft(period_of(NEWSLETTER_WEEK), "tolou")
    log_in(page, "editor", f"/editor/{NEWSLETTER_WEEK}?topic=tolou")
    expect(page.locator("#rule")).to_contain_text("Selection: Stories on the topic")
    page.fill("#intro-text", INTRO)
    page.click("#intro button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#intro-text")).to_have_value(INTRO)
    expect(page.frame_locator("iframe.preview").locator(".pw-note")).to_contain_text("A week of permits")
    # rebuild: the page says what is lost; "No" goes back with the edit still there, "Yes" drops it
    page.locator("li.item").first.locator("button.toggle").click()
    page.wait_for_load_state()
    expect(page.locator("li.item.excluded")).to_have_count(1)
    page.click("#rebuild")
    expect(page.locator("h1")).to_contain_text(f"Rebuild the draft of {NEWSLETTER_WEEK}")
    expect(page.locator("#confirm-what")).to_contain_text("every edit to them")
    shot(page, "digest-confirm-rebuild")
    page.click("#cancel")
    expect(page.locator("li.item.excluded")).to_have_count(1)
    page.click("#rebuild")
    page.click("#confirm")
    page.wait_for_url(f"**/editor/{NEWSLETTER_WEEK}?topic=tolou")
    expect(page.locator("li.item.excluded")).to_have_count(0)  # the items made anew
    expect(page.locator("#intro-text")).to_have_value(INTRO)  # the note is kept
    # publish: asked, then done; the published version starts with the masthead and the note
    page.click("#publish")
    expect(page.locator("#confirm-what")).to_contain_text("never change")
    shot(page, "digest-confirm-publish")
    page.click("#confirm")
    page.wait_for_url(f"**/digests/{NEWSLETTER_WEEK}/v1?topic=tolou")
    expect(page.locator("h1")).to_have_text("Camp Tolou Watch")
    expect(page.locator(".pw-note")).to_contain_text("The Persian press followed the residence bill closely.")
    expect(page.locator(".pw-signoff")).to_have_text(NEWSLETTER["digest_signoff"])


def test_the_editor_start_page_lists_drafts_and_published_issues(page: Page, pw: Presswatch) -> None:
    from presswatch.digest import period_of

    pw.open_draft(period_of("2026-W40"), "tolou")
    pw.build_digest(period_of("2026-W41"), "tolou")
    pw.publish_digest(period_of("2026-W41"), "tolou")
    for width in WIDTHS:
        at_width(page, width)
        if width == DESKTOP:
            log_in(page, "editor", "/editor")
        else:
            page.goto("/editor")
        drafts, published = page.locator("#drafts tbody tr"), page.locator("#published tbody tr")
        expect(drafts.filter(has_text="2026-W40").filter(has_text="tolou")).to_have_count(1)
        expect(drafts.filter(has_text="2026-W41").filter(has_text="tolou")).to_have_count(1)
        expect(published.filter(has_text="2026-W41").filter(has_text="tolou")).to_have_count(1)
        assert no_sideways_scroll(page)
        shot(page, f"{WIDTHS[width]}-editor-start")
    published.filter(has_text="2026-W41").filter(has_text="tolou").locator("a").click()
    page.wait_for_url("**/digests/2026-W41/v*?topic=tolou")
    page.goto("/editor")
    drafts.filter(has_text="2026-W40").filter(has_text="tolou").locator("a").click()
    page.wait_for_url("**/editor/2026-W40?topic=tolou")


@pytest.mark.parametrize("width", [600, 390])
def test_the_digest_page_and_the_mail_read_well_in_english_and_persian(
    page: Page, newsletter: Presswatch, width: int
) -> None:
    """The published page and the mail's HTML part, at a mail client's 600 px and a phone's 390 px: nothing
    runs off the side, the Persian card reads right to left, every style is inline."""
    import email
    import email.policy

    from presswatch.digest import period_of, render_eml

    digest = newsletter.build_digest(period_of(NEWSLETTER_WEEK), "tolou", intro=INTRO)
    assert {section.language for section in digest.sections} >= {"en", "fa"}
    message = email.message_from_bytes(
        render_eml(digest, None, "desk@example.org").as_bytes(), policy=email.policy.default
    )
    body = message.get_body(("html",))
    assert body is not None
    mail = body.get_content()
    page.set_viewport_size({"width": width, "height": 900})
    for name, load in (
        ("mail", lambda: page.set_content(mail)),
        ("digest", lambda: log_in(page, "viewer", "/digests")),
    ):
        load()
        if name == "digest":  # the newest published version of the week, as readers open it
            versions = newsletter.digest_versions(period_of(NEWSLETTER_WEEK), "tolou")
            newest = max(v.version for v in versions) or newsletter.publish_digest(period_of(NEWSLETTER_WEEK), "tolou")
            page.goto(f"/digests/{NEWSLETTER_WEEK}/v{newest}?topic=tolou")
        expect(page.locator("h1")).to_have_text("Camp Tolou Watch")
        expect(page.locator(".pw-toc")).to_contain_text("In this issue")
        persian = page.locator('.pw-card[dir="rtl"]').first
        expect(persian).to_be_visible()
        assert persian.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert no_sideways_scroll(page), f"{name} at {width} px scrolls sideways"
        wrap = page.locator(".pw-wrap").bounding_box()
        assert wrap is not None and wrap["width"] <= min(width, 600) + 0.5
        if name == "mail":  # its styles are inline: mail clients drop a <style> element
            unstyled = page.evaluate(
                "() => [...document.querySelectorAll('.pw-wrap h1, .pw-wrap h2, .pw-wrap h3, .pw-wrap p, .pw-wrap a')]"
                ".filter(e => !e.getAttribute('style')).length"
            )
            assert unstyled == 0
        shot(page, f"digest-{name}-{width}")


# ---- search as a research tool (#22) ---------------------------------------------------------------------


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_search_shows_the_count_and_groups_copies_in_english_and_persian(page: Page, width: int) -> None:
    """Three identical "Albanian police search…" articles are one result with its copies (open on a click),
    below the count; the facets and the coverage chart are there; nothing scrolls sideways on a phone."""
    log_in(page, "viewer")
    at_width(page, width)
    page.goto("/search?" + urlencode({"q": "albanian police search"}))
    count = page.locator("#count")
    expect(count).to_be_visible()
    expect(count).to_contain_text(re.compile(r"\d+ matching articles\s+·\s+\d+ results with copies and translations"))
    result = page.locator("li.result", has=page.locator("summary", has_text="and 3 copies in 3 outlets"))
    expect(result).to_have_count(1)
    expect(result.locator("a.title")).to_have_text("Albanian police search Iranian exile camp near Durrës")
    copies = result.locator("details.copies li")
    expect(copies.first).to_be_hidden()
    result.locator("summary").click()
    expect(copies).to_have_count(3)
    expect(copies.filter(has_text="Adriatic Review")).to_contain_text("duplicate")
    expect(copies.filter(has_text="Balkan Wire")).to_be_visible()
    expect(page.locator("aside.facets .facet-source")).to_contain_text("The Harbour Ledger")
    expect(shown_chart(page)).to_be_visible()
    expect(page.get_by_role("link", name="CSV for Excel")).to_be_visible()
    assert no_sideways_scroll(page), f"the search page scrolls sideways at {width} px"
    shot(page, f"search-en-{width}")
    # Persian: a Rozaneh story that Ayeneh Sharq ran word for word, and a partial copy by Pol News
    page.goto("/search?" + urlencode({"q": "قرارگاه طلوع"}))
    expect(page.locator("#count")).to_contain_text("matching articles")
    grouped = page.locator("li.result", has=page.locator("details.copies"))
    expect(grouped).to_have_count(1)
    title = grouped.locator("a.title")
    assert title.evaluate("a => getComputedStyle(a).direction") == "rtl"
    grouped.locator("summary").click()
    expect(grouped.locator("details.copies li").first).to_be_visible()
    assert no_sideways_scroll(page), f"the Persian search scrolls sideways at {width} px"
    shot(page, f"search-fa-{width}")
