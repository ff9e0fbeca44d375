"""Extraction in worker processes gives the same store as extraction in one process."""

from __future__ import annotations

import os
from pathlib import Path

from presswatch import ArticleFilter, Presswatch
from presswatch.ingest.workers import INLINE_ITEMS, OrderedPool

from .conftest import ALBANIAN, ENGLISH, page


def write_pages(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        body = (ENGLISH if number % 2 else ALBANIAN + "\n" + ALBANIAN) + f"\nItem number {number} of the series."
        (folder / f"p{number:03}.html").write_text(page(f"Page {number}", body, url=f"https://w.example/{number}"))
    # the same URL twice, later file changed: must end as version 2 whatever the workers do
    (folder / "z1.html").write_text(page("Twice", ENGLISH, url="https://w.example/twice"))
    (folder / "z2.html").write_text(
        page("Twice", ENGLISH + "\nCorrection: a later edit.", url="https://w.example/twice")
    )
    (folder / "zz-junk.html").write_bytes(bytes(range(256)) * 50)


def snapshot(pw: Presswatch) -> list[tuple[object, ...]]:
    rows = []
    for article in pw.articles(ArticleFilter(limit=1000)):
        full = pw.article(str(article["id"]))
        assert full is not None
        rows.append((full["url"], full["version"], full["language"], full["content_hash"], full["title"]))
    return sorted(rows)


def test_workers_store_what_one_process_stores(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    # Items past INLINE_ITEMS always go to the workers, however slowly they start.
    write_pages(inputs, INLINE_ITEMS + 16)
    results = {}
    for workers in (1, 2):
        pw = Presswatch(db=str(tmp_path / f"w{workers}.db"), workers=workers)
        report = pw.ingest([str(inputs)])
        assert report.failed == 1 and "binary" in report.problems[-1].message
        assert report.summary()["versions"] == 1
        results[workers] = snapshot(pw)
        twice = pw.article("https://w.example/twice")
        assert twice is not None and "Correction" in twice["text"]
        pw.close()
    assert results[1] == results[2]
    assert len(results[2]) == INLINE_ITEMS + 17


def square(number: int) -> int:
    if number == 5:
        raise ValueError("five is bad input")
    return number * number


def test_ordered_pool_keeps_order_and_turns_crashes_into_item_errors() -> None:
    with OrderedPool(square, workers=2) as pool:
        done = [result for n in range(40) for result in pool.submit(n)]
        done.extend(pool.drain())
    assert [job for job, _ in done] == list(range(40))
    assert done[7][1] == 49 and done[39][1] == 39 * 39
    assert "five is bad input" in str(done[5][1])


def where_it_ran(_: int) -> int:
    return os.getpid()


def test_jobs_go_to_the_workers_once_they_are_up() -> None:
    with OrderedPool(where_it_ran, workers=2) as pool:
        assert pool.wait_ready(120)
        ran = [pid for n in range(8) for _, pid in pool.submit(n)]
        ran.extend(pid for _, pid in pool.drain())
    assert len(ran) == 8 and os.getpid() not in ran
