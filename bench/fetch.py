"""Fetch throughput and memory: presswatch's fetch client against a plain sequential httpx loop.

Method
* A local HTTP server (tests/httpserver.py: a threaded http.server on
  127.0.0.1, HTTP/1.1 keep-alive) runs in a child process, so that serving
  does not share the client's interpreter. It serves `--pages` article pages
  (default 2,000) of about 20 KB each, generated from their number, and
  answers every request after `--latency` seconds (default 0.05: a news
  site's time to first byte is rarely shorter, often several times longer; on
  a bare loopback there is no network to wait for and concurrency has nothing
  to overlap). `--latency 0.02` shows the ratio nearer to the client's CPU
  limit.
* presswatch: `FetchThread` (the httpx AsyncClient with every limit of
  `presswatch fetch`: robots.txt, the SSRF guard, capped streaming and
  inflation, retries) with the WARC archive on (every response written to a
  temporary folder), the default `fetch_concurrency` (32) and the per-host limits off
  (`host_connections` 0, `host_interval` 0), as the issue asks. As in
  `presswatch fetch`, twice `fetch_concurrency` URLs are in flight and each
  result is dropped once counted; the time is from the first submit to the
  last result.
* The peer: one `httpx.Client` (the same library, synchronous), a plain
  `for url in urls: client.get(url)` loop reading each body, no archive. At
  50 ms a page the whole list would take over 100 s, so it runs on the first
  `--peer-pages` pages (default 300) and its rate is per page.
* Memory: a second presswatch run fetches the pages again with 50 hostile
  endpoints spread among them (cycling through: a body that never ends, a
  50 MB body, a gzip bomb of 10 GB, a brotli bomb of 10 GB, a 1-byte-a-second
  drip, a redirect loop), with the default 10 MB cap and a 5 s request
  timeout. Peak memory is the client process's `ru_maxrss` (the server runs
  elsewhere), printed after each run, with the RSS right after the imports
  (`import presswatch` brings in the whole package: extraction, language,
  analysis), so that what fetching adds can be read off.
The clean presswatch run is repeated `--rounds` times (3; the machine is
shared and noisy). It prints pages/s for both sides (presswatch's best and
median), the ratios (goal >= 10x, judged on the median), the peak RSS (goal
< 300 MB), and how the hostile fetches ended. It asserts nothing and exits 0.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, wait
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from presswatch.fetch import FetchSettings, FetchThread  # noqa: E402
from tests.httpserver import Reply, Request, TestServer  # noqa: E402

HOSTILE = [
    "/hostile/endless",
    "/hostile/50mb",
    "/hostile/gzip-bomb",
    "/hostile/brotli-bomb",
    "/hostile/drip",
    "/hostile/loop-a",
]
PARAGRAPH = (
    "The regional council met on Tuesday to discuss the future of the old harbour district, where "
    "hundreds of families have lived for decades without secure title to their homes. "
)


def article(request: Request) -> Reply:
    number = request.path.rsplit("/", 1)[-1].removesuffix(".html")
    body = "".join(f"<p>{PARAGRAPH} ({number}.{n})</p>" for n in range(100))
    head = f"<!doctype html><html><head><title>Page {number}</title></head>"
    html = f"{head}<body><article>{body}</article></body></html>"
    return Reply(200, {"Content-Type": "text/html; charset=utf-8"}, html.encode())


def serve(latency: float, pipe: Connection) -> None:
    server = TestServer(delay=latency)
    server.add("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain")
    server.prefixes["/pages/"] = article
    with server:
        pipe.send(server.base)
        pipe.recv()  # until the bench is done


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def presswatch_run(urls: list[str], folder: Path, **limits: float) -> tuple[float, Counter[str], int]:
    settings = FetchSettings(
        host_connections=0,
        host_interval=0.0,
        allow_private=True,
        warc_dir=folder,
        **limits,  # type: ignore[arg-type]
    )
    outcomes: Counter[str] = Counter()
    fetched_bytes = 0
    with FetchThread(settings) as net:
        started = time.perf_counter()
        # As `presswatch fetch` does: a bounded window of URLs in flight, results dropped once counted.
        waiting = iter(urls)
        in_flight = {net.submit(url) for url in islice(waiting, settings.concurrency * 2)}
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                outcomes["ok" if result.ok else str(result.reason)] += 1
                fetched_bytes += len(result.body)
            in_flight |= {net.submit(url) for url in islice(waiting, len(done))}
        seconds = time.perf_counter() - started
    return seconds, outcomes, fetched_bytes


def peer_run(urls: list[str]) -> float:
    with httpx.Client(timeout=30) as client:
        started = time.perf_counter()
        for url in urls:
            client.get(url).read()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--peer-pages", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--hostile", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="clean presswatch runs; best and median are shown")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    imported = peak_rss_mb()
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(args.latency, theirs), daemon=True)
    server.start()
    base = ours.recv()
    urls = [f"{base}/pages/{n}.html" for n in range(args.pages)]
    try:
        with tempfile.TemporaryDirectory() as folder:
            peer_seconds = peer_run(urls[: args.peer_pages])
            runs = [presswatch_run(urls, Path(folder) / f"clean-{n}") for n in range(args.rounds)]
            clean_peak = peak_rss_mb()
            mixed = list(urls)
            step = max(1, len(mixed) // max(1, args.hostile))
            for n in range(args.hostile):
                mixed.insert(n * (step + 1), f"{base}{HOSTILE[n % len(HOSTILE)]}")
            hostile_seconds, hostile_outcomes, _ = presswatch_run(mixed, Path(folder) / "hostile", request_timeout=5.0)
            hostile_peak = peak_rss_mb()
    finally:
        ours.send("done")
        server.join(timeout=10)
    report(args, peer_seconds, runs, imported, clean_peak, hostile_seconds, hostile_outcomes, hostile_peak)


def report(
    args: argparse.Namespace,
    peer_seconds: float,
    runs: list[tuple[float, Counter[str], int]],
    imported: float,
    clean_peak: float,
    hostile_seconds: float,
    hostile_outcomes: Counter[str],
    hostile_peak: float,
) -> None:
    times = sorted(seconds for seconds, _, _ in runs)
    best, median = args.pages / times[0], args.pages / statistics.median(times)
    peer_rate = args.peer_pages / peer_seconds
    outcomes = runs[0][1]
    result = {
        "pages": args.pages,
        "latency_s": args.latency,
        "presswatch_pages_per_s_best": round(best, 1),
        "presswatch_pages_per_s_median": round(median, 1),
        "presswatch_seconds": [round(t, 2) for t in times],
        "presswatch_outcomes": dict(outcomes),
        "megabytes_fetched": round(runs[0][2] / 1e6, 1),
        "httpx_loop_pages": args.peer_pages,
        "httpx_loop_pages_per_s": round(peer_rate, 1),
        "ratio_best": round(best / peer_rate, 1),
        "ratio_median": round(median / peer_rate, 1),
        "ratio_goal_met": median / peer_rate >= 10,
        "rss_mb_after_imports": round(imported, 1),
        "peak_rss_mb_clean": round(clean_peak, 1),
        "hostile_endpoints": args.hostile,
        "hostile_run_seconds": round(hostile_seconds, 2),
        "hostile_run_outcomes": dict(hostile_outcomes),
        "peak_rss_mb_with_hostile": round(hostile_peak, 1),
        "memory_goal_met": hostile_peak < 300,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    met = {True: "met", False: "NOT met"}
    print(f"pages: {args.pages} of ~20 KB, server latency {args.latency * 1000:.0f} ms a request")
    print(
        f"presswatch fetch client: {best:8.1f} pages/s best, {median:.1f} median of {args.rounds} "
        f"({', '.join(f'{t:.2f}' for t in times)} s; {dict(outcomes)}; WARC archive on)"
    )
    print(f"sequential httpx loop:   {peer_rate:8.1f} pages/s  (first {args.peer_pages} pages, {peer_seconds:.2f} s)")
    print(
        f"ratio: {best / peer_rate:.1f}x best, {median / peer_rate:.1f}x median "
        f"(goal >= 10x on the median: {met[result['ratio_goal_met']]})"
    )
    print(f"peak RSS: {imported:.0f} MB after the imports, {clean_peak:.0f} MB after the clean runs")
    print(
        f"with {args.hostile} hostile endpoints mixed in: {hostile_seconds:.1f} s, {dict(hostile_outcomes)}; "
        f"peak RSS {hostile_peak:.0f} MB (goal < 300 MB: {met[result['memory_goal_met']]})"
    )


if __name__ == "__main__":
    main()
