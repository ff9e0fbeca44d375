"""The coordination pages in a real browser (Debian's chromium, as tests/test_web_browser.py): runs, a group with
its network drawn at 200 accounts, the evidence and the timeline, an account, an outlet's groups; at a desktop
and a phone width, in English and with Persian names and texts. Screenshots go to test-output/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from presswatch import Presswatch

from .browser import SHOTS, WIDTHS, chromium, require_chromium, served
from .test_coordination_read import OUTLET, coordination_store

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Presswatch, dict[str, Any]]]:
    pw = Presswatch(db=str(tmp_path_factory.mktemp("coordination") / "c.db"))
    filled = coordination_store(pw, big=200)
    yield pw, filled
    pw.close()


@pytest.fixture(scope="module")
def server(store: tuple[Presswatch, dict[str, Any]]) -> Iterator[str]:
    from presswatch.web.app import create_app

    with served(create_app(store[0], public=True)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def open_page(browser: Browser, server: str, width: int) -> Page:
    context = browser.new_context(base_url=server, viewport={"width": width, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    return opened


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def shot_top(page: Page, name: str) -> None:
    """The first screen only: what a reader sees before scrolling."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_runs_and_a_group_with_its_network(browser: Browser, server: str, device: str) -> None:
    page = open_page(browser, server, WIDTHS[device])
    try:
        page.goto("/coordination")
        expect(page.locator("h1")).to_have_text("Coordinated activity")
        expect(page.locator("table.coordination-runs tbody tr")).to_have_count(2)
        no_sideways_scroll(page)
        shot(page, f"coordination-runs-{device}")
        page.locator("table.coordination-groups a", has_text="Group 1").click()
        page.wait_for_url("**/coordination/groups/1?run=*")
        expect(page.locator("h1")).to_contain_text("200 accounts")
        network = page.locator(f".coordination-network svg[data-size={'wide' if device == 'desktop' else 'narrow'}]")
        expect(network).to_be_visible()
        assert network.locator("circle").count() >= 200
        labels = network.locator("g.labels text").all_text_contents()
        assert 0 < len(labels) <= 14 and all(t.startswith("troll_") for t in labels)
        expect(page.locator("section.group-timeline svg").first).to_be_attached()
        expect(page.locator("table.coordination-evidence tbody tr").first).to_be_visible()
        expect(page.locator("table.coordination-members")).to_contain_text("مریم احمدی")
        no_sideways_scroll(page)
        shot(page, f"coordination-group-{device}")
        network.scroll_into_view_if_needed()
        shot_top(page, f"coordination-network-{device}")
        page.locator("section.group-timeline").scroll_into_view_if_needed()
        shot_top(page, f"coordination-timeline-{device}")
        network.locator("a").first.click()
        page.wait_for_url("**/coordination/accounts/*")
        expect(page.locator("section.account-groups li").first).to_contain_text("group 1")
        shot(page, f"coordination-account-{device}")
    finally:
        page.context.close()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_persian_group_and_an_outlets_groups(
    browser: Browser, server: str, device: str, store: tuple[Presswatch, dict[str, Any]]
) -> None:
    pw, filled = store
    page = open_page(browser, server, WIDTHS[device])
    try:
        page.goto("/coordination/groups/2")
        expect(page.locator("table.coordination-members")).to_contain_text("کانال خبری")
        page.locator("details summary").click()
        persian = page.locator("td.post-text", has_text="اعتراضات").first
        expect(persian).to_be_visible()
        assert persian.evaluate("e => getComputedStyle(e).direction") == "rtl"
        no_sideways_scroll(page)
        shot(page, f"coordination-group-fa-{device}")
        page.locator("section.group-evidence").scroll_into_view_if_needed()
        shot_top(page, f"coordination-evidence-fa-{device}")
        outlet = next(s for s in pw.sources() if s["name"] == OUTLET)
        page.goto(f"/sources/{outlet['id']}")
        section = page.locator("section.outlet-coordination")
        expect(section).to_contain_text(f"Run {filled['latest']}, group 2")
        section.locator("a").first.click()
        page.wait_for_url("**/coordination/groups/2?run=*")
    finally:
        page.context.close()


def test_empty_state_says_what_to_run(browser: Browser, tmp_path: Path) -> None:
    import uvicorn

    from presswatch.web.app import create_app

    pw = Presswatch(db=str(tmp_path / "empty.db"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(pw, public=True), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    page = open_page(browser, f"http://127.0.0.1:{sock.getsockname()[1]}", 1400)
    try:
        page.goto("/coordination")
        expect(page.locator("p.empty")).to_contain_text("presswatch posts import")
        expect(page.locator("p.empty")).to_contain_text("presswatch coordination detect")
    finally:
        page.context.close()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        pw.close()
