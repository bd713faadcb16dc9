"""The HTML report as a reader sees it: opened offline in headless Chromium.

Runs `dedup clean` on samples/ plus a near-duplicate pair and a document whose
repeated paragraph carries a <script>, opens OUTDIR/dedup-report.html from
disk, and checks what is visible: every document, the totals, the cluster,
the dot-plots, the script shown as text and not run, and the sorting script
(the only script the page's CSP allows) working.  A screenshot is saved to
artifacts/ for a human to look at.  Needs Debian's chromium + chromium-driver
and selenium; the driver path is explicit, so selenium never downloads one.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed "
                                "(apt-get install chromium chromium-driver)")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from test_report import ORIGINAL, PAYLOAD, clean_corpus  # noqa: E402


@pytest.fixture(scope="module")
def outdir(tmp_path_factory) -> Path:
    return clean_corpus(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def page(outdir):
    """The report opened in headless Chromium (the driver is quit afterwards)."""
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,2400"):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get((outdir / "dedup-report.html").as_uri())
        yield driver
    finally:
        driver.quit()


def test_visible_content(page, outdir):
    report = json.loads((outdir / "dedup-report.json").read_text(encoding="utf-8"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.save_screenshot(str(ARTIFACTS / "report.png"))
    rows = page.find_elements(By.CSS_SELECTOR, "#document-table tbody tr")
    links = [r.find_element(By.TAG_NAME, "a") for r in rows]
    assert [a.get_attribute("title") for a in links] == [d["id"] for d in report["documents"]]
    assert {a.text for a in links} >= {"hostile.txt", "seeds/003_copy.txt", "seeds/" + ORIGINAL}
    totals = page.find_element(By.ID, "totals").text.split("\n")
    assert totals[:4] == ["documents", str(len(rows)), "characters in", str(report["totals"]["chars_in"])]
    assert "empty.txt" in page.find_element(By.ID, "error-table").text


def test_cluster_is_shown(page):
    clusters = [c.text for c in page.find_elements(By.CSS_SELECTOR, ".cluster")]
    assert any(f"kept: seeds/{ORIGINAL}" in c and "003_copy.txt" in c and "0.9" in c for c in clusters)


def test_dot_plots_are_drawn(page):
    plots = page.find_elements(By.CSS_SELECTOR, "svg.dotplot")
    assert len(plots) == len(page.find_elements(By.CSS_SELECTOR, "#document-table tbody tr")) and all(p.size["width"] > 100 for p in plots)
    dots = [p.find_element(By.TAG_NAME, "path").get_attribute("d") for p in plots]
    assert sum(1 for d in dots if d) >= 2  # the samples with repeated blocks


def test_injected_script_shows_as_text_and_does_not_run(page):
    assert page.title == "dedup report"
    assert page.execute_script("return typeof window.__pwned") == "undefined"
    assert PAYLOAD in page.find_element(By.TAG_NAME, "body").text
    blocked = [e for e in page.get_log("browser") if "Content Security Policy" in e.get("message", "")]
    assert blocked == []  # nothing even tried to run


def test_sorting_script_runs(page):
    header = page.find_elements(By.CSS_SELECTOR, "#document-table thead th")[1]  # "in"
    header.click()
    cells = page.find_elements(By.CSS_SELECTOR, "#document-table tbody tr td:nth-child(2)")
    values = [int(c.text) for c in cells]
    assert values == sorted(values, reverse=True) and header.get_attribute("aria-sort") == "descending"
