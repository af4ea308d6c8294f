"""Forgetting a person: the store's deletion, then the bot's Slack posts that credit them."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Iterable
from dataclasses import replace
from typing import Any, Literal

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli.teams import choose_team
from bot.config import Config
from bot.models import ANSWER_BLOCK, ANSWERED_CARD, BotPost, ForgetResult
from bot.store import Store
from bot.workspace_clients import WorkspaceClients, make_pacers
from jobs.digest_blocks import (
    build_digest,
    view_from_json,
    view_to_json,
    with_fewer_votes,
    without_person,
)
from jobs.digest_readback import without_person_blocks

log = logging.getLogger(__name__)
USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


async def forget(
    store: Store, client: AsyncWebClient | None, team_id: str, user_id: str
) -> tuple[ForgetResult, int, int]:
    """Delete what is stored about a person, then (with a client) their own posts, and take
    them out of the digests that name them.

    Returns the store's result, how many of their posts are gone from Slack and how many
    digests were updated without them. A digest is everyone's: it is updated, not deleted,
    unless nothing is left in it once their items are out.
    """
    name = (await store.names_of(team_id, [user_id])).get(user_id)  # read before it goes
    result = await store.forget_person(team_id, user_id)
    deleted = updated = 0
    cast = result.votes_cast
    for post in result.posts if client is not None else []:
        if post.kind == "digest":
            outcome = (
                await _rerender(store, client, post, user_id, cast)  # type: ignore[arg-type]
                if post.view is not None
                else await _read_back(client, post, user_id, name, result)  # type: ignore[arg-type]
            )
            deleted += outcome == "deleted"
            updated += outcome == "updated"
            if outcome == "failed":
                # Still naming them: forgetting the person again retries it.
                await store.credit_digest(team_id, user_id, post.channel, post.ts)
        elif post.kind == ANSWERED_CARD:
            # The card is the asker's: only the block showing their answer goes. Not kept to
            # retry, as the card's own record (crediting the asker) shares its place.
            updated += await _without_answer(client, post)  # type: ignore[arg-type]
        elif await _delete(client, post):  # type: ignore[arg-type]
            deleted += 1
        else:
            # Kept as a post to delete: forgetting the person again retries it.
            await store.record_bot_post(post)
    # Last: the digests' kept views changed above, and their old words must go too.
    result = replace(result, erased=await store.erase_traces())
    return result, deleted, updated


async def _rerender(
    store: Store,
    client: AsyncWebClient,
    post: BotPost,
    user_id: str,
    votes_cast: Iterable[tuple[str, float, str | None]],
) -> Literal["updated", "deleted", "failed"]:
    """The same digest without the person's items, name and votes (chat.update); deleted only
    when nothing of it is left."""
    view = without_person(view_from_json(json.loads(post.view or "{}")), user_id)
    if view is None:
        if not await _delete(client, post):
            return "failed"
        await store.digest_view_changed(post.team_id, post.channel, post.ts, None)
        return "deleted"
    view = with_fewer_votes(view, _counted_votes(post, votes_cast))
    kept = json.dumps(view_to_json(view))
    message = build_digest(view)
    update = client.chat_update(
        channel=post.channel, ts=post.ts, text=message["text"], blocks=message["blocks"]
    )
    outcome = await _on_post(update, post, "update")
    if outcome == "gone":
        await store.digest_view_changed(post.team_id, post.channel, post.ts, None)
        return "deleted"  # already gone
    # Kept even when the update failed: the retry has no votes of theirs left to subtract.
    await store.digest_view_changed(post.team_id, post.channel, post.ts, kept)
    return "failed" if outcome == "failed" else "updated"


def _counted_votes(post: BotPost, votes_cast: Iterable[tuple[str, float, str | None]]) -> set[str]:
    """The items whose count in this digest included the person's vote: one given before it
    was posted, in public or in the private channel it was posted in (as jobs/compose counts).

    Subtracting these, rather than recounting from the store, keeps the digest as it was sent
    but for the person: others' votes since then were not in it and stay out of it."""
    sent = float(post.ts)
    return {
        item for item, at, private in votes_cast if at <= sent and private in (None, post.channel)
    }


async def _read_back(
    client: AsyncWebClient, post: BotPost, user_id: str, name: str | None, forgotten: ForgetResult
) -> Literal["updated", "deleted", "failed"]:
    """A digest that kept no copy of what it showed (sent before migration 7): read back from
    Slack and updated without the person's items; deleted, as before, when it cannot be read
    or safely cleared. A retry (after a failure) finds their items gone, and so deletes it."""
    message = await _posted(client, post)
    fewer = _counted_votes(post, forgotten.votes_cast)
    shared = forgotten.items_shared
    cleared = without_person_blocks(message, user_id, name, shared, fewer) if message else None
    if cleared is None:
        return "deleted" if await _delete(client, post) else "failed"
    update = client.chat_update(channel=post.channel, ts=post.ts, **cleared)
    outcome = await _on_post(update, post, "update")
    return "updated" if outcome == "done" else "deleted" if outcome == "gone" else "failed"


async def _without_answer(client: AsyncWebClient, post: BotPost) -> bool:
    """A question card updated without the block showing the person's best answer."""
    message = await _posted(client, post)
    blocks = (message or {}).get("blocks")
    if not isinstance(blocks, list):
        return False
    kept = [b for b in blocks if not (isinstance(b, dict) and b.get("block_id") == ANSWER_BLOCK)]
    if len(kept) == len(blocks):
        return False
    text = str((message or {}).get("text") or "Question")
    update = client.chat_update(channel=post.channel, ts=post.ts, text=text, blocks=kept)
    return await _on_post(update, post, "update") == "done"


async def _posted(client: AsyncWebClient, post: BotPost) -> dict[str, Any] | None:
    """A post of ours as Slack has it now (conversations.history at its ts), or None."""
    try:
        page = await client.conversations_history(
            channel=post.channel, latest=post.ts, oldest=post.ts, inclusive=True, limit=1
        )
    except SlackApiError as exc:
        log.info("could not read back %s/%s: %s", post.channel, post.ts, exc.response.get("error"))
        return None
    except (ClientError, TimeoutError) as exc:
        log.info("could not read back %s/%s: %r", post.channel, post.ts, exc)
        return None
    found = [
        m for m in page.get("messages") or [] if isinstance(m, dict) and m.get("ts") == post.ts
    ]
    return found[0] if found else None


async def _delete(client: AsyncWebClient, post: BotPost) -> bool:
    """Delete one post from Slack; True when it is gone (already gone is what we wanted)."""
    deletion = client.chat_delete(channel=post.channel, ts=post.ts)
    return await _on_post(deletion, post, "delete") != "failed"


async def _on_post(
    call: Awaitable[object], post: BotPost, what: str
) -> Literal["done", "gone", "failed"]:
    """One Slack call on a post of ours: done, gone (the post no longer exists), or failed
    (logged; the caller keeps the post to try again)."""
    try:
        await call
        return "done"
    except SlackApiError as exc:
        if exc.response.get("error") == "message_not_found":
            return "gone"
        why = str(exc.response.get("error"))
    except (ClientError, TimeoutError) as exc:
        why = str(exc) or type(exc).__name__
    log.warning("could not %s post %s/%s: %s", what, post.channel, post.ts, why)
    return "failed"


async def forget_from_cli(
    config: Config, db_path: str, user_id: str, team: str | None = None
) -> str:
    """`serendip forget USER_ID [--team T]`: in that workspace, or the database's only one;
    returns the report."""
    if not USER_ID.match(user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    store = Store(db_path).open()
    try:
        chosen = await choose_team(store, team)
        # Someone with nothing stored is still opted out, in every workspace we know.
        teams = [chosen] if chosen else await store.teams()
        if not teams:
            raise ValueError("no workspace in the database yet: run the bot first")
        # Their posts are deleted with the workspace's own token, where there is one.
        clients = WorkspaceClients(store, config, make_pacers(store, config))
        results, unreached = [], 0
        for one in teams:
            poster = await clients(one) if config.bot_token or config.oauth else None
            client = None if poster is None else poster.client
            results.append(await forget(store, client, one, user_id))
            unreached += len(results[-1][0].posts) if poster is None else 0
    finally:
        store.close()
    shares = sum(r.shares for r, _, _ in results)
    votes = sum(r.votes for r, _, _ in results)
    posts = sum(len(r.posts) for r, _, _ in results)
    deleted = sum(d for _, d, _ in results)
    updated = sum(u for _, _, u in results)
    line = f"forgot {user_id}: {shares} share(s), {votes} vote(s) deleted; opted out"
    if unreached:
        line += f"; {unreached} Slack post(s) naming them were left (no token to delete them)"
    else:
        line += (
            f"; {deleted} Slack post(s) deleted and {updated} digest(s) updated without them,"
            f" of {posts} naming them"
        )
    return line + _erasure(results)


def _erasure(results: list[tuple[ForgetResult, int, int]]) -> str:
    """The report's last line: whether what was deleted is gone from the database file."""
    if all(r.erased for r, _, _ in results):
        return "\ndone: their deleted data is erased from the database file and its WAL"
    return (
        "\nnot done yet: the database was busy, so old copies of their deleted data may remain"
        " in its WAL; run this command again to erase them"
    )
