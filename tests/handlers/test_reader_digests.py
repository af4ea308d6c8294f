"""Personal digests for people who only read and react: who is active, and the opt-in mode."""

from __future__ import annotations

import time
from dataclasses import replace

from tests.support.bot import Env
from tests.support.digests import digest_in, send_now

DAY = 86400


async def _links_from_u2(env: Env) -> None:
    """Two links U2 shares in #general: something new for everyone else."""
    await env.slack.post_message("U2", "C1", "one <https://one.example/a>")
    await env.slack.post_message("U2", "C1", "two <https://two.example/b>")
    await env.settle()


async def _statuses(env: Env) -> dict[str, str]:
    return {r.recipient: r.status for r in await env.store.outbox_rows(None, env.team)}


def _intro(message: dict[str, object]) -> str:
    """The first line under the digest's title."""
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    assert blocks[1]["type"] == "context"
    return str(blocks[1]["elements"][0]["text"])


async def test_reactor_gets_a_digest_and_the_long_inactive_none(env: Env) -> None:
    await _links_from_u2(env)
    # U1 only reacted and replied this week (noted as activity; never shared nor voted);
    # U3 was last active 29 days ago.
    await env.store.note_person_activity(env.team, "U1", time.time() - 2 * DAY)
    await env.store.note_person_activity(env.team, "U3", time.time() - 29 * DAY)
    await send_now(env)
    rows = await _statuses(env)
    assert rows.get("U1") == "sent"
    assert "U3" not in rows
    intro = _intro(digest_in(env, "U1"))
    assert "because you were active" in intro
    assert "`/serendip digest off`" in intro


async def test_optin_mode_sends_only_to_those_who_asked(env: Env) -> None:
    await _links_from_u2(env)
    await env.store.note_person_activity(env.team, "U1", time.time())
    ack = await env.slack.slash_command("U3", "C1", "/serendip", "digest weekly")
    assert "once a week" in str(ack.body)
    await send_now(env, replace(env.config, personal_digests="optin"))
    rows = await _statuses(env)
    assert "U1" not in rows  # active, but did not ask
    assert rows.get("U3") == "sent"
    intro = _intro(digest_in(env, "U3"))
    assert "because you asked for it" in intro
    assert "stops it" in intro


async def test_turning_it_off_stops_it(env: Env) -> None:
    await _links_from_u2(env)
    await env.store.note_person_activity(env.team, "U1", time.time())
    await env.slack.slash_command("U1", "C1", "/serendip", "digest off")
    await send_now(env)
    assert "U1" not in await _statuses(env)


async def test_who_asked_gets_it_while_only_reading(env: Env) -> None:
    await _links_from_u2(env)
    # U3 chose a weekly digest (in Home, say) and has done nothing noted since, ever.
    await env.store.set_digest_cadence(env.team, "U3", "weekly")
    await send_now(env)
    assert (await _statuses(env)).get("U3") == "sent"
    assert "because you asked for it" in _intro(digest_in(env, "U3"))
