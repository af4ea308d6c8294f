"""A person's App Home: gathered from the store, kept to what they may see, and published.

Home is the one place that shows items and questions from private channels outside them, so
nothing from a private channel is shown unless the person shares that channel with the bot
(users.conversations, asked once per Home).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config
from bot.routing import card_permalink
from bot.slacktext import readable
from bot.store import HomeItem, MyItem, Question, Store
from handlers.blocks.admin import build_admin_section
from handlers.blocks.common import Block
from handlers.blocks.home import (
    HomeData,
    Settings,
    ShownItem,
    ShownLess,
    ShownQuestion,
    ShownSaved,
    build_home,
)
from handlers.blocks.welcome import build_network
from handlers.features.lookup import is_admin, people_names, private_channels_of

log = logging.getLogger(__name__)
MINE, TOP, QUESTIONS, SAVED = 10, 5, 5, 10
WEEK = 7 * 86400
# Open questions read to find five the person may answer (their own and hidden ones skipped).
QUESTIONS_READ = 40


class Membership:
    """Which private channels one person shares with the bot: one users.conversations call,
    made the first time a private channel needs checking."""

    def __init__(self, client: AsyncWebClient, user_id: str) -> None:
        self.client, self.user_id = client, user_id
        self._channels: set[str] | None = None

    async def sees(self, channel: str | None) -> bool:
        """Whether the person is a member of `channel` (never of no channel)."""
        if not channel:
            return False
        if self._channels is None:
            self._channels = set(await private_channels_of(self.client, self.user_id))
        return channel in self._channels


async def publish_home(
    client: AsyncWebClient,
    store: Store,
    team_id: str,
    user_id: str,
    notice: str | None = None,
    lead: Sequence[Block] = (),
    config: Config | None = None,
) -> bool:
    """Build a person's Home from what is stored now and publish it, `lead` (the welcome)
    first, and for the workspace's admins its settings (`config`, those in force); False if
    Slack refused."""
    data = await gather_home(client, store, team_id, user_id, notice)
    data = replace(data, lead=lead, admin=await _admin(client, store, config, team_id, user_id))
    try:
        await client.views_publish(user_id=user_id, view=build_home(data))
    except SlackApiError as exc:
        log.warning("views.publish for %s failed: %s", user_id, exc.response.get("error"))
        return False
    return True


async def _admin(
    client: AsyncWebClient, store: Store, config: Config | None, team_id: str, user_id: str
) -> list[Block]:
    """The "Admin settings" section when the person is an admin of the workspace, else none."""
    if config is None or not await is_admin(config, client, user_id):
        return []
    return build_admin_section(config, set(await store.team_settings(team_id)))


async def gather_home(
    client: AsyncWebClient, store: Store, team_id: str, user_id: str, notice: str | None
) -> HomeData:
    """Everything a person's Home shows, private channels' entries kept to their members."""
    members = Membership(client, user_id)
    settings = Settings(
        await store.digest_cadence(team_id, user_id),
        await store.routing(team_id, user_id),
        await store.opted_out(team_id, user_id),
    )
    mine = await _mine(store, members, team_id, user_id)
    week_ago = time.time() - WEEK
    top = [_shown(item, item.votes) for item in await store.top_items(team_id, week_ago, TOP)]
    questions = await _questions(client, store, members, team_id, user_id)
    counts = await store.person_counts(team_id, user_id)
    less = await _less_liked(client, store, team_id, user_id)
    saved = await _saved(client, store, team_id, user_id)
    network = await _network(client, store, team_id, user_id)
    return HomeData(
        settings, counts, mine, top, questions, notice, less=less, saved=saved, network=network
    )


async def _network(client: AsyncWebClient, store: Store, team_id: str, user_id: str) -> list[Block]:
    """ "Your learning network", named: whose shares they found useful, and who found theirs."""
    found_useful, found_yours = await store.learning_network(team_id, user_id)
    ids = [uid for uid, _ in [*found_useful, *found_yours]]
    names = await people_names(store, client, team_id, ids) if ids else {}

    def named(people: list[tuple[str, int]]) -> list[tuple[str, int]]:
        return [(names.get(uid, "a colleague"), n) for uid, n in people]

    return build_network(named(found_useful), named(found_yours))


async def less_label(
    store: Store, client: AsyncWebClient, team_id: str, kind: str, value: str
) -> str:
    """What one "Less like this" lowers, as people read it: a site, or a colleague's name."""
    if kind != "sharer":
        return value
    return (await people_names(store, client, team_id, [value])).get(value, "a colleague")


async def _less_liked(
    client: AsyncWebClient, store: Store, team_id: str, user_id: str
) -> list[ShownLess]:
    """What the person asked to see less of, newest first, each named."""
    return [
        ShownLess(kind, value, await less_label(store, client, team_id, kind, value))
        for kind, value in await store.less_liked(team_id, user_id)
    ]


async def _saved(
    client: AsyncWebClient, store: Store, team_id: str, user_id: str
) -> list[ShownSaved]:
    """Their bookmarks (theirs alone), newest first."""
    marks = await store.bookmarks(team_id, user_id, limit=SAVED)
    names = await people_names(store, client, team_id, (m.author for m in marks if m.author))
    return [
        ShownSaved(readable(m.text), names.get(m.author) if m.author else None, m.link)
        for m in marks
    ]


def _shown(
    item: HomeItem, votes: int, note: str = "", deletable: bool = False, shareable: bool = False
) -> ShownItem:
    return ShownItem(
        item.item_id,
        item.kind,
        item.url,
        item.title,
        item.text,
        votes,
        note,
        deletable,
        shareable=shareable,
    )


async def _mine(store: Store, members: Membership, team_id: str, user_id: str) -> list[ShownItem]:
    """Their items they may still see (a private one: while in its channel), newest first."""
    shown = []
    for mine in await store.my_items(team_id, user_id, MINE * 2):
        # A private share with no channel is a personal note (a DM /til): its author's own.
        note_of_theirs = mine.private and not mine.channel and mine.shared
        if mine.private and not note_of_theirs and not await members.sees(mine.channel):
            continue
        votes = await _visible_votes(mine, members)
        note = "you shared this" if mine.shared else "you saved this"
        if note_of_theirs:
            note = "your personal note: only you see it"
        shown.append(_shown(mine.item, votes, note, mine.deletable, note_of_theirs))
    return shown[:MINE]


async def _visible_votes(mine: MyItem, members: Membership) -> int:
    """Voters the person may know of: public votes, and votes in their private channels."""
    return len(
        {voter for voter, channel in mine.voters if not channel or await members.sees(channel)}
    )


async def _questions(
    client: AsyncWebClient, store: Store, members: Membership, team_id: str, user_id: str
) -> list[ShownQuestion]:
    """Open questions of others that the person may see, with the asker's name unless anon."""
    found: list[Question] = []
    for question in await store.open_questions(team_id, QUESTIONS_READ):
        if question.asker == user_id or not question.channel or not question.ts:
            continue
        if question.is_private and not await members.sees(question.channel):
            continue
        found.append(question)
        if len(found) == QUESTIONS:
            break
    names = await people_names(store, client, team_id, (q.asker for q in found if not q.anon))
    return [
        ShownQuestion(
            q.text,
            None if q.anon else names.get(q.asker, q.asker),
            q.permalink or await card_permalink(client, q),
        )
        for q in found
    ]
