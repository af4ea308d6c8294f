"""A current-format export built from Zulip's message shapes, with one case per capture rule."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.models import ChannelInfo
from bot.store import Store
from tests.support.exports import TEAM, channel, message, person, shape, write_export

PETER, ANA, BO, CY = "U06NU4E26M9", "U074VRHQ11T", "U061A5N1G", "U061A1R2R"
GENERAL, RANDOM, TIL, QUIET, SECRET_ON, SECRET_OFF = "CGEN", "CRND", "CTIL", "COFF", "GON", "GOFF"
EDITED = {"user": ANA, "ts": "1772300500.000000"}
JSON = dict[str, Any]


def people() -> list[JSON]:
    """Four colleagues, one who opted out, one forgotten, a bot and a Slack Connect guest."""
    return [
        person(PETER, "pieterceka123"),
        person(ANA, "ana"),
        person(BO, "bo"),
        person(CY, "cy"),
        person("UOPT", "optout"),
        person("UGONE", "gone"),
        person("UBOT", "helper", is_bot=True),
        person("UEXT", "vendor", team="TOTHER"),
    ]


def general() -> list[JSON]:
    """#general: unfurled links with votes and a flag, mentions, learnings, and what is never
    captured (!nda, bots, outsiders, opted-out and forgotten people, a join)."""
    links = shape("message_with_links.json")
    links["reactions"] = [
        {"name": "+1", "users": [ANA, PETER], "count": 2},  # the sharer's own does not count
        {"name": "+1::skin-tone-3", "users": [BO], "count": 1},
        {"name": "triangular_flag_on_post", "users": [CY], "count": 1},
        {"name": "heart", "users": ["UOPT"], "count": 1},
    ]
    mentions = shape("message_with_user_mentions.json")
    mentions["text"] += " <https://docs.example.com/guide|the guide>"
    return [
        links,
        mentions,
        *shape("thread_with_broadcast_reply.json"),
        message(ANA, "1772200000.000100", "*TIL* sqlite has window functions"),
        message(BO, "1772200001.000100", "learned today in <#CTIL|> about FTS5"),
        message(PETER, "1772200002.000100", "!nda roadmap <https://secret.example.com/>"),
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B1",
            "ts": "1772200003.000100",
            "text": "<https://bot.example.com/>",
        },
        message("UBOT", "1772200004.000100", "<https://helper.example.com/>", bot_id="B2"),
        message(
            "UEXT",
            "1772200005.000100",
            "<https://vendor.example.com/>",
            team="TOTHER",
            user_team="TOTHER",
        ),
        {
            "type": "message",
            "user": "UEXT",
            "ts": "1772200006.000100",
            "text": "<https://vendor2.example.com/>",
        },
        message("UOPT", "1772200007.000100", "<https://optout.example.com/>"),
        message("UGONE", "1772200008.000100", "<https://gone.example.com/>"),
        message(
            ANA,
            "1772200009.000100",
            "<@U074VRHQ11T> has joined the channel",
            subtype="channel_join",
        ),
        message(
            CY,
            "1772200010.000100",
            "Always pin your dependencies",
            reactions=[{"name": "bookmark", "users": [ANA, BO], "count": 2}],
        ),
        message(ANA, "1772200011.000100", "corrected <https://fixed.example.com/>", edited=EDITED),
        message(
            BO,
            "1772200012.000100",
            "slides <https://slides.example.com/deck>",
            subtype="file_share",
            upload=True,
            files=[{"id": "F1", "name": "deck.pdf"}],
        ),
    ]


def threads() -> list[JSON]:
    """#random: Zulip's thread shapes, the replies sharing links."""
    found: list[JSON] = shape("normal_thread.json")
    found[1]["text"] += " <https://thread.example.com/reply>"
    found[2]["text"] += " <https://thread.example.com/parent>"
    found[3]["text"] += " <https://thread.example.com/other>"
    return found


def build(folder: Path) -> Path:
    """The whole export, unpacked."""
    broadcast = next(m for m in general() if m.get("subtype") == "thread_broadcast")
    broadcast["text"] += " <https://broadcast.example.com/>"
    messages = [broadcast if m.get("subtype") == "thread_broadcast" else m for m in general()]
    return write_export(
        folder,
        people(),
        {
            "general": messages,
            "random": threads(),
            "quiet": [message(ANA, "1772200020.000100", "<https://quiet.example.com/>")],
            "secret-on": [
                message(ANA, "1772200021.000100", "TIL secrets <https://inside.example.com/>")
            ],
            "secret-off": [message(ANA, "1772200022.000100", "<https://hidden.example.com/>")],
            "DM1": [message(ANA, "1772200023.000100", "<https://dm.example.com/>")],
        },
        public=[
            channel(GENERAL, "general"),
            channel(RANDOM, "random"),
            channel(TIL, "til"),
            channel(QUIET, "quiet"),
        ],
        groups=[channel(SECRET_ON, "secret-on"), channel(SECRET_OFF, "secret-off")],
        dms=[{"id": "DM1", "created": 1555422321, "members": [ANA, BO]}],
    )


def prepare(db: Path) -> None:
    """The store before the import: an opt-out, a forgotten person, capture settings."""
    store = Store(db).open()

    async def fill() -> None:
        await store.set_opt_out(TEAM, "UOPT", True)
        await store.forget_person(TEAM, "UGONE")
        await store.save_channel(ChannelInfo(TEAM, SECRET_ON, "secret-on", is_private=True))
        await store.update_channel(TEAM, SECRET_ON, capture="on")
        await store.save_channel(ChannelInfo(TEAM, QUIET, "quiet"))
        await store.update_channel(TEAM, QUIET, capture="off")

    asyncio.run(fill())
    store.close()
