"""Headless Chromium driven over the DevTools protocol (a websocket on 127.0.0.1), for tests.

Chromium starts with a fresh profile and the flags that keep it off the network; the page's
console errors, uncaught exceptions and browser log errors (a blocked resource, a CSP
violation) are collected while it loads.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.environment import child_env

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)
LISTENING = re.compile(r"DevTools listening on (ws://127\.0\.0\.1:\d+/\S+)")
START_TIMEOUT = 30.0
CALL_TIMEOUT = 20.0


def find_chromium() -> str | None:
    """The Chromium executable, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One tab: send DevTools commands, read its events."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._next = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._loaded = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            future = self._waiting.pop(data.get("id", -1), None)
            if future is not None:
                future.set_result(data)
                continue
            self.events.append(data)
            if data.get("method") == "Page.loadEventFired":
                self._loaded.set()

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (an error answer raises)."""
        self._next += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = future
        await self.ws.send_json({"id": self._next, "method": method, "params": params})
        answer = await asyncio.wait_for(future, CALL_TIMEOUT)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer["result"]
        return result

    async def open(self, url: str, width: int, height: int, mobile: bool) -> None:
        """Load a page in a window of this size, and wait for its load event."""
        self.events.clear()
        self._loaded.clear()
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        await self.call("Page.navigate", url=url)
        await asyncio.wait_for(self._loaded.wait(), CALL_TIMEOUT)
        await asyncio.sleep(0.2)  # late console messages and log entries

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors since the last open()."""
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.consoleAPICalled" and params["type"] in (
                "error",
                "assert",
            ):
                found.append(" ".join(str(a.get("value", a)) for a in params["args"]))
            elif event.get("method") == "Runtime.exceptionThrown":
                found.append(str(params["exceptionDetails"].get("text")))
            elif event.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(str(params["entry"].get("text")))
        return found

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def screenshot(self, clip: dict[str, float]) -> bytes:
        """A PNG of one area of the page (document coordinates)."""
        shot = await self.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={**clip, "scale": 1},
        )
        return base64.b64decode(shot["data"])


@asynccontextmanager
async def chromium(executable: str, profile: Path) -> AsyncIterator[Page]:
    """Start Chromium (fresh profile, off the network) and hand out its first tab."""
    proc = await asyncio.create_subprocess_exec(
        executable,
        *FLAGS,
        f"--user-data-dir={profile}",
        "--remote-debugging-port=0",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=child_env(),
    )
    drain: asyncio.Task[None] | None = None
    try:
        browser_url = await asyncio.wait_for(_listening(proc), START_TIMEOUT)
        assert proc.stderr is not None
        drain = asyncio.create_task(_drain(proc.stderr))  # a full pipe would stall Chromium
        port = browser_url.split(":")[2].split("/")[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as answer:
                tabs = [t for t in await answer.json() if t.get("type") == "page"]
            async with http.ws_connect(tabs[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                for domain in ("Page", "Runtime", "Log"):
                    await page.call(f"{domain}.enable")
                yield page
    finally:
        if drain is not None:
            drain.cancel()
        if proc.returncode is None:
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def _listening(proc: asyncio.subprocess.Process) -> str:
    assert proc.stderr is not None
    while line := await proc.stderr.readline():
        match = LISTENING.search(line.decode(errors="replace"))
        if match:
            return match.group(1)
    raise RuntimeError(f"chromium exited ({await proc.wait()}) before DevTools listened")


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass
