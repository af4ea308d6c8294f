"""The Home area of `Store`: a person's items, the week's top items, and their data."""

from __future__ import annotations

from bot.store.plumbing import Plumbing
from bot.store.sql import home
from bot.store.sql.home import HomeItem, MyItem, PersonCounts


class HomeActions(Plumbing):
    """Domain actions for the Home tab; mixed into `Store`, which provides the plumbing."""

    async def my_items(self, team_id: str, user_id: str, limit: int = 20) -> list[MyItem]:
        """Items a person shared or saved, newest first, with where each may be seen."""
        return await self._read(home.my_items, team_id, user_id, limit)

    async def top_items(self, team_id: str, since: float, limit: int = 5) -> list[HomeItem]:
        """Public items with the most public votes since `since` (flagged ones left out)."""
        return await self._read(home.top_items, team_id, since, limit)

    async def delete_learning(self, team_id: str, user_id: str, item_id: str) -> bool:
        """Remove a person's shares of their own learning; False when it is not theirs."""
        return await self._write(home.delete_learning, team_id, user_id, item_id, self._clock())

    async def person_counts(self, team_id: str, user_id: str) -> PersonCounts:
        """How many shares, saves, votes, flags, questions and replies are stored on a person."""
        return await self._read(home.person_counts, team_id, user_id)

    async def claim_welcome(self, team_id: str, user_id: str) -> bool:
        """True once: the first time a person opens Home (never for someone opted out)."""
        return await self._write(home.claim_welcome, team_id, user_id, self._clock())

    async def digest_standing(
        self, team_id: str, user_id: str, since: float
    ) -> tuple[str | None, bool]:
        """(the digest cadence a person chose, or None; whether they were active since)."""
        return await self._read(home.digest_standing, team_id, user_id, since)

    async def learning_network(
        self, team_id: str, user_id: str, limit: int = 5
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """(whose public shares the person voted useful, who voted theirs), with counts."""
        return await self._read(home.learning_network, team_id, user_id, limit)
