"""`serendip import PATH`: read an export file by file, keep what the capture rules keep.

Day files are read in order (by a worker process when the export is big), their messages
gathered into batches of whole files, and each batch is written in one transaction while the
next is being read; then the items it touched get their faces, votes and search documents, in
bulk. A batch records the files it holds, so a second run (after an interruption, or of the
same export) skips them, and items whose refresh an interruption stopped are refreshed at the
end of the next run.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field

from bot.capture_rules import may_capture
from bot.config import Config
from bot.importing.days import Day, read_days
from bot.importing.messages import Rules
from bot.importing.progress import Progress
from bot.importing.source import ExportError, Member, open_export
from bot.importing.workspace import Workspace, read_workspace
from bot.models import ChannelInfo, ImportBatch
from bot.store import Store

BATCH_MESSAGES = 20_000
REFRESH_CHUNK = 10_000
WORKER_BYTES = 32 << 20  # day files to read: from this size on, a worker process parses them
CACHE_MB = 192  # SQLite page cache of the writer while importing (memory stays < 500 MB)
ALREADY = "already imported (unchanged since)"


@dataclass
class Summary:
    """What an import read, kept and skipped."""

    team_id: str = ""
    files_total: int = 0
    files_seen: int = 0
    files_read: int = 0
    messages: int = 0
    kept: int = 0  # messages that shared something
    items: int = 0  # new items
    skipped: Counter[str] = field(default_factory=Counter)  # messages, by reason
    files_skipped: Counter[str] = field(default_factory=Counter)  # whole files, by reason
    malformed: list[str] = field(default_factory=list)

    def counts(self) -> str:
        """The progress bar's counts."""
        return (
            f"files {self.files_seen:,}/{self.files_total:,}  messages {self.messages:,}"
            f"  items {self.items:,}  skipped {sum(self.skipped.values()):,}"
        )

    def report(self, path: str) -> str:
        """The closing summary: what was imported, and what was skipped and why."""
        lines = [
            f"imported {path} into workspace {self.team_id}: {self.messages:,} messages read"
            f" in {self.files_read:,} files;"
            f" {self.kept:,} shared something, {self.items:,} new items"
        ]
        for title, counts in (
            ("skipped messages", self.skipped),
            ("skipped files", self.files_skipped),
        ):
            if counts:
                lines.append(f"{title}:")
                lines += [f"  {reason}: {n:,}" for reason, n in counts.most_common()]
        if self.malformed:
            lines.append("malformed files (skipped; the rest was imported):")
            lines += [f"  {problem}" for problem in self.malformed]
        return "\n".join(lines)


def choose_team(export_team: str | None, known: list[str], given: str | None) -> str:
    """The workspace to import into: --team, else the export's own (which must be the
    database's, if it holds one), else the database's only workspace."""
    if given:
        return given
    if export_team:
        if known and export_team not in known:
            raise ExportError(
                f"the export is of workspace {export_team} but the database holds"
                f" {', '.join(known)}; give --team to import into one of them anyway"
            )
        return export_team
    if len(known) == 1:
        return known[0]
    raise ExportError("users.json does not say which workspace this is; give --team T…")


class Importer:
    """One run of `serendip import` over one export."""

    def __init__(
        self,
        store: Store,
        config: Config,
        path: str,
        team: str | None = None,
        progress: Progress | None = None,
        batch_messages: int = BATCH_MESSAGES,
    ) -> None:
        self.store, self.config = store, config
        self.source = open_export(path)
        self.team = team
        self.progress = progress or Progress(None)
        self.batch_messages = batch_messages
        self.refresh_chunk = REFRESH_CHUNK
        self.summary = Summary()
        self.inflight: Future[int] | None = None
        self.refreshing: Future[int] | None = None
        self.use_worker: bool | None = None  # parse in a worker process (None: if big)
        self.path = path

    def run(self) -> Summary:
        """Import everything not imported before, then refresh what was touched."""
        try:
            return self._run()
        finally:
            self.source.close()

    def _run(self) -> Summary:
        members = self.source.members()
        workspace = read_workspace(self.source, members)
        self.summary.malformed += workspace.problems
        team = choose_team(workspace.team_id, self.store.import_teams(), self.team)
        self.summary.team_id = team
        self.store.import_mode(CACHE_MB)
        channels = workspace.channel_infos(team, {})
        self.store.import_people(workspace.users(team), channels.values())
        opted_out, capture, done = self.store.import_context(team)
        channels = workspace.channel_infos(team, capture)
        rules = Rules(
            team_id=workspace.team_id or team,
            useful=self.config.useful_emoji,
            flag=self.config.flag_emoji,
            save=self.config.save_emoji,
            opted_out=frozenset(opted_out),
            bots=workspace.bots,
            outsiders=workspace.outsiders,
            org_teams=workspace.org_teams,
            people=frozenset(str(p["id"]) for p in workspace.people),
            channel_names={c.id: c.name for c in channels.values()},
        )
        days = [m for m in members if m.folder]
        self.summary.files_total = len(days)
        self._read_days(days, workspace, channels, rules, done, team)
        self._refresh(team)
        return self.summary

    def _read_days(
        self,
        days: list[Member],
        workspace: Workspace,
        channels: dict[str, ChannelInfo],
        rules: Rules,
        done: dict[str, str],
        team: str,
    ) -> None:
        jobs = []
        for member in days:
            reason = self._file_skip(member, workspace, channels, done)
            if reason is None:
                jobs.append((member, channels[member.folder]))
            else:
                self.summary.files_skipped[reason] += 1
        self.summary.files_seen = len(days) - len(jobs)
        size = sum(member.size for member, _ in jobs)
        worker = self.use_worker if self.use_worker is not None else size >= WORKER_BYTES
        batch = ImportBatch(team)
        for day in read_days(self.source, self.path, jobs, rules, worker):
            self._add(day, batch, again=day.member.path in done)
            if batch.messages >= self.batch_messages:
                self._flush(batch)
                batch = ImportBatch(team)
            self.progress.show(
                "importing", self.summary.files_seen, len(days), self.summary.counts()
            )
        self._flush(batch)
        self._wait()
        self.progress.show("importing", len(days), len(days), self.summary.counts(), force=True)

    def _file_skip(
        self,
        member: Member,
        workspace: Workspace,
        channels: dict[str, ChannelInfo],
        done: dict[str, str],
    ) -> str | None:
        """Why a whole day file is not read (its channel's, or because it was imported)."""
        channel = channels.get(member.folder)
        if member.folder in workspace.direct or (channel and channel.id[:1] == "D"):
            return "direct messages (never captured)"
        if channel is None:
            return "folder of no channel in channels.json or groups.json"
        if not may_capture(channel):
            if channel.capture == "off":
                return "channel with capture off"
            return "private channel without capture on"
        if done.get(member.path) == member.fingerprint:
            return ALREADY
        return None

    def _add(self, day: Day, batch: ImportBatch, again: bool = False) -> None:
        """Count one day file and put what it adds into the batch; `again`: a changed file
        imported before, whose interactions were counted then (counts cannot tell which
        messages they came from, so a newer copy adds none rather than twice as many)."""
        self.summary.files_seen += 1
        if day.malformed is not None:
            self.summary.malformed.append(day.malformed)
            return
        self.summary.files_read += 1
        self.summary.messages += day.messages
        self.summary.kept += day.kept
        self.summary.skipped.update(day.skipped)
        batch.messages += day.messages
        batch.shares += day.shares
        batch.reactions += day.reactions
        batch.replaced += day.replaced
        batch.removed += day.removed
        if not again:
            batch.interactions += day.interactions
        batch.files.append((day.member.path, day.member.fingerprint, day.messages))

    def _flush(self, batch: ImportBatch) -> None:
        """Hand a batch to the writer, and then a refresh of the items it touched; while they
        are written, the next batch is read."""
        self._wait()
        if batch.files or batch.removed:
            self.inflight = self.store.import_batch(batch)
            self.refreshing = self.store.refresh_imported_later(batch.team_id, self.refresh_chunk)

    def _wait(self) -> None:
        if self.inflight is not None:
            self.summary.items += self.inflight.result()
            self.inflight = None
        if self.refreshing is not None:
            self.refreshing.result()
            self.refreshing = None

    def _refresh(self, team: str) -> None:
        """Faces, votes and search documents of every item touched, this run or one before."""
        total = self.store.import_pending(team)
        done = 0
        while (count := self.store.refresh_imported(team, self.refresh_chunk)) > 0:
            done += count
            self.progress.show("indexing", done, total, f"items {done:,}/{total:,}")
        self.progress.show("indexing", total, total, f"items {done:,}/{total:,}", force=True)
        self.progress.close()
