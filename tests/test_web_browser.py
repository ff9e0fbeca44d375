"""The web UI in a real browser: Playwright drives Debian's chromium against a real uvicorn server on 127.0.0.1.

Screenshots of the main pages go to test-output/. With CI=true these tests must run; elsewhere they skip when
chromium is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from presswatch import Presswatch

from .conftest import HOSTILE_URL, PROJECT, WEB_USERS, translation_pair

CHROMIUM = "/usr/bin/chromium"
SHOTS = PROJECT / "test-output"
BROWSER_WEEK = "2026-W43"  # the API tests edit another week of the same store

if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium to run the browser tests", allow_module_level=True)

from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def pw(web_db: Path) -> Iterator[Presswatch]:
    found = Presswatch(db=str(web_db))
    yield found
    found.close()


@pytest.fixture(scope="module")
def server(pw: Presswatch) -> Iterator[str]:
    """uvicorn serving the app on an ephemeral port of 127.0.0.1, in a thread; its base URL."""
    import uvicorn

    from presswatch.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(pw), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


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
    page.click("#publish")
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
        for image in page.locator("figure.chart img").all():
            expect(image).to_be_visible()
            assert image.evaluate("img => img.complete && img.naturalWidth > 100"), path
        shot(page, name)
