"""The end of `serendip demo`: the learning figures as a table, and the HTML report.

The report goes to a file outside the demo's temporary folder (which is removed at the end),
so the person can open it afterwards.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports this module: keep its start-up light
    from bot.config import Config
    from bot.store import Store

DEMO_REPORT = Path(tempfile.gettempdir()) / "serendip-demo-report.html"


async def show_report(store: Store, config: Config, path: Path) -> str:
    """Print the figures of the last 7 days and write the HTML report; returns a summary line."""
    # The report's modules bring matplotlib: imported only when the show gets here.
    from zoneinfo import ZoneInfo

    from bot.report.figures import render_table
    from bot.report.html import render_html, write_report

    now = time.time()
    data = await store.report_data(None, now, 7, config.minutes_saved, config.tz)
    print("\n" + render_table(data["stats"]))
    zone = ZoneInfo(config.tz)
    html = await asyncio.to_thread(render_html, data, now, "the demo workspace", zone)
    await asyncio.to_thread(write_report, path, html)
    return f"\nThe HTML learning report (figures and charts): {path}"
