"""The "From the archive" item with the real bot (issue 15): one well-voted item 3-12 months
old on a topic the reader engages with, never twice, never flagged or dead."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.models import ItemDraft, ShareInput
from bot.urls import canonical_url
from tests.support.bot import Env
from tests.support.digests import digest_in, send_now

DAY = 86400


async def _old_share(env: Env, user: str, url: str, days: float, voters: tuple[str, ...]) -> str:
    """A link shared in #general `days` ago, tagged #kubernetes, with useful reactions."""
    ts = f"{time.time() - days * DAY:.6f}"
    draft = ItemDraft("link", canonical_url(url) or url, url=url, title=f"Guide at {url}")
    await env.store.save_message(
        ShareInput(env.team, "C1", ts, user, f"#kubernetes <{url}>", False), [draft]
    )
    for voter in voters:
        await env.store.set_reaction(env.team, "C1", ts, voter, "+1", "useful", True)
    return ts


def _archive_text(message: dict[str, object]) -> str:
    """What the digest shows after its "From the archive" heading, up to the next heading."""
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    texts = [str((b.get("text") or {}).get("text") or "") for b in blocks]
    heading = [i for i, t in enumerate(texts) if t == "*From the archive*"]
    if not heading:
        return ""
    rest = texts[heading[0] + 1 :]
    return "\n".join(t for t in rest[:1])


async def test_an_archive_item_once_and_never_a_flagged_or_dead_one(env: Env) -> None:
    old = await _old_share(env, "U2", "https://old.example/guide", 120, ("U3", "V1", "V2"))
    flagged = await _old_share(env, "U2", "https://flagged.example/", 100, ("U3", "V1", "V2", "V3"))
    await env.store.set_reaction(
        env.team, "C1", flagged, "V4", "triangular_flag_on_post", "flag", True
    )
    await _old_share(env, "U3", "https://dead.example/", 150, ("V1", "V2", "V3", "V4"))
    dead = next(i["id"] for i in await env.items() if "dead.example" in str(i["url"]))
    for day in range(3):
        await env.store.record_check(dead, "gone", time.time() - day * DAY)
    # U1 shares about kubernetes this week; U2 shares something new for U1.
    await env.slack.post_message("U1", "C2", "notes #kubernetes <https://mine.example/>")
    await env.slack.post_message("U2", "C1", "new <https://new.example/>")
    await env.settle()
    await send_now(env)
    first = digest_in(env, "U1")
    shown = _archive_text(first)
    assert "https://old.example/guide" in shown
    lisbon = ZoneInfo("Europe/Lisbon")
    then = datetime.fromtimestamp(float(old), lisbon)
    assert f"useful to 3 people, from {then:%B}" in shown  # and its year, across a new year
    assert "flagged.example" not in str(first["blocks"])
    assert "dead.example" not in str(first["blocks"])
    # U3 voted for it: theirs already, never "from the archive" for them.
    assert _has_digest(env, "U3")
    assert "old.example" not in str(digest_in(env, "U3")["blocks"])
    # Never twice: the same week's digest sent again (--force) has no archive item left.
    await env.slack.post_message("U2", "C1", "newer <https://newer.example/>")
    await env.settle()
    await send_now(env, force=True)
    second = digest_in(env, "U1")
    assert second["ts"] != first["ts"]
    assert _archive_text(second) == ""
    assert "old.example" not in str(second["blocks"])


def _has_digest(env: Env, user: str) -> bool:
    dm = env.slack.ws.dm_id(user)
    return dm is not None and any(
        (m.get("metadata") or {}).get("event_type") == "serendip_digest"
        for m in env.slack.messages(dm)
    )
