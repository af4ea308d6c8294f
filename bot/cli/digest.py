"""`serendip digest send` and `serendip digest preview`: the CLI shells around jobs/digests."""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, datetime

from bot.cli.digest_text import render
from bot.cli.teams import choose_team
from bot.config import Config
from bot.store import RecipientKind, Store, is_storage_error
from bot.workspace_clients import WorkspaceClients, make_pacers
from jobs.digests import preview, run_digests
from jobs.people_sync import refresh_workspaces

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{1,20}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")


class StoreUnwritable(RuntimeError):
    """The database cannot be written (full, read-only, I/O error): sending stops."""


async def digest_send(config: Config, db_path: str, now_mode: bool, force: bool) -> str:
    """Plan and post what is due; one line saying what happened."""
    store = Store(db_path).open()
    try:
        if store.write_failure is not None:
            # A digest posted but not recorded would go out twice: post none.
            raise StoreUnwritable(
                f"the database {db_path} cannot be written ({store.write_failure}); "
                "no digest was sent"
            )
        # Each workspace's own token (installed by OAuth) or SLACK_BOT_TOKEN's.
        clients = WorkspaceClients(store, config, make_pacers(store, config))
        try:
            await refresh_workspaces(store, clients)  # time zones decide who is due
            report = await run_digests(
                store, clients, config, datetime.now(UTC), now_mode=now_mode, force=force
            )
        except Exception as exc:
            if not is_storage_error(exc):
                raise
            raise StoreUnwritable(
                f"the database {db_path} cannot be written ({store.write_failure or exc}); "
                "sending stopped, and a digest posted but not recorded is found on the next run"
            ) from exc
    finally:
        store.close()
    d = report.delivery
    line = f"planned {report.planned} digests"
    if report.planned or report.empty or not report.handled:
        line += f" ({report.empty} with nothing new)"
    if report.handled:
        # Without this, a run after the scheduler's says "planned 0" and nothing more.
        whom = "recipient" if report.handled == 1 else "recipients"
        line += ": " if line.endswith("digests") else "; "
        line += f"{report.handled} {whom} already handled for this period"
        line += "" if force else "; --force sends again"
    line += f"; sent {d.sent}"
    if d.recovered:
        line += f", {d.recovered} found already posted"
    if d.failed:
        line += f", {d.failed} failed (see the log)"
    if d.unknown:
        line += f", {d.unknown} unconfirmed (checked on the next run)"
    return line


async def digest_preview(config: Config, db_path: str, args: argparse.Namespace) -> str:
    """The digest a channel or person would get now, as text or as the Slack payload."""
    store = Store(db_path).open()
    try:
        team = await choose_team(store, args.team)
        kind, recipient = await _recipient(store, args, team)
        payload, why = await preview(store, config, kind, recipient, datetime.now(UTC), team)
        names = await store.user_names(team)
    finally:
        store.close()
    if payload is None:
        return why
    return (
        json.dumps(payload, indent=2, ensure_ascii=False) if args.json else render(payload, names)
    )


async def _recipient(
    store: Store, args: argparse.Namespace, team: str | None
) -> tuple[RecipientKind, str]:
    if args.user is not None:
        if not USER_ID.match(args.user):
            raise ValueError(f"--user wants a user id like U0123ABCD, got {args.user[:40]!r}")
        return "person", args.user
    given = str(args.channel)
    if CHANNEL_ID.match(given):
        return "channel", given
    found = await store.channel_by_name(given.removeprefix("#"), team)
    if found is None:
        raise ValueError(f"--channel: no channel {given[:80]!r} is known; give its id (C…)")
    return "channel", found
