"""The search modal opened from Home: results are shown inside the modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.store import Hit, Store
from handlers.blocks.home import ShownItem
from handlers.blocks.modals import FIND_ACTION, FIND_BLOCK, build_find_results
from handlers.features.lookup import people_names, private_channels_of

RESULTS = 10


def _query(view: dict[str, Any]) -> str:
    """The text typed into the modal's one input."""
    values = (view.get("state") or {}).get("values") or {}
    typed = (values.get(FIND_BLOCK) or {}).get(FIND_ACTION) or {}
    return str(typed.get("value") or "").strip()[:200]


async def handle_find_submission(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    store: Store,
    client: AsyncWebClient,
    context: dict[str, Any],
) -> None:
    """Search, and answer by updating the modal with the results (or saying there are none)."""
    team_id, user_id, text = str(context["team_id"]), str(body["user"]["id"]), _query(view)
    if not any(c.isalnum() for c in text):
        await ack(
            response_action="errors", errors={FIND_BLOCK: "Type a word or two to search for."}
        )
        return
    # Public items, and those of the private channels the person shares with the bot (one
    # users.conversations call), as /find shows them.
    private = await private_channels_of(client, user_id)
    # Finding nothing here records no knowledge gap: Home is no public channel, and only
    # searches made in public channels reach the workspace's figures (see /find).
    hits = (await store.search(team_id, text, private))[:RESULTS]
    # Names come from the store (people are refreshed daily); Slack is asked only for someone
    # new, which keeps this within Slack's 3 seconds.
    names = await people_names(store, client, team_id, (h.user for h in hits))
    shown = [_shown(hit, names) for hit in hits]
    await ack(response_action="update", view=build_find_results(text, shown))


def _shown(hit: Hit, names: dict[str, str]) -> ShownItem:
    sharer = names.get(hit.user, hit.user) if hit.user else None
    text = hit.text if hit.answer is None else f"{hit.text or ''} Answer: {hit.answer}"
    return ShownItem(hit.item_id, hit.kind, hit.url, hit.title, text, hit.votes, sharer=sharer)
