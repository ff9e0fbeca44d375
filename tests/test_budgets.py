"""A budget per item, caps on every input path, and processes that stop when they should (issue 17, items 3 and 7).

Time bounds here are generous "it ended" bounds, not speed assertions.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from presswatch import Presswatch
from presswatch.cli import app
from presswatch.errors import ItemError, ItemTooBig, ItemTooSlow
from presswatch.extract import Extracted, Hints
from presswatch.ingest import INLINE_ITEMS, IngestOptions, Item, extraction_pool
from presswatch.ingest.workers import ItemBudget, OrderedPool

from .conftest import ENGLISH, PROJECT, page
from .httpserver import Reply, Request, TestServer, rss
from .test_workers import write_pages

LINUX = sys.platform.startswith("linux")
# A page of 300,000 paragraphs: unbudgeted, it took 274 s and 1.19 GB.
HUGE_PAGE = "<html><body><article>" + "<p>word</p>" * 300_000 + "</article></body></html>"


# ---- tasks run in worker processes: module level, so that workers can import them --------------------


def sleepy(number: int) -> int:
    if number == 3:
        time.sleep(600)  # far past any budget: only a kill ends it
    return number * number


def greedy(number: int) -> int:
    if number == 2:
        hoard = bytearray(4_000_000_000)  # far past a 200 MB budget
        return len(hoard)
    return number * number


def crashing(number: int) -> int:
    if number == 1:
        os.abort()  # a library's native code dying: the worker ends with SIGABRT
    return number * number


# ---- the budget in the pool ------------------------------------------------------------------------


def test_a_worker_past_the_time_budget_is_replaced_and_the_run_goes_on_in_order() -> None:
    started = time.monotonic()
    with OrderedPool(sleepy, workers=2, budget=ItemBudget(seconds=2)) as pool:
        assert pool.wait_ready(120)
        done = [result for n in range(8) for result in pool.submit(n)]
        done.extend(pool.drain())
    assert [job for job, _ in done] == list(range(8))
    assert isinstance(done[3][1], ItemTooSlow) and "item_seconds" in str(done[3][1])
    assert [result for job, result in done if job != 3] == [n * n for n in range(8) if n != 3]
    assert time.monotonic() - started < 120


@pytest.mark.skipif(not LINUX, reason="the memory cap is RLIMIT_DATA, measured from /proc")
def test_a_worker_past_the_memory_budget_fails_its_item_as_too_big() -> None:
    with OrderedPool(greedy, workers=2, budget=ItemBudget(seconds=60, memory_bytes=200_000_000)) as pool:
        assert pool.wait_ready(120)
        done = [result for n in range(6) for result in pool.submit(n)]
        done.extend(pool.drain())
    assert [job for job, _ in done] == list(range(6))
    assert isinstance(done[2][1], ItemTooBig) and "item_memory_bytes" in str(done[2][1])
    assert [result for job, result in done if job != 2] == [n * n for n in range(6) if n != 2]


def test_a_worker_that_crashes_fails_its_item_only_and_is_replaced() -> None:
    with OrderedPool(crashing, workers=2) as pool:
        assert pool.wait_ready(120)
        done = [result for n in range(5) for result in pool.submit(n)]
        done.extend(pool.drain())
    assert "the extraction worker failed (it ended with signal SIGABRT" in str(done[1][1])
    assert [result for job, result in done if job != 1] == [0, 4, 9, 16]


def test_an_item_run_inline_has_the_time_budget_and_the_timer_is_put_back() -> None:
    before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with OrderedPool(sleepy, workers=1, budget=ItemBudget(seconds=1)) as pool:
        done = [result for n in range(5) for result in pool.submit(n)]
    assert time.monotonic() - started < 60
    assert isinstance(done[3][1], ItemTooSlow)
    assert [result for job, result in done if job != 3] == [0, 1, 4, 16]
    assert signal.getsignal(signal.SIGALRM) == before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def page_item(html: str, number: int) -> Item:
    url = f"https://w.example/{number}"
    return Item(f"page {number}", "html", "test", None, html.encode(), Hints(), default_url=url)


def test_a_page_of_300000_paragraphs_ends_in_bounded_time_in_a_worker() -> None:
    good = page("Harbour plan", ENGLISH, url="https://w.example/good")
    started = time.monotonic()
    with extraction_pool(IngestOptions(workers=2, item_seconds=2)) as pool:
        assert pool.wait_ready(120)
        done = [result for item in (page_item(HUGE_PAGE, 1), page_item(good, 2)) for result in pool.submit(item)]
        done.extend(pool.drain())
    assert time.monotonic() - started < 60
    assert isinstance(done[0][1], ItemTooSlow | ItemTooBig)
    assert isinstance(done[1][1], Extracted) and "harbour" in done[1][1].text.lower()


def test_a_page_of_300000_paragraphs_with_one_worker_ends_in_bounded_time_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "huge.html").write_text(HUGE_PAGE)
    (tmp_path / "good.html").write_text(page("Harbour plan", ENGLISH, url="https://w.example/good"))
    pw = Presswatch(db=str(tmp_path / "t.db"), workers=1, item_seconds=2)
    try:
        started = time.monotonic()
        report = pw.ingest([str(tmp_path / "good.html"), str(tmp_path / "huge.html")])
        assert time.monotonic() - started < 60
        assert report.ok == 1 and report.failed == 1
        assert "huge.html" in report.problems[0].label and "too" in report.problems[0].message
    finally:
        pw.close()


def test_a_heavy_item_runs_in_a_worker_held_to_the_memory_budget_even_with_one_worker() -> None:
    """Inline, nothing could stop item 2 from taking 4 GB; the pool sends it to a worker process instead."""
    budget = ItemBudget(seconds=60, memory_bytes=200_000_000)
    with OrderedPool(greedy, workers=1, budget=budget, heavy=lambda number: number == 2) as pool:
        done = [result for number in range(1, 5) for result in pool.submit(number)]
        done.extend(pool.drain())
    assert [job for job, _ in done] == [1, 2, 3, 4]
    assert isinstance(done[1][1], ItemTooBig)
    assert [result for _, result in done if not isinstance(result, ItemError)] == [1, 9, 16]
    assert len(pool.crew) == 1  # one worker, for the heavy item; the light ones ran inline


# ---- caps on every input path -------------------------------------------------------------------


def test_a_jsonl_text_of_88_mb_is_refused_by_the_page_cap(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for number, text in ((1, ENGLISH), (2, "word " * 17_600_000), (3, ENGLISH + "\nAnother one.")):
            out.write(json.dumps({"url": f"https://w.example/{number}", "title": "T", "text": text}) + "\n")
    pw = Presswatch(db=str(tmp_path / "t.db"))
    try:
        report = pw.ingest([str(path)])
        assert report.ok == 2 and report.failed == 1
        assert "line 2" in report.problems[0].label and "max_page_bytes" in report.problems[0].message
    finally:
        pw.close()


def test_a_feed_entry_over_the_page_cap_is_refused_and_the_others_kept(tmp_path: Path) -> None:
    # A JSON Feed's content_text becomes HTML, escaped: 60,000 "&" make 300 KB in a file of 60 KB.
    items = [
        {"id": "1", "url": "https://w.example/1", "title": "Big", "content_text": "&" * 60_000},
        {"id": "2", "url": "https://w.example/2", "title": "Harbour plan", "content_text": ENGLISH},
    ]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": items}))
    pw = Presswatch(db=str(tmp_path / "t.db"), max_page_bytes=100_000, feed_min_words=5)
    try:
        report = pw.ingest([str(path)])
        assert report.ok == 1 and report.failed == 1
        assert "entry 1" in report.problems[0].label and "max_page_bytes" in report.problems[0].message
    finally:
        pw.close()


def test_a_sparse_1_gb_warc_ends_in_bounded_time_with_a_named_error(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.warc"
    with open(sparse, "wb") as f:
        f.truncate(1_000_000_000)  # a hole: no disk used
    (tmp_path / "good.html").write_text(page("Harbour plan", ENGLISH, url="https://w.example/good"))
    pw = Presswatch(db=str(tmp_path / "t.db"))
    try:
        started = time.monotonic()
        report = pw.ingest([str(sparse), str(tmp_path / "good.html")])
        assert time.monotonic() - started < 120
        assert report.ok == 1 and report.failed == 1
        problem = report.problems[0]
        assert "sparse.warc" in problem.label and "unexpected" not in problem.message
    finally:
        pw.close()


# ---- processes -------------------------------------------------------------------------------------


def process_tree() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    return children


def descendants(pid: int) -> set[int]:
    tree, found, todo = process_tree(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended: only its parent has not reaped it yet


def stored_articles(db: Path) -> int:
    """Articles in a store another process is writing (read with sqlite3, not through our code)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=5) as conn:
        try:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


@pytest.fixture
def ingesting(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, set[int]]]:
    """`presswatch ingest` of many pages with two workers, in a session of its own, caught while the workers work."""
    inputs = tmp_path / "in"
    write_pages(inputs, 600)
    db = tmp_path / "t.db"
    env = {**os.environ, "PRESSWATCH_WORKERS": "2"}
    command = [sys.executable, "-m", "presswatch", "--db", str(db), "ingest", str(inputs), "--quiet"]
    run = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True)
    family: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and run.poll() is None:
            family |= descendants(run.pid)
            if stored_articles(db) > INLINE_ITEMS + 8 and len(family) >= 3:  # the workers, the server, ...
                break
            time.sleep(0.1)
        assert run.poll() is None, "ingest ended before the test could stop it: give it more pages"
        yield run, db, family | descendants(run.pid)
    finally:
        for pid in family | {run.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        run.wait(10)


@pytest.mark.skipif(not LINUX, reason="reads the process tree from /proc")
def test_workers_die_with_ingest_on_kill_9(ingesting: tuple[subprocess.Popen[str], Path, set[int]]) -> None:
    run, _, family = ingesting
    assert family
    os.kill(run.pid, signal.SIGKILL)
    run.wait(10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(pid) for pid in family):
        time.sleep(0.2)
    assert not [pid for pid in family if alive(pid)], "processes of the killed ingest are still running"


BUSY_POOL = """
import sys
from presswatch.ingest.workers import ItemBudget, OrderedPool
from tests.test_budgets import sleepy

with OrderedPool(sleepy, workers=2, budget=ItemBudget(seconds=0)) as pool:  # no time budget: job 3 sleeps on
    assert pool.wait_ready(120)
    for number in range(6):
        list(pool.submit(number))
    print("busy", flush=True)
    list(pool.drain())
"""


@pytest.mark.skipif(not LINUX, reason="reads the process tree from /proc")
def test_a_busy_worker_dies_with_its_parent_on_kill_9() -> None:
    run = subprocess.Popen(
        [sys.executable, "-c", BUSY_POOL], cwd=PROJECT, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    family: set[int] = set()
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "busy"
        time.sleep(1)  # job 3 is in a worker's hands by now
        family = descendants(run.pid)
        assert len(family) >= 3  # the server and two workers
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(pid) for pid in family):
            time.sleep(0.2)
        assert not [pid for pid in family if alive(pid)], "a worker outlived the process of its pool"
    finally:
        for pid in family | {run.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        run.wait(10)


@pytest.mark.skipif(not LINUX, reason="reads the process tree from /proc")
def test_ctrl_c_on_ingest_exits_130_with_one_line_and_keeps_what_was_stored(
    ingesting: tuple[subprocess.Popen[str], Path, set[int]],
) -> None:
    run, db, family = ingesting
    os.killpg(run.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: every process of the group gets it
    _, errors = run.communicate(timeout=60)
    assert run.returncode == 130, errors
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors
    said = re.search(r"interrupted; (\d+) articles stored", errors)
    assert said is not None, errors
    assert int(said.group(1)) == stored_articles(db) > INLINE_ITEMS
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(pid) for pid in family):
        time.sleep(0.2)
    assert not [pid for pid in family if alive(pid)]


# ---- fetch --max-time --------------------------------------------------------------------------------

PAGES = 12


def slow_site(server: TestServer) -> str:
    """A feed of PAGES pages, each answered after a second."""

    def slow(request: Request) -> Reply:
        time.sleep(1.0)
        number = request.path.rsplit("/", 1)[1]
        body = page(f"Report {number}", ENGLISH + f"\nThis is report number {number}.", url=server.url(request.path))
        return Reply(200, {"Content-Type": "text/html; charset=utf-8"}, body.encode())

    links = []
    for number in range(PAGES):
        links.append((server.route(f"/slow/{number}", slow), f"Report {number}"))
    return server.add("/feed.xml", rss(links), "application/rss+xml")


def test_fetch_max_time_stores_what_came_in_and_leaves_the_rest_for_the_next_run(tmp_path: Path) -> None:
    limits = {"host_interval": 0.0, "host_connections": 2, "request_timeout": 10.0, "data_dir": str(tmp_path / "d")}
    with TestServer() as server:
        feed = slow_site(server)
        pw = Presswatch(db=str(tmp_path / "t.db"), **limits)
        try:
            pw.add_source(feed, allow_private=True)
            started = time.monotonic()
            report = pw.fetch(allow_private=True, max_time=2.5)
            assert time.monotonic() - started < 30
            assert report.stopped_at_max_time and report.sources_left == 0 and report.exit_code == 0
            assert 0 < report.pages_left < PAGES and report.pages + report.pages_left == PAGES
            assert len(pw.articles()) == report.articles.ok == report.pages
            rest = pw.fetch(allow_private=True)
            assert not rest.stopped_at_max_time and rest.pages == report.pages_left
            assert len(pw.articles()) == PAGES
        finally:
            pw.close()


def test_fetch_max_time_on_the_command_line_says_so_and_exits_0(tmp_path: Path) -> None:
    with TestServer() as server:
        feed = slow_site(server)
        env = {"PRESSWATCH_HOST_INTERVAL": "0", "PRESSWATCH_DATA_DIR": str(tmp_path / "d")}
        db = str(tmp_path / "t.db")
        runner = CliRunner()
        added = runner.invoke(app, ["--db", db, "sources", "add", feed, "--allow-private"], env=env)
        assert added.exit_code == 0, added.output
        result = runner.invoke(app, ["--db", db, "fetch", "--allow-private", "--max-time", "2", "--quiet"], env=env)
        assert result.exit_code == 0, result.output
        assert "stopped at --max-time" in result.output and "pages still to fetch" in result.output
        as_json = runner.invoke(app, ["--db", db, "fetch", "--allow-private", "--max-time", "30", "--json"], env=env)
        assert json.loads(as_json.stdout)["stopped_at_max_time"] is False


def test_the_readme_documents_max_time_and_the_budget() -> None:
    readme = (PROJECT / "README.md").read_text("utf-8")
    assert "--max-time SECONDS" in readme and "`item_seconds`" in readme and "`item_memory_bytes`" in readme
