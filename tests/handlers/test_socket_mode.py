"""Socket Mode specifics: reconnecting in the middle of a stream loses and doubles nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from localslack import LocalSlack
from tests.support.bot import bot_config, populate, start_bot


async def test_disconnect_mid_stream_no_loss_no_duplicates(tmp_path: Path) -> None:
    async with LocalSlack() as slack:
        populate(slack)
        config = bot_config(slack, tmp_path / "s.db", "socket")
        runner, store, _, inbox = await start_bot(slack, config, "socket")
        try:
            posts = [
                slack.post_message("U1", "C1", f"<https://s.example/{i}>", wait=False)
                for i in range(60)
            ]
            first = await asyncio.gather(*posts[:30])
            await slack.disconnect_sockets(reason="refresh_requested")
            rest = await asyncio.gather(*posts[30:])
            await slack.wait_idle(timeout=20)
            await inbox.drain()
            items = await store.export_items()
            assert len(first) + len(rest) == 60
            assert sorted(i["url"] for i in items) == sorted(
                f"https://s.example/{i}" for i in range(60)
            )
            assert all(len(i["shares"]) == 1 for i in items)
            assert all(d.acked for d in slack.deliveries)
            assert len(slack.calls_of("apps.connections.open")) >= 2
        finally:
            await runner.cleanup()
