"""Fixtures: a fresh SQLite store per test, and the real data folder beside the project."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from presswatch import Presswatch

PROJECT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT.parent / "shared" / "data"


# `make test-postgres`: every store a test opens by file path lives in a schema of a throwaway PostgreSQL server.
POSTGRES = os.environ.get("PRESSWATCH_TEST_DB") == "postgres"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself; skipped on PostgreSQL")


# Modules `make test-postgres` leaves out, because running them again there tests nothing new about the store:
# they open none (extraction, text, transport), run their own stores in subprocesses that stay SQLite (the eval
# gates, the installed wheel), check pages in a browser (the web API tests cover the same reads), or run on
# PostgreSQL in `make test` already (the backend comparison and cluster tests, on their own server).
NOT_RERUN_ON_POSTGRES = {
    "test_cluster_ingest.py",
    "test_cluster_process.py",
    "test_cluster_same_answers.py",
    "test_coordination_browser.py",
    "test_entities_variants.py",
    "test_eval_gates.py",
    "test_extract.py",
    "test_feeds.py",
    "test_packaging.py",
    "test_postgres_concurrent.py",
    "test_postgres_search.py",
    "test_stories_browser.py",
    "test_text.py",
    "test_translation.py",
    "test_transport.py",
    "test_web_browser.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not POSTGRES:
        return
    left_out = [item for item in items if item.path.name in NOT_RERUN_ON_POSTGRES]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item.path.name not in NOT_RERUN_ON_POSTGRES]
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "SQLite-specific")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture(scope="session", autouse=True)
def store_backend() -> Iterator[Any]:
    """SQLite files (None), or with PRESSWATCH_TEST_DB=postgres the running server (tests/postgres.py)."""
    if not POSTGRES:
        yield None
        return
    import presswatch.store

    from .postgres import PostgresServer, StoreRouter

    server = PostgresServer()
    server.start()
    original = presswatch.store.database_url
    presswatch.store.database_url = StoreRouter(server, original)  # type: ignore[assignment]
    try:
        yield server
    finally:
        presswatch.store.database_url = original  # type: ignore[assignment]
        server.stop()


@pytest.fixture(scope="session")
def postgres_server(store_backend: Any) -> Iterator[Any]:
    """A PostgreSQL server for the tests that compare the backends: `make test-postgres`'s, else one of their
    own when PostgreSQL is installed (.ci/run installs it: in CI these tests must run)."""
    if store_backend is not None:
        yield store_backend
        return
    from .postgres import PostgresServer

    server = PostgresServer()
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no PostgreSQL server could start: {exc}")
        pytest.skip(f"PostgreSQL is not available here ({exc})")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pw(tmp_path: Path) -> Presswatch:
    app = Presswatch(db=str(tmp_path / "test.db"))
    yield app
    app.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data; tests that need it skip when it is absent, except in CI where it must be there."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the real data folder {SHARED_DATA} is missing")
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


def page(
    title: str,
    body: str,
    url: str | None = None,
    lang: str = "en",
    published: str | None = None,
    site: str = "Harbour Ledger",
    charset: str = "utf-8",
) -> str:
    """A small but realistic article page."""
    head = [
        f'<meta charset="{charset}">',
        f"<title>{title}</title>",
        f'<meta property="og:site_name" content="{site}">',
    ]
    if url:
        head.append(f'<link rel="canonical" href="{url}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (
        f'<!doctype html><html lang="{lang}"><head>{"".join(head)}</head><body>'
        f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        f"<footer>© Harbour Ledger. All rights reserved.</footer></body></html>"
    )


ENGLISH = (
    "The regional council met on Tuesday to discuss the future of the old harbour district, "
    "where hundreds of families have lived for decades without secure title to their homes.\n"
    "Officials said the plan would be published next month, after consultations with residents, "
    "shop owners and the port authority, which has long argued for an expansion of the docks.\n"
    "Residents who attended the meeting said they had heard such promises before, and asked for "
    "written guarantees that nobody would be evicted before new housing was ready for them."
)
ALBANIAN = (
    "Këshilli rajonal u mblodh të martën për të diskutuar të ardhmen e lagjes së vjetër të portit, "
    "ku qindra familje kanë jetuar për dekada pa tapi të sigurta për shtëpitë e tyre.\n"
    "Zyrtarët thanë se plani do të publikohet muajin e ardhshëm, pas konsultimeve me banorët, "
    "tregtarët dhe autoritetin portual, i cili prej kohësh ka kërkuar zgjerimin e kalatave."
)
PERSIAN = (
    "شورای منطقه‌ای روز سه‌شنبه برای گفتگو درباره آینده محله قدیمی بندر تشکیل جلسه داد، "
    "جایی که صدها خانواده دهه‌ها بدون سند مالکیت در خانه‌های خود زندگی کرده‌اند.\n"
    "مقامات گفتند که این طرح ماه آینده پس از مشورت با ساکنان، مغازه‌داران و سازمان بندر منتشر خواهد شد."
)

# A title that would run script if any page put it into HTML unescaped (the web tests check it never does).
HOSTILE_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">Camp Tolou press day'
HOSTILE_URL = "https://hostile.example/camp-tolou-press-day"
WEB_USERS = {"viewer": "viewer-pass-1", "editor": "editor-pass-1", "admin": "admin-pass-1"}


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-filled store for the web tests, built once: the sample corpus, a page with script in its
    title, `process` run, and one user per role (name = role, password in WEB_USERS)."""
    import json

    from presswatch.demo import run_demo

    folder = tmp_path_factory.mktemp("web")
    db = folder / "web.db"
    hostile = folder / "hostile.jsonl"
    record = {
        "url": HOSTILE_URL,
        "title": HOSTILE_TITLE,
        "text": ENGLISH + "\nFamilies gathered again outside Camp Tolou <script>window.__pwned=3</script> on Friday.",
        "published": "2026-10-09T10:00:00Z",
        "source": "Hostile Example <b>Wire</b>",
        "language": "en",
    }
    hostile.write_text(json.dumps(record) + "\n", encoding="utf-8")
    app = Presswatch(db=str(db))
    try:
        run_demo(app)
        report = app.ingest([str(hostile)])
        assert report.failed == 0
        app.process()
        for role, password in WEB_USERS.items():
            app.add_user(role, password, role)
        app.import_posts([str(_ring_posts(folder / "posts.csv"))], fmt="coortweet")
        app.detect_coordination()
    finally:
        app.close()
    return db


def _ring_posts(path: Path) -> Path:
    """Posts for the shared web store, in March 2026 (before the sample's weeks, so no digest shows them): six
    accounts re-share ten objects within seconds of each other, forty others share at random."""
    import csv
    import random

    rng = random.Random(8)
    start = 1_772_352_000  # 2026-03-01 08:00 UTC
    rows = [
        (f"object-{n}", f"ring{m}", f"ring{m}-{n}", start + 50_000 * n + rng.randint(0, 5))
        for n in range(10)
        for m in range(6)
    ]
    rows += [
        (f"organic-{rng.randrange(300)}", f"person{p}", f"person{p}-{k}", start + rng.randrange(600_000))
        for p in range(40)
        for k in range(rng.randint(4, 12))
    ]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["object_id", "account_id", "content_id", "timestamp_share"])
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def web_pw(web_db: Path) -> Iterator[Presswatch]:
    """A Presswatch on the shared web store, one per test module."""
    found = Presswatch(db=str(web_db))
    yield found
    found.close()


def translation_pair(app: Presswatch) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first article of the store that has a translation, and that translation."""
    for row in app.articles():
        for link in app.provenance(str(row["id"]))["links"]:
            if link["kind"] == "translation":
                this, other = app.article(str(row["id"])), app.article(str(link["article"]["id"]))
                assert this and other
                return this, other
    raise AssertionError("the store has no translation")
