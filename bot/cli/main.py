"""The `serendip` command line. Every error is one human-readable line and a non-zero exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot import __version__
from bot.cli.migrate import migrate_database
from bot.config import Config, ConfigError, load_config
from bot.dburl import is_postgres_url, redact
from bot.demo.report import DEMO_REPORT
from bot.logs import setup_logging

SQLITE_NOTADB = 26


class CommandError(Exception):
    """A command failed for a reason the person can fix; the message says which."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="serendip", description="Serendip: social learning bot.")
    parser.add_argument("--version", action="version", version=f"serendip {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot")
    run.add_argument("--http", action="store_true", help="HTTP mode even if SLACK_APP_TOKEN is set")
    run.add_argument("--port", type=int, help="HTTP port (default: PORT or 3000)")
    run.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    run.add_argument(
        "--no-migrate",
        action="store_true",
        help="refuse to start on an older schema instead of migrating it",
    )
    sub.add_parser("migrate", help="bring the database's schema up to this version")
    export = sub.add_parser("export", help="export all stored items")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("-o", "--output", help="write to this file instead of stdout")
    _team_option(export)
    forget = sub.add_parser("forget", help="delete everything stored about a person")
    forget.add_argument("user_id")
    _team_option(forget)
    imp = sub.add_parser("import", help="backfill from a Slack workspace export (zip or folder)")
    imp.add_argument("path", help="the export's zip file, or the folder it was unpacked to")
    imp.add_argument("--team", help="the workspace id (T…) to import into (default: the export's)")
    imp.add_argument("--quiet", action="store_true", help="no progress bar, only the summary")
    backup = sub.add_parser("backup", help="a consistent copy of the database, while it runs")
    backup.add_argument("file")
    copy = sub.add_parser("copy-db", help="copy the SQLite database into an empty PostgreSQL one")
    copy.add_argument("--to", required=True, metavar="URL", help="the postgresql:// URL to fill")
    copy.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    _digest_parser(sub)
    stats = sub.add_parser("stats", help="learning figures: this period beside the one before")
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    stats.add_argument("--days", type=int, default=7, help="length of a period (default 7)")
    stats.add_argument(
        "--people",
        action="store_true",
        help="figures per person (needs SERENDIP_INDIVIDUAL_STATS=on)",
    )
    _team_option(stats)
    report = sub.add_parser("report", help="a self-contained HTML report: figures and charts")
    report.add_argument("--html", required=True, metavar="FILE", help="write the report here")
    report.add_argument("--days", type=int, default=7, help="length of a period (default 7)")
    _team_option(report)
    demo = sub.add_parser("demo", help="an offline show of the bot against a local Slack")
    demo.add_argument("--quiet", action="store_true", help="print only the summary")
    demo.add_argument(
        "--report", metavar="FILE", help=f"where to write its HTML report (default {DEMO_REPORT})"
    )
    return parser


def _digest_parser(sub: Any) -> None:
    digest = sub.add_parser("digest", help="send or preview digests")
    actions = digest.add_subparsers(dest="action", required=True, metavar="ACTION")
    send = actions.add_parser("send", help="send the digests that are due")
    send.add_argument("--now", action="store_true", help="every recipient is due now")
    send.add_argument("--force", action="store_true", help="send again what was sent")
    show = actions.add_parser("preview", help="print the digest a recipient would get now")
    who = show.add_mutually_exclusive_group(required=True)
    who.add_argument("--channel", help="a channel id (C…) or #name")
    who.add_argument("--user", help="a user id (U…)")
    show.add_argument("--json", action="store_true", help="print the Slack message payload")
    _team_option(show)


def _team_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--team",
        metavar="T…",
        help="the workspace to read (needed when the database holds several)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `serendip` console script."""
    args = _parser().parse_args(argv)
    try:
        config = load_config()
        setup_logging(config.log_level, config.secrets)
        return COMMANDS[args.command](config, args)
    except (ConfigError, CommandError) as exc:
        print(f"serendip: {exc}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error, UnicodeError, RuntimeError) as exc:
        # Files, ports and databases fail in ways a person can fix: say which, in one line.
        logging.getLogger(__name__).debug("command failed", exc_info=exc)
        print(f"serendip: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _print(line: str) -> int:
    print(line)
    return 0


def _one_line(exc: BaseException) -> str:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, UnicodeError):
        return f"a file is not UTF-8 text ({detail[:120]})"
    if isinstance(exc, sqlite3.Error):
        return f"database error: {detail}"
    return detail


def _run(config: Config, args: argparse.Namespace) -> int:
    from bot.runner import serve

    socket_mode = bool(config.app_token) and not args.http
    if not config.oauth:  # installed by OAuth, each workspace's token is in the database
        config.require("bot_token")
    if not socket_mode:
        config.require("signing_secret")
    port = config.port if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise CommandError(f"--port must be between 0 and 65535, got {port}")
    asyncio.run(serve(config, socket_mode, args.host, port, migrate=not args.no_migrate))
    return 0


def _existing_db(config: Config) -> str:
    if is_postgres_url(config.db_path):
        return config.db_path  # the store says in one line if it cannot be used
    path = Path(config.db_path)
    if not path.is_file():
        raise CommandError(f"no database at {config.db_path} (SERENDIP_DB)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) != SQLITE_NOTADB:
            # A full disk cannot even make SQLite's shared-memory file: say that, not "not
            # a database".
            raise CommandError(f"cannot read {config.db_path} (SERENDIP_DB): {exc}") from None
        raise CommandError(f"{config.db_path} is not a SQLite database (SERENDIP_DB)") from None
    if version == 0 and tables:
        raise CommandError(f"{config.db_path} is not a Serendip database (SERENDIP_DB)")
    return config.db_path


def _export(config: Config, args: argparse.Namespace) -> int:
    from bot.cli.export import to_csv, to_json
    from bot.store import Store

    store = Store(_existing_db(config)).open()
    try:
        records = asyncio.run(store.export_items(_team(store, args)))
    finally:
        store.close()
    text = to_csv(records) if args.format == "csv" else to_json(records)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def _team(store: Any, args: argparse.Namespace) -> str | None:
    """The workspace the command reads (--team), or None for the only one."""
    from bot.cli.teams import choose_team

    try:
        return asyncio.run(choose_team(store, args.team))
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _settings_of(store: Any, config: Config, team: str | None) -> Config:
    """The settings in force in the workspace read (its admins' over the environment's); the
    environment's when the command reads several."""
    from bot.team_settings import team_config

    async def settings() -> Config:
        teams = [team] if team else await store.teams()
        return await team_config(store, config, teams[0]) if len(teams) == 1 else config

    return asyncio.run(settings())


def _forget(config: Config, args: argparse.Namespace) -> int:
    from bot.forgetting import forget_from_cli

    try:
        print(asyncio.run(forget_from_cli(config, _existing_db(config), args.user_id, args.team)))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _import(config: Config, args: argparse.Namespace) -> int:
    """Backfill from an export; exit 1 when some files were malformed (the rest is imported)."""
    from bot.importing.progress import Progress
    from bot.importing.runner import Importer
    from bot.importing.source import ExportError, open_export
    from bot.store import Store

    path = config.db_path if not Path(config.db_path).exists() else _existing_db(config)
    try:
        open_export(args.path).close()  # a damaged zip stops here, before any database is made
        store = Store(path).open()
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    try:
        progress = Progress(None if args.quiet else sys.stderr)
        summary = Importer(store, config, args.path, args.team, progress).run()
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    except KeyboardInterrupt:
        print("\nserendip: import interrupted; run the same command to resume", file=sys.stderr)
        raise
    finally:
        store.close()  # what was read before an interruption is committed first
    print(summary.report(args.path))
    return 1 if summary.malformed else 0


def _backup(config: Config, args: argparse.Namespace) -> int:
    from bot.store import Store

    target = Path(args.file)
    if target.exists():
        raise CommandError(f"{target} exists already; choose a new file")
    try:
        Store(_existing_db(config)).backup(target)
    except sqlite3.Error as exc:
        raise CommandError(f"backup failed: {exc}") from None
    if is_postgres_url(config.db_path):
        print(f"backed up {redact(config.db_path)} to {target} with pg_dump (restore: pg_restore)")
    else:
        print(f"backed up {config.db_path} to {target}")
    return 0


def _copy_db(config: Config, args: argparse.Namespace) -> int:
    """Copy SERENDIP_DB (SQLite) into PostgreSQL at --to; resumable, verified by counts."""
    from bot.cli.copy_db import copy_db

    try:
        print(copy_db(_existing_db(config), args.to, args.quiet))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _digest(config: Config, args: argparse.Namespace) -> int:
    from bot.cli.digest import digest_preview, digest_send

    if args.action == "send":
        if not config.oauth:  # installed by OAuth, each workspace's token is in the database
            config.require("bot_token")
        print(asyncio.run(digest_send(config, _existing_db(config), args.now, args.force)))
        return 0
    try:
        print(asyncio.run(digest_preview(config, _existing_db(config), args)))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _check_days(days: int) -> None:
    if not 1 <= days <= 3650:
        raise CommandError(f"--days must be between 1 and 3650, got {days}")


def _stats(config: Config, args: argparse.Namespace) -> int:
    import json
    import time

    from bot.report.figures import render_table
    from bot.store import Store

    _check_days(args.days)
    store = Store(_existing_db(config)).open()
    try:
        team = _team(store, args)
        config = _settings_of(store, config, team)
        if args.people and not config.individual_stats:
            raise CommandError(
                "figures per person need SERENDIP_INDIVIDUAL_STATS=on"
                " (or Individual stats on in the workspace's admin settings)"
            )
        report = asyncio.run(
            store.learning_stats(team, time.time(), args.days, config.minutes_saved, args.people)
        )
    finally:
        store.close()
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render_table(report))
    return 0


def _report(config: Config, args: argparse.Namespace) -> int:
    import time
    from zoneinfo import ZoneInfo

    from bot.report.html import render_html, write_report
    from bot.store import Store

    _check_days(args.days)
    now = time.time()
    store = Store(_existing_db(config)).open()
    try:
        team = _team(store, args)
        config = _settings_of(store, config, team)  # the workspace's time zone
        data = asyncio.run(store.report_data(team, now, args.days, config.minutes_saved, config.tz))
    finally:
        store.close()
    zone = ZoneInfo(config.tz)  # the pulse's zone: the report names the same days
    write_report(Path(args.html), render_html(data, now, tz=zone))
    print(f"wrote the learning report to {args.html}")
    return 0


def _demo(config: Config, args: argparse.Namespace) -> int:
    from bot.demo.show import run_demo

    report = Path(args.report) if args.report else DEMO_REPORT
    return asyncio.run(run_demo(quiet=args.quiet, report=report))


COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {
    "run": _run,
    "export": _export,
    "forget": _forget,
    "backup": _backup,
    "copy-db": _copy_db,
    "demo": _demo,
    "digest": _digest,
    "stats": _stats,
    "report": _report,
    "import": _import,
    "migrate": lambda config, _: _print(migrate_database(config.db_path)),
}
