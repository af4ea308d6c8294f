"""`serendip run`: the store, the scheduler, the web server and, in Socket Mode, the socket."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.app import build_app
from bot.config import Config
from bot.fetch import AllowList, SafeFetcher, SystemResolver
from bot.guard import (
    ConnectionGuard,
    GuardedSite,
    QuietBadRequests,
    QuietLoopErrors,
    connection_cap,
)
from bot.inbox import InboxWorker
from bot.leader import Leader
from bot.server import add_oauth_routes, build_web_app
from bot.store import Store
from bot.workspace_clients import WorkspaceClients, make_pacers
from jobs.fetching import LinkFetchWorker
from jobs.scheduler import build_scheduler

log = logging.getLogger(__name__)
STORE = web.AppKey("store", Store)
INBOX = web.AppKey("inbox", InboxWorker)
GUARD = web.AppKey("guard", ConnectionGuard)


def build_server(
    config: Config, socket_mode: bool, scheduler: bool = True, migrate: bool = True
) -> web.Application:
    """The whole bot as an aiohttp application; `cleanup_ctx` starts and stops each part;
    without `migrate`, a database of an older schema stops the start."""
    store = Store(config.db_path, migrate=migrate)
    # One send rate per workspace for every kind of post, for the deployment when replicas
    # share PostgreSQL; the jobs post through each workspace's client and pacer.
    pacers = make_pacers(store, config)
    clients = WorkspaceClients(store, config, pacers)
    bolt_app = build_app(config, store, socket_mode=socket_mode, pacers=pacers)
    mode = "socket" if socket_mode else "http"
    cap = connection_cap(config.http_max_connections)
    guard = ConnectionGuard(cap, config.http_read_timeout, time.monotonic)
    web_app = build_web_app(
        store, mode, None if socket_mode else bolt_app, config.signing_secret, guard
    )
    add_oauth_routes(web_app, bolt_app)

    async def store_ctx(_: web.Application) -> AsyncIterator[None]:
        await asyncio.to_thread(store.open)
        yield
        await asyncio.to_thread(store.close)

    async def inbox_ctx(_: web.Application) -> AsyncIterator[None]:
        bolt_app.inbox.start()
        yield
        await bolt_app.inbox.stop()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10.0):
                await bolt_app.inbox.later.drain()  # let acknowledged work finish

    fetcher = SafeFetcher(AllowList.parse(config.fetch_allow), SystemResolver())
    fetch = fetcher.fetch if config.fetch_links else None

    def lead(epoch: int) -> Callable[[], Awaitable[None]]:
        """Start what only the leader runs: the scheduled jobs and the link fetcher."""
        jobs = build_scheduler(store, config, fetch, clients, epoch) if scheduler else None
        worker = LinkFetchWorker(store, fetcher.fetch) if config.fetch_links else None
        if jobs is not None:
            jobs.start()
        if worker is not None:
            worker.start()

        async def stop() -> None:
            if jobs is not None:
                jobs.shutdown(wait=False)
            if worker is not None:
                await worker.stop()

        return stop

    async def leader_ctx(_: web.Application) -> AsyncIterator[None]:
        # One replica leads (on SQLite: this process), so jobs run and links are fetched once
        # for the deployment, within one fetcher's politeness limits.
        leader = Leader(store, store.leader_lock(), lead, config.leader_poll)
        leader.start()
        yield
        await leader.stop()

    async def socket_ctx(_: web.Application) -> AsyncIterator[None]:
        assert config.app_token is not None
        handler = AsyncSocketModeHandler(bolt_app, config.app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack in Socket Mode")
        yield
        await handler.close_async()  # type: ignore[no-untyped-call]

    web_app.cleanup_ctx.append(store_ctx)
    web_app.cleanup_ctx.append(inbox_ctx)
    if scheduler or config.fetch_links:
        web_app.cleanup_ctx.append(leader_ctx)
    if socket_mode:
        web_app.cleanup_ctx.append(socket_ctx)
    web_app[STORE] = store
    web_app[INBOX] = bolt_app.inbox
    web_app[GUARD] = guard
    return web_app


async def serve(
    config: Config, socket_mode: bool, host: str, port: int, migrate: bool = True
) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly."""
    web_app = build_server(config, socket_mode, migrate=migrate)
    # An access-log line per Slack delivery costs more than storing the event: DEBUG only.
    access_log = logging.getLogger("aiohttp.access") if config.log_level == "DEBUG" else None
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(QuietLoopErrors(time.monotonic))
    quiet = QuietBadRequests(time.monotonic)
    logging.getLogger("aiohttp.server").addFilter(quiet)
    # aiohttp's keep-alive timer runs from the connection's start too: it bounds the headers.
    runner = web.AppRunner(
        web_app,
        handle_signals=False,
        access_log=access_log,
        keepalive_timeout=config.http_read_timeout,
    )
    await runner.setup()
    site = GuardedSite(runner, host, port, web_app[GUARD])
    await site.start()
    log.info("serving on %s:%s (%s mode)", host, port, "socket" if socket_mode else "http")
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        logging.getLogger("aiohttp.server").removeFilter(quiet)
