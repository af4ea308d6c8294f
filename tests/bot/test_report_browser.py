"""The HTML report in a real headless Chromium: it loads without errors, on a phone and on a
desktop, and its charts are drawn (non-blank areas of the right size)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.report.charts import REPORT_FONT
from bot.report.html import render_html
from bot.store import Store
from tests.support.chromium import Page, chromium, find_chromium
from tests.support.figures import NOW, stats_rows
from tests.support.rawdb import raw

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("CI") == "true":
    # .ci/run installs it: in CI a missing browser is a broken set-up, never a silent skip.
    raise RuntimeError("CI needs chromium for the HTML report's browser test")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs it with apt)"
)
CHARTS = """JSON.stringify({
  width: document.documentElement.scrollWidth, view: window.innerWidth,
  charts: [...document.querySelectorAll('.chart img')].map(img => {
    const box = img.getBoundingClientRect();
    return {alt: img.alt, ready: img.complete && img.naturalWidth > 0, x: box.left + scrollX,
            y: box.top + scrollY, width: box.width, height: box.height,
            natural: img.naturalWidth};
  }),
  gaps: [...document.querySelectorAll('ol li')].map(li => li.textContent),
  scripts: document.scripts.length,
})"""


async def _report(store: Store, folder: Path) -> Path:
    raw(store, stats_rows)
    raw(
        store,
        lambda db: db.execute(
            "INSERT INTO knowledge_gaps (team_id, query, at) VALUES ('T1', ?, ?)",
            ["<script>console.error('injected')</script>", NOW - 3600],
        ),
    )
    data = await store.report_data(None, NOW, 7, 15)
    path = folder / "report.html"
    path.write_text(render_html(data, NOW), encoding="utf-8")
    return path


def _blank(png: bytes) -> bool:
    colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 20) or []
    return len(colours) < 10  # a drawn chart has lines, bars, text and anti-aliasing


async def _check(page: Page, width: int, mobile: bool) -> dict[str, Any]:
    facts: dict[str, Any] = json.loads(await page.evaluate(CHARTS))
    assert facts["scripts"] == 0
    assert facts["width"] <= facts["view"] == width
    assert len(facts["charts"]) == 2
    for chart in facts["charts"]:
        assert chart["ready"], chart
        assert chart["alt"], chart
        assert chart["width"] >= min(width - 60, 300), (mobile, chart)
        assert chart["height"] >= 100, (mobile, chart)
        # The charts' smallest text (REPORT_FONT pt, in px at the drawn scale) stays readable.
        assert REPORT_FONT * 4 / 3 * chart["width"] / chart["natural"] >= 12, (width, chart)
        clip = {k: chart[k] for k in ("x", "y", "width", "height")}
        assert not _blank(await page.screenshot(clip)), (mobile, chart["alt"][:40])
    return facts


async def test_the_report_in_headless_chromium(store: Store, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    url = (await _report(store, tmp_path)).as_uri()
    async with chromium(CHROMIUM, tmp_path / "profile") as page:
        for width, height, mobile in ((390, 844, True), (1280, 900, False)):
            await page.open(url, width, height, mobile)
            assert page.errors() == [], (width, page.errors())
            facts = await _check(page, width, mobile)
        assert "<script>console.error('injected')</script>" in " ".join(facts["gaps"])
        assert "#data to #eng" in facts["charts"][1]["alt"]
        # The same harness sees an error when there is one: it is not blind.
        control = tmp_path / "control.html"
        control.write_text("<!doctype html><script>console.error('seen')</script>", "utf-8")
        await page.open(control.as_uri(), 390, 844, True)
        assert page.errors() == ["seen"]


async def test_an_empty_report_loads_and_says_no_data(store: Store, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    path = tmp_path / "empty.html"
    path.write_text(render_html(await store.report_data(None, NOW, 7, 15), NOW), "utf-8")
    async with chromium(CHROMIUM, tmp_path / "profile") as page:
        await page.open(path.as_uri(), 390, 844, True)
        assert page.errors() == []
        facts = await _check(page, 390, True)
    assert all("no data" in chart["alt"].lower() for chart in facts["charts"])
