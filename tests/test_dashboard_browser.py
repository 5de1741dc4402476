"""The dashboard as a person sees it: a real Streamlit server driven by headless Chromium.

The warehouse is built from the bundled samples plus real-looking H20 news
(three stories, two reposts of one), published as a snapshot, served by
`start_dashboard` and opened in Debian's chromium through chromium-driver.
Screenshots of every page go to the folder printed at the start.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pipeline.article import build_article
from pipeline.dashboard.launch import start_dashboard
from pipeline.snapshot import open_snapshot, publish_snapshot
from pipeline.warehouse import Warehouse

sys.path.insert(0, str(Path(__file__).parent))
from news_pages import (  # noqa: E402
    BOILERPLATE,
    H20_PRICE_DROP,
    H20_SPRING,
    H20_SUPPLY,
    PHONE_REVIEW,
    page,
    traditional,
)

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 90  # seconds an element may take on a loaded 2-core machine; a wait, not a margin
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,2200",
]

NEWS = [  # (url, source, title, paragraphs, published)
    (
        "https://www.dnbw.example.cn/h20-spring.html",
        "dnbw",
        "H20单卡报价走高",
        H20_SPRING,
        "2025-04-15",
    ),
    (
        "https://www.xinwen.example.cn/h20-drop.html",
        "xinwen",
        "英伟达H20现货价格回落",
        H20_PRICE_DROP,
        "2025-06-10",
    ),
    (
        "https://big5.kjrb.example.cn/h20-drop.html",  # a mainland site's Big5 mirror
        "kjrb",
        "英偉達H20現貨價格回落",
        [BOILERPLATE[0], *traditional(H20_PRICE_DROP), BOILERPLATE[1]],
        "2025-06-11",
    ),
    (
        "https://www.kuaixun.example.cn/h20.html",
        "kuaixun",
        "英伟达H20现货价格回落",
        H20_PRICE_DROP[:-1],
        "2025-06-12",
    ),
    (
        "https://www.xinwen.example.cn/h20-supply.html",
        "xinwen",
        "H20交付推迟",
        H20_SUPPLY,
        "2025-06-15",
    ),
    (
        "https://www.shouji.example.cn/review.html",
        "shouji",
        "旗舰新机评测",
        PHONE_REVIEW,
        "2025-06-16",
    ),
]


def _browser_or_fail() -> None:
    if Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists():
        return
    message = (
        "Debian's chromium and chromium-driver are needed: "
        "apt-get install -y chromium chromium-driver fonts-wqy-microhei (.ci/run does it)"
    )
    if os.environ.get("CI") or os.geteuid() == 0:
        pytest.fail(message)
    pytest.skip(message)


def _build_warehouse(db: Path) -> None:
    bundles = [
        build_article(
            (REPO / "samples" / name).as_uri(),
            (REPO / "samples" / name).read_bytes(),
            source="samples",
            content_type="text/html",
        )
        for name in ("seed-000.html", "seed-002.html")
    ]
    bundles += [
        build_article(url, page(title, paragraphs, published, source), source=source)
        for url, source, title, paragraphs, published in NEWS
    ]
    sources = [{"name": "samples", "kind": "path", "location": str(REPO / "samples/feed.xml")}]
    sources += [
        {"name": s, "kind": "feed", "location": f"https://{s}.example/feed"}
        for s in {n[1] for n in NEWS}
    ]
    now = datetime.now(UTC)
    with Warehouse(db) as wh:
        run_id = wh.start_run("daily_ingest")
        wh.upsert_sources(sources)
        fetches = [
            {
                "url": url,
                "final_url": url,
                "status": 200,
                "error": None,
                "attempts": 1,
                "fetched_at": now,
                "headers": {"content-type": "text/html"},
                "body": b"<html></html>",
                "source": source,
            }
            for url, source, *_ in NEWS
        ]
        broken = "https://www.xinwen.example.cn/gone.html"
        fetches.append(
            {
                "url": broken,
                "final_url": broken,
                "status": 404,
                "error": "HTTP 404",
                "attempts": 3,
                "fetched_at": now,
                "headers": {},
                "body": None,
                "source": "xinwen",
            }
        )
        wh.record_fetches(run_id, fetches)
        wh.upsert_articles([b.article for b in bundles])
        wh.replace_facts([b.facts for b in bundles], "test")
        wh.finish_run(run_id, "completed", {"articles": len(bundles), "failures": 1})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(process, port: int) -> None:
    """Readiness poll of Streamlit's health endpoint, bounded; the test's asserts come later."""
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"dashboard exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("dashboard did not start")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    _browser_or_fail()
    folder = tmp_path_factory.mktemp("dashboard")
    db = folder / "chipwire.duckdb"
    _build_warehouse(db)
    publish_snapshot(db)
    port = _free_port()
    process = start_dashboard(folder / "export", port)
    try:
        _wait_until_serving(process, port)
        yield f"http://127.0.0.1:{port}", folder / "export"
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("CHIPWIRE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\ndashboard screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def driver():
    _browser_or_fail()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chipwire-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROME_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _snapshot_rows(export: Path, sql: str) -> list[tuple]:
    with open_snapshot(export) as snapshot:
        con = snapshot.connect()
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def _wait(driver):
    """A wait that looks again when Streamlit re-renders an element it was reading."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def _open(driver, url: str, heading: str):
    """Load a page and wait for its title; fail on any Streamlit exception box."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    _wait(driver).until(
        lambda d: any(h.text == heading for h in d.find_elements(By.CSS_SELECTOR, "h1"))
    )
    return _wait(driver)


def _no_errors(driver) -> None:
    from selenium.webdriver.common.by import By

    boxes = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    assert not boxes, boxes[0].text
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_price_tracker_shows_h20_points_once_per_story_and_their_evidence(served, driver, shots):
    from selenium.webdriver.common.by import By

    base, export = served
    expected = _snapshot_rows(
        export,
        "SELECT point, text, sentence_before || text || sentence_after, source, url "
        "FROM (SELECT *, article_id || ':' || ordinal AS point FROM chip_price_points) "
        "WHERE chip = 'H20' ORDER BY day, low",
    )
    # spring card price, then the drop story's card and server prices; its reposts add nothing
    assert len(expected) == 3
    wait = _open(driver, f"{base}/?chip=H20", "Price tracker")
    wait.until(
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"] path.point')) == 3
        )
    )
    rows = wait.until(
        lambda d: (
            found
            if len(found := d.find_elements(By.CSS_SELECTOR, "table.points tr[data-point]")) == 3
            else None
        )
    )
    assert sorted(r.get_attribute("data-point") for r in rows) == sorted(p for p, *_ in expected)
    _no_errors(driver)
    driver.save_screenshot(str(shots / "1-prices-H20.png"))

    point, text, sentence, source, url = expected[1]
    driver.find_element(By.CSS_SELECTOR, f'tr[data-point="{point}"] a.evidence-link').click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'.evidence[data-point="{point}"] mark'))
    evidence = driver.find_element(By.CSS_SELECTOR, ".evidence")
    assert evidence.find_element(By.TAG_NAME, "mark").text == text
    assert evidence.find_element(By.TAG_NAME, "blockquote").text == sentence
    assert "目前单张H20售价约为10万元" in sentence
    assert source in evidence.text
    assert evidence.find_element(By.CSS_SELECTOR, "p a").get_attribute("href") == url
    _no_errors(driver)
    driver.save_screenshot(str(shots / "2-prices-H20-evidence.png"))

    # a point of the chart itself leads to its evidence too
    from selenium.webdriver.common.action_chains import ActionChains

    wait = _open(driver, f"{base}/?chip=H20", "Price tracker")
    chart_points = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"] path.point')
    )
    ActionChains(driver).move_to_element(chart_points[0]).click().perform()
    shown = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".evidence mark"))
    clicked = driver.find_element(By.CSS_SELECTOR, ".evidence").get_attribute("data-point")
    assert clicked in {p for p, *_ in expected}
    assert shown[0].text == next(t for p, t, *_ in expected if p == clicked)
    _no_errors(driver)
    driver.save_screenshot(str(shots / "2b-prices-H20-chart-click.png"))


def _navigate(driver, label: str, heading: str):
    """Click the sidebar link, as a person does, and wait for the page's title."""
    from selenium.webdriver.common.by import By

    def click(d) -> bool:
        for link in d.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"] a'):
            if link.text == label:
                link.click()
                return True
        return False

    wait = _wait(driver)
    wait.until(click)
    wait.until(lambda d: any(h.text == heading for h in d.find_elements(By.CSS_SELECTOR, "h1")))
    return wait


def test_every_page_loads_without_errors(served, driver, shots):
    from selenium.webdriver.common.by import By

    base, _ = served
    _open(driver, base, "Price tracker")
    _no_errors(driver)
    driver.save_screenshot(str(shots / "0-prices-default.png"))

    wait = _navigate(driver, "Mentions", "Chip mentions over time")
    wait.until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"] path.point')
            and "H20" in d.find_element(By.CSS_SELECTOR, '[data-testid="stTable"]').text
        )
    )
    _no_errors(driver)
    driver.save_screenshot(str(shots / "3-mentions.png"))

    wait = _navigate(driver, "Latest facts", "Latest facts")
    # Streamlit draws a page piece by piece: wait for every piece the test reads
    expected = ("旗舰新机评测", "1 judged off-topic", "10万元")  # 10万元: the latest H20 card price
    wait.until(lambda d: all(e in d.find_element(By.TAG_NAME, "body").text for e in expected))
    _no_errors(driver)
    driver.save_screenshot(str(shots / "4-latest-facts.png"))

    wait = _navigate(driver, "Run health", "Run health")
    wait.until(
        lambda d: all(
            e in d.find_element(By.TAG_NAME, "body").text for e in ("HTTP 404", "daily_ingest")
        )
    )
    _no_errors(driver)
    driver.save_screenshot(str(shots / "5-run-health.png"))
