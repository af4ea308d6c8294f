"""Each capture and exclusion rule, over HTTP and over Socket Mode."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env


def urls(items: list[dict[str, Any]]) -> list[Any]:
    return sorted(str(i["url"]) for i in items if i["kind"] == "link")


async def test_link_in_public_channel_is_captured(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "read <https://Example.com/a?utm_source=x|this>")
    [item] = await env.items()
    assert item["url"] == "https://example.com/a"
    assert item["kind"] == "link"
    assert item["shares"] == [{"user": "U1", "channel": "C1", "ts": msg["ts"], "text": "read this"}]
    assert item["private"] is False
    assert item["votes"] == []


async def test_two_shares_of_one_url_are_one_item(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "<https://a.com/x#top>")
    await env.slack.post_message("U2", "C2", "<https://A.com/x?utm_medium=y>")
    [item] = await env.items()
    assert [s["user"] for s in item["shares"]] == ["U1", "U2"]


async def test_unfurl_attachment_gives_title(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "<https://a.com/post>")
    await env.slack.unfurl(
        "C1",
        msg["ts"],
        attachments=[
            {
                "from_url": "https://a.com/post",
                "original_url": "https://a.com/post",
                "title": "A post",
                "text": "About things",
                "service_name": "A",
            }
        ],
    )
    [item] = await env.items()
    assert (item["title"], item["site_name"]) == ("A post", "A")


async def test_link_only_in_attachment(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "look", attachments=[{"from_url": "https://b.com/"}])
    assert urls(await env.items()) == ["https://b.com/"]


async def test_never_captured(env: Env) -> None:
    slack = env.slack
    await slack.post_message("U1", "C1", "!nda draft <https://nda.com/>")
    await slack.post_message("X1", "C1", "from outside <https://vendor.com/>")
    await slack.post_message("U1", "G1", "private <https://private.com/>")
    await slack.dm_bot("U1", "dm <https://dm.com/>")
    await slack.slash_command("U2", "C2", "/serendip", "optout")
    await slack.post_message("U2", "C2", "opted out <https://optout.com/>")
    await slack.send_event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B9",
            "text": "<https://bot.com/>",
            "channel": "C1",
            "ts": "1700000000.1",
            "channel_type": "channel",
        }
    )
    await slack.send_event(
        {
            "type": "message",
            "bot_id": "B8",
            "user": "UB8",
            "text": "<https://modernbot.com/>",
            "channel": "C1",
            "ts": "1700000000.2",
            "channel_type": "channel",
        }
    )
    assert await env.items() == []


async def test_dm_gets_help_text(env: Env) -> None:
    await env.slack.dm_bot("U1", "hello?")
    await env.settle()
    posts = env.slack.calls_of("chat.postMessage")
    assert len(posts) == 1
    assert "/serendip" in str(posts[0].args.get("text"))
    assert str(posts[0].args["channel"]).startswith("D")


async def test_slackbot_notice_in_the_dm_gets_nothing(env: Env) -> None:
    notice = await env.slack.slackbot_dm("U1", "<@U2> archived the channel <#C2|random>")
    assert notice["user"] == "USLACKBOT"
    assert "client_msg_id" not in notice
    await env.settle()
    assert env.slack.calls_of("chat.postMessage") == []  # no help text answering Slackbot
    await env.slack.dm_bot("U1", "and me?")  # the person's own message still gets help
    await env.settle()
    assert len(env.slack.calls_of("chat.postMessage")) == 1
    assert await env.items() == []


async def test_capture_off_and_private_capture_on(env: Env) -> None:
    slack = env.slack
    ack = await slack.slash_command("U1", "C2", "/serendip", "channel capture off")
    assert "off" in str(ack.body)
    await slack.post_message("U1", "C2", "<https://off.com/>")
    ack = await slack.slash_command("U2", "G1", "/serendip", "channel capture on")
    assert "on" in str(ack.body)
    await slack.post_message("U1", "G1", "TIL secret things <https://inside.com/>")
    [item] = await env.items()  # a learning with a link is one item, carrying the link
    assert (item["kind"], item["url"], item["private"]) == ("learning", "https://inside.com/", True)


async def test_capture_setting_needs_member_or_admin(env: Env) -> None:
    ack = await env.slack.slash_command("U3", "G1", "/serendip", "channel capture on")
    assert "on" in str(ack.body)  # U3 is an admin, though not a member
    env.slack.add_user("U4", name="dee")
    ack = await env.slack.slash_command("U4", "C2", "/serendip", "channel capture off")
    assert "Only members" in str(ack.body)
    await env.slack.post_message("U1", "C2", "<https://stillon.com/>")
    assert urls(await env.items()) == ["https://stillon.com/"]


async def test_every_form_of_learning(env: Env) -> None:
    slack = env.slack
    texts = [
        "TIL tea is old",
        "*til*: bold",
        "learned it #til",
        "note #learned",
        "see <#CTIL|til>",
        "see <#CTIL|>",
        "til",
    ]
    for text in texts:
        await slack.post_message("U1", "C1", text)
    await slack.post_message("U1", "C1", "TILapia is a fish; see <#C2|random> until later")
    items = await env.items()
    assert [i["kind"] for i in items] == ["learning"] * len(texts)


async def test_learning_with_links_is_one_item_carrying_its_first_link(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "TIL <https://a.com/> and <https://b.com/>")
    [item] = await env.items()
    assert (item["kind"], item["url"]) == ("learning", "https://a.com/")


async def test_til_command_in_channel_private_channel_and_dm(env: Env) -> None:
    slack = env.slack
    ack = await slack.slash_command("U1", "C1", "/til", "indexes matter <https://db.com/>")
    assert "Saved" in str(ack.body)
    await slack.slash_command("U2", "G1", "/til", "private lesson")
    dm = slack.dm_channel("U1")
    await slack.slash_command("U1", dm, "/til", "from a DM")
    empty = await slack.slash_command("U1", "C1", "/til", "   ")
    assert "Usage" in str(empty.body)
    learnings = {i["text"]: i for i in await env.items() if i["kind"] == "learning"}
    assert learnings["indexes matter https://db.com/"]["shares"][0]["channel"] == "C1"
    assert learnings["private lesson"]["private"] is True
    assert learnings["from a DM"]["shares"][0]["channel"] is None
    assert learnings["from a DM"]["private"] is True  # a personal note until shared
    assert "https://db.com/" not in urls(await env.items())  # the learning carries it


async def test_thread_reply_remembers_parent(env: Env) -> None:
    parent = await env.slack.post_message("U1", "C1", "question?")
    await env.slack.post_message("U2", "C1", "try <https://docs.com/>", thread_ts=parent["ts"])
    [item] = await env.items()
    await env.settle()
    shares = await env.store.shares_at(env.team, "C1", item["shares"][0]["ts"])
    assert shares[0]["thread_ts"] == parent["ts"]


async def test_edit_updates_and_delete_removes(env: Env) -> None:
    slack = env.slack
    msg = await slack.post_message("U1", "C1", "<https://a.com/>")
    await slack.edit_message("C1", msg["ts"], "<https://b.com/> instead")
    items = await env.items()
    assert urls(items) == ["https://b.com/"]
    assert items[0]["text"] == "https://b.com/ instead"
    await slack.edit_message("C1", msg["ts"], "<https://b.com/> !nda")
    assert await env.items() == []
    other = await slack.post_message("U1", "C1", "<https://c.com/>")
    await slack.delete_message("C1", other["ts"])
    assert await env.items() == []


async def test_deleted_thread_parent_tombstone_removes_it(env: Env) -> None:
    parent = await env.slack.post_message("U1", "C1", "TIL parent <https://p.com/>")
    await env.slack.post_message("U2", "C1", "reply <https://r.com/>", thread_ts=parent["ts"])
    await env.slack.delete_message("C1", parent["ts"])
    assert urls(await env.items()) == ["https://r.com/"]


async def test_votes_skin_tones_exclusions_and_flags(env: Env) -> None:
    slack = env.slack
    msg = await slack.post_message("U1", "C1", "<https://a.com/>")
    await slack.add_reaction("U2", "C1", msg["ts"], "+1::skin-tone-3")
    await slack.add_reaction("U2", "C1", msg["ts"], "bulb")
    await slack.add_reaction("U1", "C1", msg["ts"], "star")  # the sharer
    await slack.add_reaction("U3", "C1", msg["ts"], "tada")  # not a useful emoji
    await slack.add_reaction("U3", "C1", msg["ts"], "triangular_flag_on_post")
    [item] = await env.items()
    assert item["votes"] == ["U2"]
    await slack.remove_reaction("U2", "C1", msg["ts"], "+1::skin-tone-3")
    assert (await env.items())[0]["votes"] == ["U2"]  # bulb remains
    await slack.remove_reaction("U2", "C1", msg["ts"], "bulb")
    assert (await env.items())[0]["votes"] == []
    await env.settle()
    assert [f["flagger"] for f in await env.store.flags(env.team)] == ["U3"]


async def test_bookmark_keeps_a_message_privately_and_never_makes_a_learning(env: Env) -> None:
    slack = env.slack
    plain = await slack.post_message("U1", "C1", "a wise remark")
    parent = await slack.post_message("U1", "C1", "thread start")
    reply = await slack.post_message("U2", "C1", "wise reply", thread_ts=parent["ts"])
    await slack.add_reaction("U2", "C1", plain["ts"], "bookmark")
    await slack.add_reaction("U1", "C1", reply["ts"], "bookmark")
    assert await env.items() == []  # nothing published
    [mine] = await env.store.bookmarks(env.team, "U2")
    assert (mine.text, mine.author) == ("a wise remark", "U1")
    assert mine.link  # its permalink
    [theirs] = await env.store.bookmarks(env.team, "U1")
    assert theirs.text == "wise reply"
    methods = {c.method for c in slack.calls}
    assert {"conversations.history", "conversations.replies"} <= methods
    await slack.remove_reaction("U2", "C1", plain["ts"], "bookmark")
    await env.settle()
    assert await env.store.bookmarks(env.team, "U2") == []


async def test_bookmark_is_a_vote_on_what_the_message_shared(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "read <https://kept.example/>")
    await env.slack.add_reaction("U2", "C1", msg["ts"], "bookmark")
    [item] = await env.items()
    assert item["kind"] == "link"  # no learning beside it
    assert item["votes"] == ["U2"]
    assert len(await env.store.bookmarks(env.team, "U2")) == 1


async def test_bookmark_respects_exclusions(env: Env) -> None:
    nda = await env.slack.post_message("U1", "C1", "secret !nda")
    await env.slack.add_reaction("U2", "C1", nda["ts"], "bookmark")
    assert await env.items() == []
    assert await env.store.bookmarks(env.team, "U2") == []


async def test_save_shortcut_on_your_own_message_saves_it_at_once(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "good point about caching")
    ack = await env.slack.message_shortcut("U1", "C1", msg["ts"], "save_to_serendip")
    assert ack.status == 200
    [item] = await env.items()
    assert item["kind"] == "learning"
    assert item["shares"][0]["user"] == "U1"
    await env.settle()
    assert any("Saved" in str(r.get("text")) for r in env.slack.responses)
    assert not env.slack.calls_of("chat.postMessage")  # nobody to ask


async def test_flag_shortcut_is_private(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "<https://dubious.com/>")
    await env.slack.message_shortcut("U2", "C1", msg["ts"], "flag_for_review")
    await env.settle()
    flags = await env.store.flags(env.team)
    assert [(f["flagger"], f["via"]) for f in flags] == [("U2", "shortcut")]
    assert not env.slack.calls_of("chat.postMessage")  # nobody else is told


async def test_message_and_app_mention_are_one_share(env: Env) -> None:
    await env.slack.post_message("U1", "C1", f"<@{env.slack.bot_user_id}> see <https://m.com/>")
    [item] = await env.items()
    assert len(item["shares"]) == 1
    assert {d.payload["event"]["type"] for d in env.slack.deliveries if d.type == "events_api"} >= {
        "message",
        "app_mention",
    }


async def test_group_dm_never_captured_even_if_asked(env: Env) -> None:
    mpim = env.slack.ws.mpim_with(["U1", "U2"]).id
    ack = await env.slack.slash_command("U1", mpim, "/serendip", "channel capture on")
    assert "direct messages are never read" in str(ack.body)
    msg = await env.slack.post_message("U1", mpim, "my salary is <https://pay.example/x>")
    await env.slack.add_reaction("U2", mpim, msg["ts"], "bookmark")
    await env.slack.message_shortcut("U2", mpim, msg["ts"], "save_to_serendip")
    assert await env.items() == []
    assert (await env.store.counts())["reactions"] == 0


async def test_private_share_never_shapes_the_public_face(env: Env) -> None:
    slack = env.slack
    await slack.slash_command("U1", "G1", "/serendip", "channel capture on")
    secret = await slack.post_message("U1", "G1", "layoffs planned <https://doc.example/falcon>")
    await slack.unfurl(
        "G1",
        secret["ts"],
        attachments=[
            {"from_url": "https://doc.example/falcon", "title": "Project Falcon: reorg plan"}
        ],
    )
    [private_item] = await env.items()
    assert private_item["private"] is True
    assert private_item["title"] == "Project Falcon: reorg plan"
    await slack.post_message("U2", "C1", "public doc <https://doc.example/falcon>")
    [item] = await env.items()
    assert item["private"] is False
    assert item["title"] is None
    assert await env.store.search(env.team, "layoffs") == []
    assert await env.store.search(env.team, "reorg") == []
    assert len(await env.store.search(env.team, "public")) == 1
    assert item["text"] == "public doc https://doc.example/falcon"  # its face, as everywhere
    # The admin's export still lists the private share, marked private.
    assert [(s["text"], s.get("private")) for s in item["shares"]] == [
        ("layoffs planned https://doc.example/falcon", True),
        ("public doc https://doc.example/falcon", None),
    ]


async def test_nda_added_later_removes_even_after_optout(env: Env) -> None:
    msg = await env.slack.post_message("U1", "C1", "draft <https://leak.example/doc>")
    await env.slack.slash_command("U1", "C1", "/serendip", "optout")
    await env.slack.edit_message("C1", msg["ts"], "draft <https://leak.example/doc> !nda")
    assert await env.items() == []


async def test_bookmark_on_excluded_message_keeps_nothing(env: Env) -> None:
    msg = await env.slack.post_message("U1", "G1", "private chatter")
    await env.slack.add_reaction("U2", "G1", msg["ts"], "bookmark")
    assert await env.items() == []
    assert (await env.store.counts())["reactions"] == 0
