"""The digests area of `Store`: settings, button actions, snapshots and the outbox."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.digest_models import DigestSnapshot
from bot.models import UserInfo
from bot.store.plumbing import Plumbing
from bot.store.results import Cadence, ClaimResult, LessKind, SentResult, VoteResult
from bot.store.sql import digests, fatigue, outbox
from bot.store.sql.outbox import OutboxRow
from bot.store.sql.snapshot import display_names, with_ties
from bot.store.sql.trust import all_networks


class DigestActions(Plumbing):
    """Domain actions for digests; mixed into `Store`, which provides the plumbing."""

    async def note_person_activity(self, team_id: str, user_id: str, at: float) -> None:
        """A person used a command or a button (they count as active for digests)."""
        await self._write(digests.note_activity, team_id, user_id, at)

    async def set_digest_cadence(self, team_id: str, user_id: str, cadence: Cadence) -> None:
        """A person's digest cadence, their own choice: weekly, daily, monthly or off."""
        await self._write(digests.set_cadence, team_id, user_id, cadence, self._clock())

    async def keep_weekly(self, team_id: str, user_id: str) -> bool:
        """ "Keep it weekly": weekly by choice, only for someone fatigue moved to monthly (and
        still so); True when it was done."""
        return await self._write(fatigue.keep_weekly, team_id, user_id, self._clock())

    async def digest_cadence(self, team_id: str, user_id: str) -> Cadence:
        """A person's digest cadence (weekly by default)."""
        return await self._read(digests.cadence, team_id, user_id)

    async def button_vote(
        self, team_id: str, item_id: str, voter: str, where: str, at: float
    ) -> VoteResult:
        """A "Useful" press: 'voted', 'again', 'own', 'gone' or 'optedout'."""
        return await self._write(digests.button_vote, team_id, item_id, voter, where, at)

    async def button_unvote(self, team_id: str, item_id: str, voter: str) -> bool:
        """A second "Useful" press: the button's vote taken back; False when there was none."""
        return await self._write(digests.button_unvote, team_id, item_id, voter)

    async def less_like_targets(self, team_id: str, item_id: str) -> tuple[str, str | None] | None:
        """(domain, first sharer) "Less like this" may lower for an item; None when gone."""
        return await self._read(digests.less_like_targets, team_id, item_id)

    async def less_like(
        self, team_id: str, user_id: str, item_id: str, kind: LessKind, at: float
    ) -> str | None:
        """ "Less like this" on the item's site or sharer: the value lowered, or None."""
        return await self._write(digests.less_like, team_id, user_id, item_id, kind, at)

    async def less_liked(self, team_id: str, user_id: str) -> list[tuple[str, str]]:
        """(kind, value) a person asked to see less of, newest first."""
        return await self._read(digests.less_liked, team_id, user_id)

    async def undo_less_like(self, team_id: str, user_id: str, kind: str, value: str) -> bool:
        """Take back one "Less like this"; True when there was one."""
        return await self._write(digests.undo_less_like, team_id, user_id, kind, value)

    async def record_click(
        self, team_id: str, user_id: str, item_id: str | None, action: str, at: float
    ) -> None:
        """Count a digest button press."""
        await self._write(digests.record_click, team_id, user_id, item_id, action, at)

    async def digest_snapshot(
        self,
        team_id: str,
        since: float,
        until: float,
        active_since: float,
        full: bool = True,
        mode: str = "active",
    ) -> DigestSnapshot:
        """Everything one digest run reads, for items shared in [since, until) (only who may
        be due, without `full`); `mode` is `SERENDIP_PERSONAL_DIGESTS` (active or optin)."""
        if not full:
            return await self._read(
                digests.digest_snapshot, team_id, since, until, active_since, full, mode
            )
        # The networks of trust are the heaviest read, mostly inside SQLite (which lets go of
        # the GIL): a second reader computes them while the first reads everything else.
        snap, networks = await asyncio.gather(
            self._read(
                digests.digest_snapshot, team_id, since, until, active_since, full, mode, False
            ),
            self._read(all_networks, team_id, until),
        )
        return await self._read(with_ties, snap, networks)

    async def planned_digests(
        self, team_id: str, now: float
    ) -> dict[tuple[str, str], tuple[int, str]]:
        """(recipient, period key) -> (the highest round planned lately, its status)."""
        return await self._read(outbox.planned_keys, team_id, now)

    async def plan_digests(self, rows: list[dict[str, Any]], now: float) -> int:
        """Queue composed digests (or note empty ones); returns how many rows are new. A row
        marked `to_monthly` moves its recipient to monthly (digest fatigue)."""
        return await self._write(fatigue.plan_with_moves, rows, now)

    async def outbox_rows(
        self, status: str | None, team_id: str, limit: int = 100_000
    ) -> list[OutboxRow]:
        """A workspace's outbox rows in one status (all when None), oldest first."""
        if status is None:
            return await self._read(outbox.all_rows, team_id)
        return await self._read(outbox.rows_with_status, status, team_id, limit)

    async def claim_digest(
        self, row_id: int, token: str, now: float, epoch: int | None = None
    ) -> ClaimResult:
        """pending -> sending under `token`: 'claimed', 'dropped' (unwanted now), 'taken', or
        'deposed' (the leader of `epoch` has been succeeded: it must not post)."""
        return await self._write(outbox.claim, row_id, token, now, epoch)

    async def take_over_digest(
        self, row_id: int, old: str | None, token: str, now: float, epoch: int | None = None
    ) -> bool:
        """Take the claim of a row left in `sending` by a sender that is gone, once (never for
        a leader that has been succeeded)."""
        return await self._write(outbox.take_over, row_id, old, token, now, epoch)

    async def digest_sent(
        self, row_id: int, token: str, channel: str, ts: str, now: float
    ) -> SentResult:
        """sending -> sent, with the post's channel and ts: 'sent', 'taken' (not ours any
        more) or 'forgotten' (someone it credits used forget-me meanwhile: delete the post)."""
        return await self._write(outbox.mark_sent, row_id, token, channel, ts, now)

    async def digest_failed(self, row_id: int, token: str, error: str, now: float) -> None:
        """sending -> failed, with Slack's error."""
        await self._write(outbox.mark_failed, row_id, token, error, now)

    async def release_digest(self, row_id: int, token: str, error: str | None, now: float) -> None:
        """sending -> pending: Slack certainly did not post it."""
        await self._write(outbox.release, row_id, token, error, now)

    async def dm_channel(self, team_id: str, user_id: str) -> str | None:
        """The learned id of the bot's DM with a person."""
        return await self._read(digests.dm_channel, team_id, user_id)

    async def learn_dm(self, team_id: str, user_id: str, channel: str) -> None:
        """Keep the id of the bot's DM with a person."""
        await self._write(digests.learn_dm, team_id, user_id, channel)

    async def user_names(self, team_id: str | None = None) -> dict[str, str]:
        """Display names of everyone stored (in one workspace, or all), by user id (for
        terminal output)."""
        return await self._read(display_names, team_id)

    async def channel_by_name(self, name: str, team_id: str | None = None) -> str | None:
        """The id of a channel by its name (in one workspace, or any), if one is known."""
        return await self._read(digests.channel_by_name, name, team_id)

    async def save_users(self, users: list[UserInfo]) -> int:
        """Insert or update many people (users.list); opted-out people are skipped."""
        return await self._write(digests.save_users, users, self._clock())

    async def read_credits(self, team_id: str, user_id: str) -> list[tuple[str, str, str | None]]:
        """(channel, ts, kept view) of the digest posts that name a person."""
        return await self._read(outbox.posts_crediting, team_id, user_id)

    async def digest_view_changed(
        self, team_id: str, channel: str, ts: str, view: str | None
    ) -> None:
        """A digest post now shows `view` (JSON), or is gone (None)."""
        if view is None:
            await self._write(outbox.drop_view, team_id, channel, ts)
        else:
            await self._write(outbox.set_view, team_id, channel, ts, view)

    async def credit_digest(self, team_id: str, user_id: str, channel: str, ts: str) -> None:
        """Note again that a digest post names a person (forget-me could not change it)."""
        await self._write(outbox.credit, team_id, user_id, channel, ts)
