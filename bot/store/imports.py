"""The imports area of `Store`: synchronous, for the `serendip import` command, which reads
the next files while queued writes commit."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future

from sqlite_utils import Database

from bot.models import ChannelInfo, ImportBatch, UserInfo
from bot.store.plumbing import Plumbing
from bot.store.sql import directory, import_refresh, imports, workspaces
from bot.store.sql.capture import user_names


class ImportActions(Plumbing):
    """Domain actions for backfilling from a Slack export; mixed into `Store`."""

    def import_teams(self) -> list[str]:
        """Every workspace with data in this database."""
        return self._read_sync(workspaces.known_teams)

    def import_mode(self, cache_mb: int) -> None:
        """Give the writing connection a bigger page cache for a bulk import, so index pages
        stay in memory instead of going through the OS for every insert."""
        self._write_sync(imports.set_cache_size, cache_mb)

    def import_people(self, users: Iterable[UserInfo], channels: Iterable[ChannelInfo]) -> None:
        """Add the export's people and channels the store does not know yet."""
        self._write_sync(imports.add_people, list(users), list(channels), self._clock())

    def import_context(
        self, team_id: str
    ) -> tuple[set[str], dict[str, str | None], dict[str, str]]:
        """What the import must respect: who opted out (or was forgotten), each channel's
        capture setting, and the day files imported before (path: fingerprint)."""

        def read(db: Database) -> tuple[set[str], dict[str, str | None], dict[str, str]]:
            return (
                self._sql(directory.opted_out_users)(db, team_id),
                self._sql(imports.capture_settings)(db, team_id),
                self._sql(imports.finished_files)(db, team_id),
            )

        return self._read_sync(read)

    def import_batch(self, batch: ImportBatch) -> Future[int]:
        """Queue a batch of messages; the future gives the number of new items once committed."""
        now = self._clock()
        return self._submit_write(lambda db: self._sql(imports.write_batch)(db, batch, now))

    def import_pending(self, team_id: str) -> int:
        """How many imported items still wait for their faces, votes and search documents."""
        return self._read_sync(imports.pending_count, team_id)

    def refresh_imported_later(self, team_id: str, limit: int = 5000) -> Future[int]:
        """Queue `refresh_imported` behind the writes already queued; the future tells how many."""
        return self._submit_write(lambda db: self._refresh(db, team_id, limit))

    def refresh_imported(self, team_id: str, limit: int = 5000) -> int:
        """Bring up to `limit` imported items up to date in one transaction; returns how many."""
        return self._write_sync(self._refresh, team_id, limit)

    def _refresh(self, db: Database, team_id: str, limit: int) -> int:
        names = self._sql(user_names)(db, team_id)
        return self._sql(import_refresh.refresh_pending)(db, team_id, names, limit)
