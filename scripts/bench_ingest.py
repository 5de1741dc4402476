"""Benchmark the ingest engine: each target of the ingest-engine issue as a ratio, side by side.

    python scripts/bench_ingest.py --pages 10000     # the issue's sizes (small run = pages / 10)
    python scripts/bench_ingest.py --pages 2000 --db-articles 100000
    python scripts/bench_ingest.py --pages 100000 --scale-only   # flat memory, 1M projection

Synthetic news pages (simplified and traditional, with chips, prices, amounts
and dates) are generated into a temporary folder and ingested as a `path`
source, so no network is involved. Every run is a child process, measured by
its own and its descendants' CPU (getrusage of reaped children: the Dask
workers are included) and by polling its resident memory. A Prefect server is
started for the benchmark so its CPU can be measured apart from the client's.
Ratios, not seconds, are what to compare: the machine may be shared.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parents[1]
KEEP_RUNNING: set[int] = set()  # this script's own long-lived children (the Prefect server)
CHIPS = ["H100", "H20", "H800", "A100", "B200", "昇腾910B", "MI300X", "寒武纪思元590"]
SIMPLE_LINES = [
    "据供应链人士透露，{chip}的整机报价约为{n}万元，较上月上涨{p}%。",
    "{year}年{month}月，多家云厂商宣布采购{chip}，合同金额超过{n}亿元人民币。",
    "一台八卡{chip}服务器的租金约为每月{n}万元，预计{year}年第{q}季度供货好转。",
    "公司公告称，{year}年上半年营收{n}亿元，同比增长{p}%，其中算力业务贡献最大。",
    "市场分析认为，{chip}在推理场景的性价比优势明显，国产替代进程继续加快。",
]
TRADITIONAL_LINES = [
    "據供應鏈人士透露，{chip}的整機報價約為{n}萬元，較上月上漲{p}%。",
    "{year}年{month}月，多家雲端廠商宣布採購{chip}，合約金額超過{n}億元新台幣。",
    "市場分析認為，{chip}在推論場景的性價比優勢明顯，供應仍然緊張。",
]


def page_html(n: int) -> str:
    """One synthetic article, the same for the same n (seeded), about 2,000 characters."""
    rng = random.Random(n)
    lines = TRADITIONAL_LINES if n % 3 == 0 else SIMPLE_LINES
    year = rng.choice([2023, 2024, 2025])
    paragraphs = []
    while sum(len(p) for p in paragraphs) < 1800:
        paragraphs.append(
            rng.choice(lines).format(
                chip=rng.choice(CHIPS),
                n=rng.randint(2, 900),
                p=rng.randint(1, 60),
                year=year,
                month=rng.randint(1, 12),
                q=rng.randint(1, 4),
            )
        )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return (
        f'<html><head><meta charset="utf-8"><title>算力芯片市场观察 第{n}期</title>'
        f'<meta property="article:published_time" content="{day}T08:00:00+08:00"></head>'
        f"<body><nav>首页 | 新闻</nav><article><h1>算力芯片市场观察 第{n}期</h1>{body}</article>"
        "<footer>© 2025 示例网</footer></body></html>"
    )


def write_pages(folder: Path, first: int, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(first, first + count):
        (folder / f"{n:07d}.html").write_text(page_html(n), encoding="utf-8")
    return folder


# --- children -------------------------------------------------------------------------


def child_flow(folder: str, db: str, workers: int) -> None:
    from flows.worker_server import start_early

    start_early()  # as `chipwire ingest` does, before Prefect is imported
    from flows.daily_ingest import daily_ingest

    stats = daily_ingest(sources=[folder], db_path=db, workers=workers, min_interval=0.0)
    print(json.dumps({k: v for k, v in stats.items() if isinstance(v, int)}))


def child_loop(folder: str, db: str) -> None:
    """The same work in a plain loop, one process: fetch, extract, load each 100 pages, publish.

    It calls what the flow's tasks call (the fetcher, `build_article`, the row
    builders, `Warehouse.load_batch`, `publish_snapshot`), with no Prefect, no
    Dask, no spool and no Arrow hand-over: what is left of the flow's CPU above
    this is the engine's own cost.
    """
    from dataclasses import asdict
    from datetime import UTC, datetime

    from pipeline import warehouse_rows as rows
    from pipeline.article import build_article
    from pipeline.batches import chunked
    from pipeline.fetch import Fetcher
    from pipeline.rules_version import extractor_version
    from pipeline.snapshot import publish_snapshot
    from pipeline.warehouse import Warehouse

    version = extractor_version()
    urls = sorted(p.as_uri() for p in Path(folder).glob("*.html"))
    with Fetcher(min_interval=0.0, local_roots=[folder]) as fetcher, Warehouse(db) as wh:
        run_id = wh.start_run("loop")
        for chunk in chunked(urls, 100):
            results = [fetcher.fetch(url) for url in chunk]
            bundles = [
                build_article(r.url, r.body, source="bench", content_type="text/html")
                for r in results
                if r.ok
            ]
            wh.load_batch(
                run_id,
                fetches=[asdict(r) | {"source": "bench"} for r in results],
                articles=rows.article_rows([b.article for b in bundles], datetime.now(UTC)),
                facts=rows.fact_rows([b.facts for b in bundles], version),
                failures=[],
                extractor_version=version,
            )
        wh.finish_run(run_id, "completed", {})
    publish_snapshot(db)
    print(json.dumps({"articles": len(urls)}))


def child_reextract(db: str, workers: int) -> None:
    from flows.worker_server import start_early

    start_early()  # as `chipwire reextract` does
    from flows.reextract import reextract

    print(
        json.dumps(
            {k: v for k, v in reextract(db_path=db, workers=workers).items() if isinstance(v, int)}
        )
    )


# --- measuring ------------------------------------------------------------------------


@dataclass
class Measured:
    cpu: float  # CPU-seconds of the child and every descendant
    wall: float
    peak_rss: int  # bytes, the child process itself
    peak_tree_rss: int  # bytes, the child and its descendants together
    out: str
    own_cpu: float  # CPU-seconds of the child process alone (last polled)
    rss_by_second: list[int]  # the child's peak RSS in each second of its run, bytes

    def rss_by_tenth(self) -> list[int]:
        """Peak RSS in each tenth of the run: flat memory shows as a flat row."""
        series = self.rss_by_second or [self.peak_rss]
        size = max(1, -(-len(series) // 10))
        return [max(series[i : i + size]) for i in range(0, len(series), size)]


def run_child(args: list[str], env: dict[str, str]) -> Measured:
    """Run this script as a child; CPU of it and every descendant, peak RSS by polling."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, __file__, "_child", *args], env=env, stdout=subprocess.PIPE, text=True
    )
    peaks = {"own": 0, "tree": 0}
    own_cpu = [0.0]
    by_second: list[int] = []

    def poll() -> None:
        try:
            main = psutil.Process(proc.pid)
            while proc.poll() is None:
                own = main.memory_info().rss
                tree = own + sum(
                    c.memory_info().rss for c in main.children(recursive=True) if c.is_running()
                )
                peaks["own"], peaks["tree"] = max(peaks["own"], own), max(peaks["tree"], tree)
                second = int(time.monotonic() - start)
                by_second.extend([0] * (second + 1 - len(by_second)))
                by_second[second] = max(by_second[second], own)
                times = main.cpu_times()
                own_cpu[0] = times.user + times.system
                time.sleep(0.1)
        except psutil.Error:
            pass

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed with exit code {proc.returncode}")
    reap_orphans(keep=KEEP_RUNNING)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(
        cpu,
        time.monotonic() - start,
        peaks["own"],
        peaks["tree"],
        out.strip(),
        own_cpu[0],
        [rss for rss in by_second if rss],
    )


def become_subreaper() -> None:
    """Adopt every orphaned descendant, so that reaping it adds its CPU to RUSAGE_CHILDREN.

    A descendant that outlives the process that started it (a helper server,
    a worker's child) is reparented here instead of to init, so its CPU is
    counted when it is reaped (Linux's PR_SET_CHILD_SUBREAPER).
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise SystemExit(f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")


def reap_orphans(keep: set[int], timeout: float = 120.0) -> None:
    """Wait for the descendants a child left behind (adopted by this process) and reap them."""
    deadline = time.monotonic() + timeout
    while True:
        orphans = [p for p in psutil.Process().children() if p.pid not in keep]
        if not orphans:
            return
        for orphan in orphans:
            try:
                if os.waitpid(orphan.pid, os.WNOHANG)[0] == 0 and time.monotonic() > deadline:
                    orphan.kill()
            except ChildProcessError:
                pass
        time.sleep(0.1)


def tree_cpu(pid: int) -> float:
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def start_prefect_server(home: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    prefect = Path(sys.executable).parent / "prefect"
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    KEEP_RUNNING.add(server.pid)
    url = f"http://127.0.0.1:{port}/api"
    import httpx

    for _ in range(900):
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the Prefect server did not start")


def settled_server_cpu(pid: int, since: float) -> float:
    """Server CPU since `since`, once it has stopped working off the run's events."""
    last = tree_cpu(pid)
    for _ in range(60):
        time.sleep(1.0)
        now = tree_cpu(pid)
        if now - last < 0.05:
            break
        last = now
    return tree_cpu(pid) - since


def fill_database(db: Path, articles: int) -> None:
    """A warehouse of `articles` old articles, annotated, with facts stamps and a fetch log.

    Each old article has its own text, story, signature and LSH bands (random
    buckets: distinct stories), as earlier runs would have left them, so the
    daily run's story join looks at all of them. 2 % of its urls failed five
    times (given up on): the retry query must look at them and still cost what
    a small database costs.
    """
    from pipeline.stories import SIGNATURE_KIND, lsh_shape
    from pipeline.warehouse import Warehouse

    Warehouse(db).close()
    with duckdb.connect(str(db)) as con:
        con.execute(
            """
            INSERT INTO articles BY NAME
            SELECT md5(i::VARCHAR)[:16] AS article_id, 'file:///old/' || i || '.html' AS url,
                   'old' AS source, '旧闻' || i AS title, DATE '2024-01-01' AS published,
                   'meta' AS published_method, 'simplified' AS script,
                   repeat('旧闻正文', 200) || i AS original_text,
                   repeat('旧闻正文', 200) || i AS normalized_text, md5(i::VARCHAR) AS content_hash,
                   TIMESTAMP '2024-01-01' AS first_seen, TIMESTAMP '2024-01-01' AS updated_at,
                   'old-rules' AS extractor_version, md5(i::VARCHAR)[:16] AS story_id,
                   false AS on_topic, 'old' AS topic_reason,
                   md5(i::VARCHAR) || ':' || $kind || ':old-rules' AS annotated_key
            FROM range($n) t(i)
            """,
            {"n": articles, "kind": SIGNATURE_KIND},
        )
        con.execute(
            """
            INSERT INTO story_signatures
            SELECT md5(i::VARCHAR)[:16], md5(i::VARCHAR) || ':' || $kind,
                   encode(repeat(md5(i::VARCHAR), 32))
            FROM range($n) t(i)
            """,
            {"n": articles, "kind": SIGNATURE_KIND},
        )
        con.execute(
            """
            INSERT INTO story_bands
            SELECT md5(i::VARCHAR)[:16], b, hash(i, b) FROM range($n) t(i), range($bands) r(b)
            """,
            {"n": articles, "bands": lsh_shape()[0]},
        )
        con.execute(
            """
            INSERT INTO fetch_attempts
            SELECT 'r' || (i % 50), 'file:///old/' || i || '.html', 'fetch', 'old', NULL, 200, true, NULL, 1,
                   TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND
            FROM range($n) t(i)
            UNION ALL
            SELECT 'r' || k, 'file:///gone/' || i || '.html', 'fetch', 'old', NULL, 404, false,
                   'HTTP 404', 1, TIMESTAMP '2024-01-01' + INTERVAL (i * 5 + k) SECOND
            FROM range($n // 50) t(i), range(5) r(k)
            """,
            {"n": articles},
        )


def daily_run(folder: Path, articles: int, pages: Path, workers: int, env: dict) -> Measured:
    """A day's run over a warehouse of `articles`, with yesterday's snapshot published.

    Each warehouse has its own folder, so its snapshot is the one the run links from.
    """
    from pipeline.snapshot import publish_snapshot

    folder.mkdir()
    db = folder / "chipwire.duckdb"
    fill_database(db, articles)
    publish_snapshot(db)
    return run_child(["flow", str(pages), str(db), str(workers)], env)


def rows_of(db: Path) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            sorted(con.execute(f"SELECT * EXCLUDE (extractor_version) FROM {t}").fetchall())
            for t in ("chips", "money", "prices", "dates")
        ] + [con.execute("SELECT count(*) FROM articles").fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="the large ingest (small: /10)")
    parser.add_argument("--db-articles", type=int, default=100_000, help="the large database")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--scale-only",
        action="store_true",
        help="only the large ingest: its memory over the run, throughput and projection",
    )
    args = parser.parse_args()
    small, large = max(10, args.pages // 10), args.pages

    become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="chipwire-bench-"))
    try:
        server, api = start_prefect_server(work / "prefect")
        env = {
            **os.environ,
            "PREFECT_API_URL": api,
            "CHIPWIRE_DATA": str(work / "data"),
            "PYTHONPATH": str(ROOT),
        }
        try:
            if args.scale_only:
                print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
                scale(work, env, large, args.workers)
            else:
                report(work, env, server.pid, small, large, args)
        finally:
            server.terminate()
            server.wait(timeout=60)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def scale(work: Path, env: dict, pages: int, workers: int) -> Measured:
    """One large ingest: is its memory flat, and what would a million pages take?

    The flow process fetches, loads and publishes for every worker: its own CPU
    is the part more machines do not spread, so it bounds a cluster's rate.
    """
    flow = run_child(
        ["flow", str(write_pages(work / "scale", 0, pages)), str(work / "s.duckdb"), str(workers)],
        env,
    )
    tenths = " ".join(f"{rss / 2**20:.0f}" for rss in flow.rss_by_tenth())
    print(f"\n[ingest of {pages} pages] {flow.wall:.0f} s wall, {flow.cpu:.0f} CPU-s")
    print(
        f"  peak RSS of the flow process {flow.peak_rss / 2**20:.0f} MB; by tenth of the run: {tenths}"
    )
    rate = pages / flow.wall
    print(
        f"  throughput {rate:.1f} pages/s wall, {pages / flow.cpu:.1f} pages per CPU-second;"
        f" 1,000,000 pages: {1e6 / rate / 3600:.1f} h on this machine"
    )
    ceiling = pages / flow.own_cpu
    print(
        f"  the flow process (fetch, load, publish) took {flow.own_cpu:.0f} CPU-s, so a cluster"
        f" reaches at most {ceiling:.0f} pages/s ({1e6 / ceiling / 3600:.1f} h for 1,000,000)"
    )
    return flow


def start_up_split(work: Path, env: dict, workers: int, flow: Measured, loop: Measured) -> None:
    """Split the engine's cost into what every run pays and what each page adds.

    The same flow and loop over an empty folder cost only their start-up
    (imports, the cluster, the flow run, the publish); what the pages add on
    top is the part that grows with a run, and the part a faster engine can win.
    """
    nothing = work / "empty"
    nothing.mkdir(exist_ok=True)
    flow0 = run_child(["flow", str(nothing), str(work / "empty-flow.duckdb"), str(workers)], env)
    loop0 = run_child(["loop", str(nothing), str(work / "empty-loop.duckdb")], env)
    print(
        f"  start-up over no pages: flow {flow0.cpu:.1f} CPU-s vs loop {loop0.cpu:.1f} CPU-s"
        f" (the engine's fixed cost {flow0.cpu - loop0.cpu:.1f} CPU-s)"
    )
    print(
        f"  what the pages add: flow {flow.cpu - flow0.cpu:.1f} vs loop {loop.cpu - loop0.cpu:.1f}"
        f" CPU-s, ratio {(flow.cpu - flow0.cpu) / max(0.1, loop.cpu - loop0.cpu):.2f}"
    )


def report(work: Path, env: dict, server_pid: int, small: int, large: int, args) -> None:
    from pipeline.warehouse import Warehouse

    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; workers {args.workers}")
    pages_small = write_pages(work / "small", 0, small)
    pages_large = write_pages(work / "large", 0, large)

    loop = run_child(["loop", str(pages_small), str(work / "loop.duckdb")], env)
    server_before = tree_cpu(server_pid)
    flow_small = run_child(
        ["flow", str(pages_small), str(work / "small.duckdb"), str(args.workers)], env
    )
    server_cpu = settled_server_cpu(server_pid, server_before)
    print(
        f"\n[client CPU, {small} pages] flow {flow_small.cpu:.1f} s vs plain loop {loop.cpu:.1f} s"
    )
    same = rows_of(work / "loop.duckdb") == rows_of(work / "small.duckdb")
    print(f"  ratio {flow_small.cpu / loop.cpu:.2f}  (target <= 1.2); same rows: {same}")
    print(f"  the engine's own cost: {flow_small.cpu - loop.cpu:.1f} CPU-s (flow minus loop)")
    start_up_split(work, env, args.workers, flow_small, loop)
    print(f"[Prefect server CPU for that run] {server_cpu:.1f} s")
    print(f"  ratio to client {server_cpu / flow_small.cpu:.2f}  (target <= 0.3)")

    flow_large = run_child(
        ["flow", str(pages_large), str(work / "large.duckdb"), str(args.workers)], env
    )
    print(
        f"\n[peak RSS of the flow process] {large} pages {flow_large.peak_rss / 2**20:.0f} MB"
        f" vs {small} pages {flow_small.peak_rss / 2**20:.0f} MB"
        f" (whole tree with workers: {flow_large.peak_tree_rss / 2**20:.0f} vs"
        f" {flow_small.peak_tree_rss / 2**20:.0f} MB)"
    )
    print(
        f"  ratio {flow_large.peak_rss / flow_small.peak_rss:.2f}  (target <= 1.1, and <= 500 MB)"
    )
    tenths = " ".join(f"{rss / 2**20:.0f}" for rss in flow_large.rss_by_tenth())
    print(f"  {large} pages, peak RSS by tenth of the run: {tenths}")
    print(
        f"  throughput {large / flow_large.wall:.1f} pages/s wall, "
        f"{large / flow_large.cpu:.1f} pages per CPU-second"
    )
    # the engine's cost is mostly fixed (imports, cluster, Prefect's run): the same
    # comparison on the large run shows how much of it is per page
    loop_large = run_child(["loop", str(pages_large), str(work / "loop-large.duckdb")], env)
    print(
        f"[client CPU, {large} pages] flow {flow_large.cpu:.1f} s vs plain loop"
        f" {loop_large.cpu:.1f} s: ratio {flow_large.cpu / loop_large.cpu:.2f};"
        f" the engine's own cost {flow_large.cpu - loop_large.cpu:.1f} CPU-s"
    )

    # the fixed start-up and publish weigh on a small re-extraction; a large one, as after
    # a rule change on a real warehouse, shows what the workers give
    empty = work / "re-empty.duckdb"
    Warehouse(empty).close()
    # the shorter of two runs each: the first child of a series also pays cold file caches
    idle = {
        n: min(run_child(["reextract", str(empty), str(n)], env).wall for _ in range(2))
        for n in (1, 2)
    }
    print(
        f"\n[reextract of no pages] 1 worker {idle[1]:.1f} s, 2 workers {idle[2]:.1f} s wall:"
        " the start-up (imports, cluster, flow run) and publish every re-extraction pays"
    )
    for pages, db in ((small, work / "small.duckdb"), (large, work / "large.duckdb")):
        # in the order 1, 2, 2, 1 workers, each on a fresh copy: a slow spell of the shared
        # machine during one run then weighs on both sides
        walls: dict[int, list[float]] = {1: [], 2: []}
        same = True
        for n in (1, 2, 2, 1):
            copy = work / f"re{n}-{pages}.duckdb"
            shutil.copy(db, copy)
            walls[n].append(run_child(["reextract", str(copy), str(n)], env).wall)
            if n == 2:
                same = same and rows_of(copy) == rows_of(work / f"re1-{pages}.duckdb")
        wall1, wall2 = sum(walls[1]) / 2, sum(walls[2]) / 2
        print(
            f"[reextract of {pages} pages] 1 worker {' and '.join(f'{w:.1f}' for w in walls[1])} s,"
            f" 2 workers {' and '.join(f'{w:.1f}' for w in walls[2])} s wall"
        )
        print(
            f"  speed-up {wall1 / wall2:.2f} (of the means; target >= 1.6 on a quiet 2-core"
            f" machine); rows identical: {same}"
        )
        beyond = (wall1 - idle[1], wall2 - idle[2])
        print(
            f"  speed-up of the work beyond the start-up {beyond[0] / beyond[1]:.2f}"
            if min(beyond) > 1.0
            else "  the pages took less than the start-up's own noise"
        )

    new = write_pages(work / "daily", 10_000_000, 20)
    results = {}
    for articles in (1_000, args.db_articles):
        results[articles] = daily_run(work / f"daily-{articles}", articles, new, args.workers, env)
    base, big = results[1_000], results[args.db_articles]
    print(
        f"\n[daily run of 20 new pages] over {args.db_articles} articles {big.cpu:.1f} CPU-s,"
        f" over 1000 {base.cpu:.1f} CPU-s"
    )
    print(f"  ratio {big.cpu / base.cpu:.2f}  (target <= 1.2)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        kind, *rest = sys.argv[2:]
        if kind == "flow":
            child_flow(rest[0], rest[1], int(rest[2]))
        elif kind == "loop":
            child_loop(rest[0], rest[1])
        else:
            child_reextract(rest[0], int(rest[1]))
    else:
        main()
