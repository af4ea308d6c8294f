"""The review area of `Store`: flags, flagged items for admins, restoring and removing them."""

from __future__ import annotations

from typing import Any

from bot.store.plumbing import Plumbing
from bot.store.sql import review
from bot.store.sql.review import REVIEW_LIMIT, FlaggedItem


class ReviewActions(Plumbing):
    """Domain actions for the admins' flag review; mixed into `Store`, which provides plumbing."""

    async def flags(self, team_id: str) -> list[dict[str, Any]]:
        """Every flag in a workspace: item, flagger and how it was given (for review)."""
        return await self._read(review.flags, team_id)

    async def flagged_items(
        self, team_id: str, limit: int = REVIEW_LIMIT
    ) -> tuple[list[FlaggedItem], int]:
        """Flagged items, most flagged first, and how many are flagged in all (never who)."""
        return await self._read(review.flagged_items, team_id, limit)

    async def restore_item(self, team_id: str, item_id: str) -> int | None:
        """Clear an item's flags so it shows again; how many had flagged it, None if unknown."""
        return await self._write(review.restore, team_id, item_id, self._clock())

    async def remove_item(self, team_id: str, item_id: str) -> bool:
        """Delete an item with its shares, votes, flags and reactions; False if unknown."""
        return await self._write(review.remove, team_id, item_id)
