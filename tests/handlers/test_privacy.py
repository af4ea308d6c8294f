"""opt-out, opt-in, forget-me, and uninstall: exactly what should go, goes."""

from __future__ import annotations

import time

from slack_sdk.web.async_client import AsyncWebClient
from sqlite_utils import Database

from bot.models import BotPost
from jobs.housekeeping import run_housekeeping
from tests.support.bot import Env
from tests.support.digests import digest_in, item_ids, send_now
from tests.support.rawdb import raw


async def test_help_and_unknown_subcommands(env: Env) -> None:
    for text in ("", "help"):
        ack = await env.slack.slash_command("U1", "C1", "/serendip", text)
        for listed in ("forget-me", "/ask", "/find", "routing on|off", "/serendip flags"):
            assert listed in str(ack.body)
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "explode now")
    assert "don't know" in str(ack.body)
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "routing sideways")
    assert "Usage" in str(ack.body)
    assert "routing is *on*" in str(ack.body)
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "routing off")
    assert await env.store.routing(env.team, "U1") is False
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "routing on")
    assert await env.store.routing(env.team, "U1") is True
    ack = await env.slack.slash_command("U1", "C1", "/serendip", "channel capture sideways")
    assert "Usage" in str(ack.body)


async def test_optout_then_optin(env: Env) -> None:
    await env.slack.slash_command("U1", "C1", "/serendip", "optout")
    await env.slack.post_message("U1", "C1", "<https://a.com/>")
    assert await env.items() == []
    await env.slack.slash_command("U1", "C1", "/serendip", "optin")
    await env.slack.post_message("U1", "C1", "<https://b.com/>")
    assert [i["url"] for i in await env.items()] == ["https://b.com/"]


async def _bot_post_crediting(env: Env, user: str) -> str:
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    posted = await client.chat_postMessage(channel="C2", text=f"great find by <@{user}>")
    await env.store.record_bot_post(BotPost(env.team, "C2", posted["ts"], user, "card"))
    return str(posted["ts"])


async def _confirm_forget(env: Env, user: str = "U1") -> None:
    """Press forget-me's confirmation button."""
    await env.slack.block_action(
        user,
        action_id="forget_me_confirm",
        value="confirm",
        channel="C1",
        container_type="ephemeral",
    )


async def test_forget_me_asks_then_deletes_exactly_their_data(env: Env) -> None:
    slack = env.slack
    mine = await slack.post_message("U1", "C1", "<https://mine.com/>")
    await slack.post_message("U1", "C1", "<https://both.com/>")
    theirs = await slack.post_message("U2", "C1", "<https://both.com/> too")
    await slack.add_reaction("U1", "C1", theirs["ts"], "+1")  # U1 shares both.com: no vote
    other = await slack.post_message("U2", "C1", "<https://other.com/>")
    await slack.add_reaction("U1", "C1", other["ts"], "star")
    await slack.add_reaction("U3", "C1", mine["ts"], "+1")
    post_ts = await _bot_post_crediting(env, "U1")
    keep_ts = await _bot_post_crediting(env, "U2")
    await env.settle()
    ack = await slack.slash_command("U1", "C1", "/serendip", "forget-me")
    assert "cannot be undone" in str(ack.body)
    assert len(await env.items()) == 3
    await _confirm_forget(env)
    items = {i["url"]: i for i in await env.items()}
    assert set(items) == {"https://both.com/", "https://other.com/"}
    assert [s["user"] for s in items["https://both.com/"]["shares"]] == ["U2"]
    assert items["https://other.com/"]["votes"] == []
    await env.settle()
    deletes = [c.args.get("ts") for c in slack.calls_of("chat.delete")]
    assert deletes == [post_ts]
    assert keep_ts not in deletes
    assert await env.store.opted_out(env.team, "U1")
    await slack.post_message("U1", "C1", "<https://after.com/>")
    assert "https://after.com/" not in {i["url"] for i in await env.items()}
    assert any("Done" in str(r.get("text")) for r in slack.responses)


async def test_forget_me_cancel_deletes_nothing(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "<https://mine.com/>")
    await env.slack.slash_command("U1", "C1", "/serendip", "forget-me")
    await env.slack.block_action(
        "U1", action_id="forget_me_cancel", value="cancel", channel="C1", container_type="ephemeral"
    )
    assert len(await env.items()) == 1
    assert not await env.store.opted_out(env.team, "U1")


async def test_uninstall_deletes_workspace_after_grace_unless_back(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "<https://a.com/>")
    await env.settle()
    await env.slack.uninstall()
    await env.settle()
    now = time.time()
    kept = await run_housekeeping(env.store, env.config, now + 6 * 86400)
    assert kept.workspaces_purged == []
    assert len(await env.items()) == 1
    gone = await run_housekeeping(env.store, env.config, now + 8 * 86400)
    assert gone.workspaces_purged == [env.team]
    assert await env.items() == []


async def test_events_after_uninstall_cancel_deletion(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "<https://a.com/>")
    await env.settle()
    await env.slack.uninstall()
    await env.slack.reinstall()
    await env.slack.post_message("U2", "C1", "<https://b.com/>")
    await env.settle()
    result = await run_housekeeping(env.store, env.config, time.time() + 30 * 86400)
    assert result.workspaces_purged == []
    assert len(await env.items()) == 2


async def test_optout_keeps_what_was_stored_even_when_edited(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "<https://before.com/>")
    await env.slack.slash_command("U1", "C1", "/serendip", "optout")
    await env.slack.edit_message("C1", msg["ts"], "<https://before.com/> and <https://new.com/>")
    assert [i["url"] for i in await env.items()] == ["https://before.com/"]


async def test_a_post_that_could_not_be_deleted_is_kept_to_retry(env: Env) -> None:
    from bot.forgetting import forget

    post_ts = await _bot_post_crediting(env, "U1")
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    env.slack.fail_next("chat.delete", "internal_error", status=500)
    _, deleted, _ = await forget(env.store, client, env.team, "U1")
    assert deleted == 0
    assert any(m["ts"] == post_ts for m in env.slack.messages("C2"))
    _, deleted, _ = await forget(env.store, client, env.team, "U1")  # forgetting again retries
    assert deleted == 1
    assert all(m["ts"] != post_ts for m in env.slack.messages("C2"))


async def test_forget_me_updates_everyones_digests_and_deletes_only_their_own_posts(
    env: Env,
) -> None:
    slack = env.slack
    await slack.slash_command("U1", "C1", "/til", "a lesson learned the hard way")
    await slack.post_message("U1", "C1", "mine <https://ana.example/a>")
    await slack.post_message("U2", "C1", "theirs <https://bo.example/b>")
    await slack.post_message("U3", "C1", "also <https://cy.example/c>")
    await slack.post_message("U2", "C2", "random <https://bo.example/r>")
    await env.settle()
    card = next(m for m in slack.messages("C1") if "a lesson learned" in str(m.get("blocks")))
    await send_now(env)
    digests = {where: digest_in(env, where) for where in ("C1", "U2", "U3")}
    for where, message in digests.items():
        assert "shared by ana" in str(message["blocks"]), where
        assert "bo.example" in str(message["blocks"]) or where == "U2", where
    before = {where: item_ids(m) for where, m in digests.items()}
    ana_items = {i["id"] for i in await env.items() if i["shares"][0]["user"] == "U1"}
    survivors = {
        (where, str(m["ts"]))
        for where in ("C1", "C2", "U1", "U2", "U3")
        for m in slack.messages(where)
        if m.get("bot_id") and m["ts"] != card["ts"]
    }
    await _confirm_forget(env)
    await env.settle()
    assert [c.args.get("ts") for c in slack.calls_of("chat.delete")] == [card["ts"]]
    assert {c.args.get("ts") for c in slack.calls_of("chat.update")} == {
        str(m["ts"]) for m in digests.values()
    }
    for where, message in digests.items():
        now = digest_in(env, where)
        assert now["ts"] == message["ts"]  # the same post, updated
        assert "shared by ana" not in str(now), where
        assert "ana.example" not in str(now), where
        assert "a lesson learned" not in str(now), where
        assert item_ids(now) == [i for i in before[where] if i not in ana_items], where
        assert item_ids(now), where
    assert "bo.example" in str(digest_in(env, "C1")["blocks"])
    left = {(w, str(m["ts"])) for w in ("C1", "C2", "U1", "U2", "U3") for m in slack.messages(w)}
    assert survivors <= left
    assert not any("a lesson learned" in str(m) for m in slack.messages("C1"))
    assert any("name out of 3 digest(s)" in str(r) for r in slack.responses)


def _line(message: dict[str, object], url: str) -> str:
    """The text of the digest section that links `url`."""
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    [text] = [
        b["text"]["text"] for b in blocks if b["type"] == "section" and url in str(b.get("text"))
    ]
    return str(text)


async def _digest_with_ana_and_her_votes(env: Env) -> dict[str, object]:
    """#general's digest shows ana's item, bo's (ana's and cy's votes) and cy's (bo's vote);
    ana then votes for cy's item too, after the digest was posted."""
    slack = env.slack
    ana = await slack.post_message("U1", "C1", "mine <https://ana.example/a>")
    bo = await slack.post_message("U2", "C1", "theirs <https://bo.example/b>")
    cy = await slack.post_message("U3", "C1", "also <https://cy.example/c>")
    await slack.add_reaction("U3", "C1", ana["ts"], "+1")
    for voter in ("U1", "U3"):
        await slack.add_reaction(voter, "C1", bo["ts"], "+1")
    await slack.add_reaction("U2", "C1", cy["ts"], "+1")
    await env.settle()
    await send_now(env)
    sent = digest_in(env, "C1")
    assert "ana.example" in str(sent["blocks"])
    assert ":+1: 2" in _line(sent, "bo.example")
    assert ":+1: 1" in _line(sent, "cy.example")
    await slack.add_reaction("U1", "C1", cy["ts"], "+1")  # after the digest: never in its count
    await env.settle()
    return sent


async def test_forget_me_takes_their_votes_out_of_the_counts_digests_show(env: Env) -> None:
    sent = await _digest_with_ana_and_her_votes(env)
    await _confirm_forget(env)
    await env.settle()
    now = digest_in(env, "C1")
    assert now["ts"] == sent["ts"]
    assert "ana.example" not in str(now["blocks"])
    assert ":+1: 1" in _line(now, "bo.example")  # U3's vote; U1's is gone
    assert "useful to 1 person" in _line(now, "bo.example")
    assert _line(now, "cy.example") == _line(sent, "cy.example")  # as it was sent


async def test_a_digest_update_retried_still_counts_without_them(env: Env) -> None:
    from bot.forgetting import forget

    sent = await _digest_with_ana_and_her_votes(env)
    client = AsyncWebClient(token=env.slack.bot_token, base_url=env.slack.api_url)
    env.slack.fail_next("chat.update", "internal_error", status=500, times=10)
    _, _, updated = await forget(env.store, client, env.team, "U1")
    assert updated == 0
    assert digest_in(env, "C1") == sent
    env.slack.api.faults.clear()
    _, _, updated = await forget(env.store, client, env.team, "U1")  # the votes are gone by now
    assert updated >= 1
    now = digest_in(env, "C1")
    assert "ana.example" not in str(now["blocks"])
    assert ":+1: 1" in _line(now, "bo.example")
    assert _line(now, "cy.example") == _line(sent, "cy.example")


def _as_before_views_were_kept(db: Database) -> None:
    """Digests sent before migration 7 kept no copy of what they showed."""
    db.execute("DELETE FROM digest_views")


async def test_a_digest_that_kept_no_copy_is_read_back_and_updated(env: Env) -> None:
    sent = await _digest_with_ana_and_her_votes(env)
    raw(env.store, _as_before_views_were_kept)
    await _confirm_forget(env)
    await env.settle()
    assert env.slack.calls_of("conversations.history")
    assert sent["ts"] not in {c.args.get("ts") for c in env.slack.calls_of("chat.delete")}
    now = digest_in(env, "C1")
    assert now["ts"] == sent["ts"]
    assert "ana.example" not in str(now)  # neither in the blocks nor in the text
    assert item_ids(now) == [i for i in item_ids(sent) if i in item_ids(now)]
    assert len(item_ids(now)) == len(item_ids(sent)) - 1
    assert ":+1: 1" in _line(now, "bo.example")  # U3's vote; U1's is gone
    assert "useful to 1 person" in _line(now, "bo.example")
    assert _line(now, "cy.example") == _line(sent, "cy.example")
    assert "bo.example" in str(now["text"])


async def test_a_digest_that_kept_no_copy_and_cannot_be_read_is_deleted(env: Env) -> None:
    sent = await _digest_with_ana_and_her_votes(env)
    raw(env.store, _as_before_views_were_kept)
    env.slack.fail_next("conversations.history", "missing_scope", status=200, times=10)
    await _confirm_forget(env)
    await env.settle()
    assert all(m["ts"] != sent["ts"] for m in env.slack.messages("C1"))
