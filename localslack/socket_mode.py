"""Socket Mode: the /link/ WebSocket, envelopes, acks and redelivery."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from .types import JSON, Delivery

log = logging.getLogger(__name__)
SEND_ERRORS = (ConnectionError, RuntimeError, aiohttp.ClientError)


@dataclass(eq=False)
class _Socket:
    """One connected Socket Mode client."""

    ws: web.WebSocketResponse
    draining: bool = False

    @property
    def live(self) -> bool:
        """Tell whether new envelopes may go to this socket."""
        return not self.draining and not self.ws.closed


class SocketHub:
    """Every Socket Mode connection of the app, with the envelopes awaiting an ack."""

    def __init__(self, app_id: str) -> None:
        """Start with no connection."""
        self.app_id = app_id
        self._sockets: list[_Socket] = []
        self._tickets: set[str] = set()
        self._acks: dict[str, asyncio.Future[JSON | None]] = {}
        self._available = asyncio.Event()
        self._turn = 0
        self.connections_total = 0

    @property
    def connected(self) -> int:
        """How many live connections there are."""
        return sum(1 for s in self._sockets if s.live)

    def issue_ticket(self) -> str:
        """A single-use ticket for the WebSocket URL."""
        ticket = secrets.token_urlsafe(12)
        self._tickets.add(ticket)
        return ticket

    def _hello(self) -> str:
        """The hello message sent on connect."""
        return json.dumps(
            {
                "type": "hello",
                "num_connections": len(self._sockets) + 1,
                "debug_info": {
                    "host": "applink-local",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
        )

    def _update(self) -> None:
        """Keep the availability event in step with the live sockets."""
        if any(s.live for s in self._sockets):
            self._available.set()
        else:
            self._available.clear()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one WebSocket connection at /link/."""
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.json_response({"ok": False, "error": "invalid_ticket"}, status=401)
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True, timeout=1.0)
        await ws.prepare(request)
        await ws.send_str(self._hello())
        sock = _Socket(ws)
        self._sockets.append(sock)
        self.connections_total += 1
        self._update()
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    self._on_text(msg.data)
        finally:
            self._sockets.remove(sock)
            self._update()
        return ws

    def _on_text(self, data: str) -> None:
        """Resolve the ack carried by a client message; ignore anything else."""
        try:
            message = json.loads(data)
        except ValueError:
            log.warning("local slack: non-JSON socket message ignored")
            return
        if not isinstance(message, dict) or not isinstance(message.get("envelope_id"), str):
            return
        future = self._acks.get(message["envelope_id"])
        payload = message.get("payload")
        if future is not None and not future.done():
            future.set_result(payload if isinstance(payload, dict) else None)

    def _pick(self) -> _Socket | None:
        """The next live socket in turn, if any: Slack spreads an app's envelopes over its
        open connections (up to 10), so several processes share the work."""
        live = [s for s in self._sockets if s.live]
        if not live:
            return None
        self._turn += 1
        return live[self._turn % len(live)]

    # The deadline is part of the answer: False when no socket came in time.
    async def _send(self, text: str, timeout: float) -> bool:  # noqa: ASYNC109
        """Send to a live socket, waiting up to timeout for one; False if none came."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            sock = self._pick()
            if sock is None:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._available.wait(), remaining)
                continue
            try:
                await sock.ws.send_str(text)
                return True
            except SEND_ERRORS:
                sock.draining = True
                self._update()

    async def deliver(
        self, d: Delivery, accepts: bool, retries: int, ack_timeout: float, connect_timeout: float
    ) -> None:
        """Send an envelope and wait for its ack, redelivering on timeout."""
        envelope_id = str(uuid.uuid4())
        d.envelope_id = envelope_id
        future: asyncio.Future[JSON | None] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        try:
            for attempt in range(retries + 1):
                message = {
                    "envelope_id": envelope_id,
                    "payload": d.payload,
                    "type": d.type,
                    "accepts_response_payload": accepts,
                    "retry_attempt": attempt,
                    "retry_reason": "timeout" if attempt else "",
                }
                if not await self._send(json.dumps(message), connect_timeout):
                    d.statuses.append("no_socket")
                    return
                d.attempts += 1
                try:
                    d.ack_payload = await asyncio.wait_for(asyncio.shield(future), ack_timeout)
                except TimeoutError:
                    d.statuses.append("timeout")
                    continue
                d.acked = True
                d.statuses.append("acked")
                return
        finally:
            self._acks.pop(envelope_id, None)
            future.cancel()

    async def disconnect_all(self, reason: str) -> None:
        """Ask every connected client to reconnect; send nothing new to them."""
        message = json.dumps(
            {
                "type": "disconnect",
                "reason": reason,
                "num_connections": len(self._sockets),
                "debug_info": {"host": "applink-local"},
                "connection_info": {"app_id": self.app_id},
            }
        )
        for sock in list(self._sockets):
            sock.draining = True
            with contextlib.suppress(*SEND_ERRORS):
                await sock.ws.send_str(message)
        self._update()

    async def close_all(self) -> None:
        """Close every connection (server shutdown)."""
        for sock in list(self._sockets):
            sock.draining = True
            with contextlib.suppress(*SEND_ERRORS):
                await sock.ws.close(code=aiohttp.WSCloseCode.GOING_AWAY)
        self._update()

    # The deadline is part of the answer: the error says how many sockets came.
    async def wait_connected(self, count: int, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until at least count live connections exist."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.connected < count:
            if loop.time() > deadline:
                raise TimeoutError(f"{self.connected} socket(s) connected, wanted {count}")
            await asyncio.sleep(0.01)
