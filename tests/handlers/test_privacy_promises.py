"""Each privacy promise of the README, kept through the real bot and the local Slack's real
shapes: a secret planted through the shape the promise is about shows in no output
(tests/support/privacy.py: digests and the bot's direct messages, `/find`, Home, the export in
JSON and CSV, `serendip stats`, the HTML report, the pulse, and the database itself), while a
control word shared normally in the same test shows where it should, so each test can fail."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from jobs.housekeeping import run_housekeeping
from tests.support.bot import Env
from tests.support.find import find
from tests.support.privacy import Outputs, gather, make_active, running_grid_bot

CONTROL = "zebracontrol"
CONTROL_MSG = f"{CONTROL} notes <https://{CONTROL}.example/guide>"
COLLEAGUES = ["U2", "U3"]


def planted(word: str) -> str:
    """A message carrying a secret word and a link named after it."""
    return f"{word} plans <https://{word}.example/doc>"


async def share_control(env: Env, voter: str = "U1") -> str:
    """U2 shares the control word in #general, with one useful vote (Home's top items need
    one); its message's ts."""
    posted = await env.slack.post_message("U2", "C1", CONTROL_MSG)
    await env.slack.add_reaction(voter, "C1", posted["ts"], "+1")
    return str(posted["ts"])


async def fourth_person(env: Env) -> None:
    """U4, in #general: a voter who is neither the sharer, the viewer nor the one tested."""
    env.slack.add_user("U4", name="di", real_name="Di Eze")
    await env.slack.user_joins("U4", "C1")


def control_shown(outputs: Outputs) -> None:
    """The control share is in #general's digest, a colleague's digest, Home, search, export."""
    outputs.assert_in(
        CONTROL,
        "digest C1",
        "digest U3",
        "home U3",
        f"find U3 {CONTROL}",
        "export json",
        "export csv",
        "database",
    )


def only_in(outputs: Outputs, word: str, allowed: set[str], required: set[str]) -> None:
    """A word kept private: it shows in the required outputs and in no other than allowed."""
    outputs.assert_in(word, *sorted(required))
    assert set(outputs.having(word)) <= allowed | required, outputs.having(word)


async def test_nda_messages_show_nowhere(env: Env) -> None:
    await make_active(env, "U3")
    await share_control(env)
    nda = await env.slack.post_message("U1", "C1", "!nda " + planted("okapisecret"))
    await env.slack.add_reaction("U2", "C1", nda["ts"], "bookmark")  # nor kept for U2 alone
    saved = await env.slack.post_message("U1", "C1", "gerbilsaved thoughts, no link")
    await env.slack.add_reaction("U2", "C1", saved["ts"], "bookmark")  # kept for U2 alone
    edited = await env.slack.post_message("U1", "C1", planted("tapirsecret"))
    await env.slack.add_reaction("U3", "C1", edited["ts"], "+1")
    await env.slack.edit_message("C1", edited["ts"], planted("tapirsecret") + " !nda")
    searches = [("U3", CONTROL), ("U3", "okapisecret"), ("U2", "okapisecret")]
    searches += [("U2", "tapirsecret"), ("U2", "gerbilsaved"), ("U3", "gerbilsaved")]
    outputs = await gather(env, COLLEAGUES, searches)
    control_shown(outputs)
    only_in(outputs, "gerbilsaved", set(), {"home U2", "find U2 gerbilsaved", "database"})
    outputs.assert_nowhere("okapisecret", "tapirsecret")
    assert outputs.figure("items_shared") == 1
    assert outputs.figure("votes") == 1


async def test_private_channels_only_with_consent_and_only_inside(env: Env) -> None:
    # Slack's private channels since 2021: a `C` id, is_private; commands say privategroup.
    env.slack.add_channel("CPRIV1", name="hush", is_private=True, members=["U1", "U2"])
    await make_active(env, "U2", "U3")
    await share_control(env)
    before = await env.slack.post_message("U1", "CPRIV1", planted("lynxsecret"))
    for emoji in ("+1", "bookmark"):
        await env.slack.add_reaction("U2", "CPRIV1", before["ts"], emoji)
    # `/til` is an explicit act, recorded even before consent, but it stays in the channel.
    await env.slack.slash_command("U1", "CPRIV1", "/til", planted("ferretinside"))
    ack = await env.slack.slash_command("U1", "CPRIV1", "/serendip", "channel capture on")
    assert ack.status == 200
    after = await env.slack.post_message("U1", "CPRIV1", planted("ibexinside"))
    await env.slack.add_reaction("U2", "CPRIV1", after["ts"], "+1")
    # Another private channel with consent, where U3 is: neither sees the other's items.
    env.slack.add_channel("CPRIV5", name="other", is_private=True, members=["U2", "U3"])
    await env.slack.slash_command("U3", "CPRIV5", "/serendip", "channel capture on")
    elsewhere = await env.slack.post_message("U3", "CPRIV5", planted("alpacaother"))
    await env.slack.add_reaction("U2", "CPRIV5", elsewhere["ts"], "+1")
    searches = [(user, word) for user in COLLEAGUES for word in ("ibexinside", "ferretinside")]
    searches += [
        ("U3", CONTROL),
        ("U2", "lynxsecret"),
        ("U1", "alpacaother"),
        ("U3", "alpacaother"),
    ]
    outputs = await gather(env, ["U1", "U2", "U3"], searches)
    control_shown(outputs)
    outputs.assert_nowhere("lynxsecret")
    # After consent: the channel's own digest, its members' search, the admin's export.
    for word in ("ibexinside", "ferretinside"):
        required = {"digest CPRIV1", f"find U2 {word}", "export json", "export csv", "database"}
        only_in(outputs, word, {"home U1", "home U2"}, required)
    # U2's vote there is a flow from #general, which the pulse's chart names together.
    assert "private channels" in outputs.texts["pulse"]
    only_in(outputs, "hush", {"home U1", "home U2", "digest CPRIV1"}, {"database"})
    required = {"digest CPRIV5", "find U3 alpacaother", "export json", "database"}
    only_in(outputs, "alpacaother", {"home U2", "home U3", "export csv"}, required)
    assert outputs.figure("items_shared") == 4  # control, ibexinside, the learning, alpaca


async def test_direct_messages_and_group_dms_are_never_read(env: Env) -> None:
    await make_active(env, "U1", "U2", "U3")
    await share_control(env)
    ack = await env.slack.slash_command(
        "U1", env.slack.dm_channel("U1"), "/serendip", "channel capture on"
    )
    assert "never read" in str(ack.body)
    await env.slack.dm_bot("U1", planted("marmotdm"))
    await env.settle()
    answers = [m for m in env.slack.messages("U1") if m.get("bot_id")]
    assert answers, "the direct message never reached the bot (it answers with help)"
    group = env.slack.ws.mpim_with(["U1", "U2"]).id
    ack = await env.slack.slash_command("U1", group, "/serendip", "channel capture on")
    assert "never read" in str(ack.body)
    said = await env.slack.post_message("U1", group, planted("quokkagroup"))
    await env.slack.add_reaction("U2", group, said["ts"], "+1")
    await env.slack.add_reaction("U2", group, said["ts"], "bookmark")
    await env.slack.message_shortcut("U2", group, said["ts"], "save_to_serendip")
    # An explicit `/til` in a direct message is a personal note: its author's alone.
    await env.slack.slash_command("U1", env.slack.dm_channel("U1"), "/til", planted("wombatnote"))
    searches = [("U3", CONTROL), ("U1", "wombatnote"), ("U2", "wombatnote")]
    searches += [(user, word) for user in ("U1", "U2") for word in ("marmotdm", "quokkagroup")]
    outputs = await gather(env, ["U1", "U2", "U3"], searches)
    control_shown(outputs)
    outputs.assert_nowhere("marmotdm", "quokkagroup")
    required = {"find U1 wombatnote", "home U1", "export json", "export csv", "database"}
    only_in(outputs, "wombatnote", set(), required)
    assert outputs.figure("items_shared") == 1


@pytest.fixture(params=["http", "socket"])
async def grid(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """The team in an Enterprise Grid org, with a Slack Connect outsider (X1) in its channels."""
    mode = str(request.param)
    async with running_grid_bot(tmp_path / "bot.db", mode, "E0GRID") as running:
        yield running


async def test_slack_connect_outsiders_count_nowhere_grid_colleagues_do(grid: Env) -> None:
    env = grid
    await make_active(env, "U3")
    control = await share_control(env)
    # #general holds X1: Slack delivers it as shared, X1's envelope with X1's organisation.
    await env.slack.post_message("X1", "C1", planted("narwhaloutside"))
    for emoji in ("+1", "triangular_flag_on_post", "bookmark"):
        await env.slack.add_reaction("X1", "C1", control, emoji)
    # A file share says its team only in files[].user_team.
    await env.slack.send_event(
        {
            "type": "message",
            "subtype": "file_share",
            "text": planted("belugafile"),
            "files": [{"id": "F0OUT", "user": "X1", "user_team": "TOTHER", "name": "a.pdf"}],
            "upload": True,
            "user": "X1",
            "display_as_bot": False,
            "ts": "1780000000.000100",
            "channel": "C1",
            "event_ts": "1780000000.000100",
            "channel_type": "channel",
        }
    )
    colleague = await env.slack.post_message("W2", "CORG", planted("orcagrid"))
    await env.slack.add_reaction("X1", "CORG", colleague["ts"], "+1")
    await env.slack.add_reaction("W1", "CORG", colleague["ts"], "+1")
    delivered = [d.payload for d in env.slack.deliveries if d.type == "events_api"]
    assert {"TOTHER", env.team} <= {d["team_id"] for d in delivered}
    searches = [("U3", CONTROL), ("U3", "orcagrid"), ("U3", "narwhaloutside"), ("U3", "belugafile")]
    outputs = await gather(env, ["U2", "U3"], searches)
    control_shown(outputs)
    outputs.assert_in("orcagrid", "digest CORG", "find U3 orcagrid", "export json", "database")
    outputs.assert_nowhere("narwhaloutside", "belugafile")
    assert outputs.figure("votes") == 2  # U1 on the control, W1 on W2's share; never X1
    assert "X1" not in outputs.texts["stats json"] + outputs.texts["export json"]
    assert not [name for name in outputs.texts if "X1" in name]  # no digest for X1
    assert await env.store.flags(env.team) == []


async def test_an_opted_out_person_is_captured_nowhere(env: Env) -> None:
    await make_active(env, "U1", "U3")
    await share_control(env)  # U1's vote, given before opting out, stays
    await env.slack.slash_command("U1", "C1", "/serendip", "optout")
    await env.slack.post_message("U1", "C1", planted("pandaoptout"))
    await env.slack.post_message("U1", "C1", "TIL " + planted("slothoptout"))
    # Home tells them "Serendip records nothing from you", and /ask refuses them: /til too.
    ack = await env.slack.slash_command("U1", "C1", "/til", planted("civetoptout"))
    assert "opted out" in str(ack.body)
    other = await env.slack.post_message("U3", "C1", planted("yakcontrol"))
    for emoji in ("+1", "triangular_flag_on_post", "bookmark"):
        await env.slack.add_reaction("U1", "C1", other["ts"], emoji)
    searches = [("U3", CONTROL), ("U2", "yakcontrol"), ("U3", "pandaoptout"), ("U1", "slothoptout")]
    searches.append(("U3", "civetoptout"))
    outputs = await gather(env, ["U1", "U2", "U3"], searches)
    control_shown(outputs)
    outputs.assert_in("yakcontrol", "digest C1", "find U2 yakcontrol", "export json")
    outputs.assert_nowhere("pandaoptout", "slothoptout", "civetoptout")
    assert "digest U1" not in outputs.texts  # opting out stops their digests
    assert outputs.figure("votes") == 1
    assert outputs.figure("items_shared") == 2
    assert await env.store.flags(env.team) == []


async def test_forget_me_leaves_nothing_of_them_in_any_output(env: Env) -> None:
    await fourth_person(env)
    await make_active(env, "U1", "U3")
    control = await share_control(env, voter="U4")
    await env.slack.add_reaction("U1", "C1", control, "+1")
    mine = await env.slack.post_message("U1", "C1", planted("koalaforget"))
    await env.slack.add_reaction("U3", "C1", mine["ts"], "+1")
    await env.slack.slash_command("U1", "C1", "/til", planted("wallabyforget"))
    await env.slack.dm_bot("U1", "hello")
    # Their personal note, and a message of U2's kept for them alone with a bookmark.
    await env.slack.slash_command("U1", env.slack.dm_channel("U1"), "/til", planted("numbatnote"))
    kept = await env.slack.post_message("U2", "C2", "jerboamark thoughts, no link")
    await env.slack.add_reaction("U1", "C2", kept["ts"], "bookmark")
    # Before: their shares show, so the look afterwards could see them.
    seen = await gather(env, ["U2", "U3"], [("U3", "koalaforget"), ("U2", "wallabyforget")])
    seen.assert_in("koalaforget", "digest C1", "find U3 koalaforget", "export json", "database")
    seen.assert_in("wallabyforget", "digest U3", "find U2 wallabyforget", "export csv")
    seen.assert_in("U1", "stats json")
    seen.assert_in("numbatnote", "export json", "database")
    seen.assert_in("jerboamark", "database")
    await env.slack.slash_command("U1", "C1", "/serendip", "forget-me")
    await env.slack.block_action(
        "U1", "forget_me_confirm", "confirm", channel="C1", container_type="ephemeral"
    )
    await env.settle()
    searches = [("U3", CONTROL), ("U3", "koalaforget"), ("U2", "wallabyforget")]
    outputs = await gather(env, ["U2", "U3"], searches)
    control_shown(outputs)
    outputs.assert_nowhere("koalaforget", "wallabyforget", "numbatnote", "jerboamark")
    outputs.assert_nowhere("shared by ana", "Ana Lima", "<@U1>")
    for name in ("export json", "stats json", "report html", "pulse"):
        assert '"U1"' not in outputs.texts[name], name
    assert outputs.figure("votes") == 1  # their vote on the control went with them


async def test_an_uninstalled_workspace_is_deleted_after_the_grace_and_stays_gone(
    env: Env,
) -> None:
    secret = await env.slack.post_message("U1", "C1", planted("dingouninstall"))
    await env.slack.add_reaction("U2", "C1", secret["ts"], "+1")
    await env.slack.slash_command("U1", "C1", "/til", planted("emuuninstall"))
    await env.settle()
    await env.slack.uninstall()
    await env.settle()
    now = time.time()
    await run_housekeeping(env.store, env.config, now + 6 * 86400)
    kept = await gather(env, [], [], slack=False)  # no token: only what reads the database
    kept.assert_in("dingouninstall", "export json", "export csv", "database")
    assert kept.figure("items_shared") == 2  # the link, and the learning carrying its link
    await run_housekeeping(env.store, env.config, now + 8 * 86400)
    gone = await gather(env, [], [], slack=False)
    gone.assert_nowhere("dingouninstall", "emuuninstall", "Ana Lima", env.team)
    assert gone.figure("items_shared") == 0
    # Installed again later: what was deleted never comes back, in any output.
    await env.slack.reinstall()
    await make_active(env, "U3")
    await share_control(env)
    searches = [("U3", CONTROL), ("U3", "dingouninstall"), ("U2", "emuuninstall")]
    outputs = await gather(env, ["U1", "U2", "U3"], searches)
    control_shown(outputs)
    outputs.assert_nowhere("dingouninstall", "emuuninstall")
    assert outputs.figure("items_shared") == 1


PRIVATE_FACE = ("ibexface", "ibextitle", "ibexsite", "ibextopic")


async def _private_share_of_the_control(env: Env) -> Outputs:
    """The control's link shared first in a private `C` channel with consent (its text, a
    hashtag and Slack's unfurl carrying private words), then publicly in #general."""
    env.slack.add_channel("CPRIV2", name="board", is_private=True, members=["U1", "U2"])
    await env.slack.slash_command("U1", "CPRIV2", "/serendip", "channel capture on")
    url = f"https://{CONTROL}.example/guide"
    inside = await env.slack.post_message("U1", "CPRIV2", f"ibexface layoffs #ibextopic <{url}>")
    unfurl = {"from_url": url, "title": "ibextitle reorg", "service_name": "ibexsite"}
    await env.slack.unfurl("CPRIV2", inside["ts"], attachments=[unfurl])
    await env.slack.add_reaction("U2", "CPRIV2", inside["ts"], "+1")
    await make_active(env, "U2", "U3")
    await fourth_person(env)
    await share_control(env, voter="U4")  # U1 shared it too: their vote would not count
    searches = [("U3", CONTROL), ("U2", "ibexface")]
    searches += [("U3", word) for word in PRIVATE_FACE]
    return await gather(env, ["U1", "U2", "U3"], searches)


async def test_a_private_share_never_shapes_a_public_items_face(env: Env) -> None:
    outputs = await _private_share_of_the_control(env)
    control_shown(outputs)
    inside = {"digest CPRIV2", "find U2 ibexface", "home U1", "home U2", "database"}
    # The export lists every share (README); what it shows as the item's face is below.
    for word in PRIVATE_FACE:
        only_in(outputs, word, inside | {"export json", "export csv"}, set())
    outputs.assert_in("ibexface", "export json", "database")  # captured, with consent


async def test_the_export_shows_a_public_item_with_its_public_face(env: Env) -> None:
    outputs = await _private_share_of_the_control(env)
    export = json.loads(outputs.texts["export json"])
    [item] = export["items"]
    assert item["private"] is False
    face = {k: v for k, v in item.items() if k not in ("shares", "votes")}
    assert "ibex" not in json.dumps(face), face
    assert "ibex" not in outputs.texts["export csv"]
    assert "CPRIV2" not in outputs.texts["export csv"]


async def test_searches_in_private_places_are_no_public_gaps(env: Env) -> None:
    env.slack.add_channel("CPRIV3", name="quiet", is_private=True, members=["U1", "U2"])
    await share_control(env)
    for _ in range(2):  # the pulse shows only gaps searched at least twice
        await find(env, "U3", "gapcontrol", channel="C1")
        await find(env, "U2", "lynxgap", channel="CPRIV3")
        await find(env, "U1", "marmotgap", channel=env.slack.dm_channel("U1"))
    outputs = await gather(env, ["U2"], [])
    outputs.assert_in("gapcontrol", "stats json", "stats table", "report html", "pulse")
    for word in ("lynxgap", "marmotgap"):  # how a fix keeps them inside is its own choice
        assert set(outputs.having(word)) <= {"database"}, outputs.having(word)


async def test_a_question_in_a_private_channel_stays_inside(env: Env) -> None:
    env.slack.add_channel("CPRIV4", name="cabal", is_private=True, members=["U1", "U2"])
    # U2 and U3 both know about kafkatopic: each is an expert /ask could choose.
    for user in ("U2", "U3"):
        await env.slack.post_message(user, "C1", f"kafkatopic tips <https://k{user}.example/>")
    await make_active(env, "U3")
    await share_control(env)
    # Three words: the kafkatopic tips match one, under half, so it is posted at once.
    ack = await env.slack.slash_command(
        "U1", "CPRIV4", "/ask", "kafkatopic capybarasecret storms how?"
    )
    assert ack.status == 200
    await env.settle()
    card = [m for m in env.slack.messages("CPRIV4") if "capybarasecret" in str(m)]
    assert card, "the question was not posted in its channel"
    searches = [("U3", CONTROL), ("U3", "capybarasecret"), ("U3", "kafkatopic")]
    outputs = await gather(env, ["U2", "U3"], searches)
    control_shown(outputs)
    # Its members: U2, an expert, is asked and sees it in Home; U3, an expert outside, never.
    only_in(outputs, "capybarasecret", {"digest CPRIV4"}, {"dm U2", "home U2", "database"})


async def test_an_anonymous_asker_shows_in_no_output(env: Env) -> None:
    await make_active(env, "U3")
    await share_control(env, voter="U3")
    ack = await env.slack.slash_command("U1", "C1", "/ask", "--anon who knows gnuanonq storms?")
    assert ack.status == 200
    await env.settle()
    [card] = [m for m in env.slack.messages("C1") if "gnuanonq" in str(m.get("blocks"))]
    reply = "gnuanonq storms come from slow consumers"
    await env.slack.post_message("U2", "C1", reply, thread_ts=card["ts"])
    await env.settle()
    chooser = env.slack.messages(env.slack.dm_channel("U1"))[-1]
    [button] = [b["accessory"] for b in chooser["blocks"] if "accessory" in b]
    dm = env.slack.dm_channel("U1")
    await env.slack.block_action(
        "U1", "ask_choose_best", button["value"], channel=dm, message_ts=chooser["ts"]
    )
    outputs = await gather(env, ["U2", "U3"], [("U3", "gnuanonq"), ("U2", CONTROL)])
    outputs.assert_in("gnuanonq", "find U3 gnuanonq", "export json", "export csv", "digest C1")
    assert outputs.figure("questions") == 1
    for name, text in outputs.texts.items():
        if name != "database":
            for asker in ("Ana Lima", "<@U1>", '"U1"', "by ana", "ana asked"):
                assert asker not in text, (name, asker)
