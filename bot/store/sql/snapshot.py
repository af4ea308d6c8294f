"""SQL that reads one workspace for a digest run, in a few bulk queries (`load_snapshot`).

Only public activity feeds the network of trust (public interactions and votes, see
bot/store/sql/trust.py), usual channels and topics: what is learned in a private channel stays
inside it, even as a ranking weight.
"""

from __future__ import annotations

import json
from collections import defaultdict
from urllib.parse import urlsplit

from sqlite_utils import Database

from bot.digest_models import (
    BestAnswer,
    ChannelFacts,
    DigestSnapshot,
    ItemFacts,
    ShareFact,
)
from bot.store.sql.help_wanted import help_wanted
from bot.store.sql.trust import all_networks
from bot.store.sql.workspaces import url_of

WINDOW = "SELECT item_id FROM shares WHERE team_id = :team AND at >= :since AND at < :until"
# Queries over a time range name the time index: SQLite's planner, without statistics,
# prefers the (team, person) indexes and reads every vote of the workspace (10x slower).
IMPACT_DAYS = 7
RECENT_VOTES = "team_id = :team AND at >= :since AND is_private = 0"


def domain_of(url: str | None) -> str | None:
    """The host of a URL without `www.`, for the per-domain diversity cap."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def channel_of_vote(via: str) -> str:
    """The channel a vote was given in (`m:C:ts` reactions, `d:C:ts` buttons), or ''."""
    parts = via.split(":")
    return parts[1] if len(parts) >= 3 and parts[0] in ("m", "d") else ""


def load_snapshot(
    db: Database,
    team_id: str,
    since: float,
    until: float,
    active_since: float,
    full: bool = True,
    ties: bool = True,
) -> DigestSnapshot:
    """Everything one digest run needs, for items shared in [since, until), but its people
    (the caller reads them, as `SERENDIP_PERSONAL_DIGESTS` says); with `full` false, only the
    channels and their settings (with the people, enough to know who is due). Without `ties`,
    no networks nor the help wanted that ranks by them: `with_ties` adds them (the caller may
    compute the networks meanwhile, on another connection)."""
    snap = DigestSnapshot(team_id, since, until)
    window = {"team": team_id, "since": since, "until": until}
    recent = {"team": team_id, "since": active_since}
    snap.channels, snap.channel_names = _channels(db, team_id)
    if not full:
        return snap
    snap.items = _items(db, window)
    snap.workspace_url = url_of(db, team_id)
    snap.names = display_names(db, team_id)
    snap.person_channels = _person_channels(db, recent)
    snap.person_topics = _person_topics(db, recent)
    snap.sent = _sent(db, window)
    snap.less_like = _less_like(db, team_id)
    snap.impact = _impact(
        db, {"team": team_id, "since": until - IMPACT_DAYS * 86400, "until": until}
    )
    return with_ties(db, snap, all_networks(db, team_id, until)) if ties else snap


def with_ties(
    db: Database, snap: DigestSnapshot, networks: dict[str, dict[str, float]]
) -> DigestSnapshot:
    """The snapshot with everyone's networks, and the open questions ranked by them."""
    snap.networks = networks
    snap.help_wanted = help_wanted(db, snap.team_id, snap.since, snap.until, networks)
    return snap


def _items(db: Database, window: dict[str, object], within: str = WINDOW) -> dict[str, ItemFacts]:
    shares: dict[str, list[ShareFact]] = defaultdict(list)
    for item_id, channel, at, user, is_private, ts, thread_ts in db.execute(
        "SELECT item_id, channel, at, user, is_private, ts, thread_ts FROM shares"
        f" WHERE item_id IN ({within}) ORDER BY at, channel",
        window,
    ):
        shares[item_id].append(ShareFact(channel, at, user, bool(is_private), ts, thread_ts))
    public: dict[str, list[str]] = defaultdict(list)
    seen: dict[str, set[str]] = defaultdict(set)
    private: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item_id, voter, in_private, via in db.execute(
        f"SELECT item_id, voter, is_private, via FROM votes WHERE item_id IN ({within})"
        " ORDER BY at, voter",
        window,
    ):
        if in_private:
            private[item_id].append((voter, channel_of_vote(via)))
        else:
            public[item_id].append(voter)  # duplicates go below, with dict.fromkeys
            if str(via).startswith("m:"):  # a reaction on a message, which others saw
                seen[item_id].add(voter)
    flags = dict(
        db.execute(
            f"SELECT item_id, count(DISTINCT flagger) FROM flags WHERE item_id IN ({within})"
            " GROUP BY item_id",
            window,
        ).fetchall()
    )
    answers = _answers(db, window, within)
    found: dict[str, ItemFacts] = {}
    for item_id, kind, title, text, url, topics, dead in db.execute(
        "SELECT id, kind, COALESCE(title, fetched_title), text, COALESCE(final_url, url), topics,"
        f" dead FROM items WHERE id IN ({within})",
        window,
    ):
        found[item_id] = ItemFacts(
            item_id,
            kind,
            title,
            text,
            url,
            domain_of(url),
            tuple(json.loads(topics or "[]")),
            tuple(shares[item_id]),
            tuple(dict.fromkeys(public[item_id])),
            tuple(private[item_id]),
            flags.get(item_id, 0),
            bool(dead),
            frozenset(seen[item_id]),
            answers.get(item_id),
        )
    return found


def _answers(db: Database, window: dict[str, object], within: str) -> dict[str, BestAnswer]:
    """The best answers of the answered questions among the items `within` selects."""
    rows = db.execute(
        "SELECT item_id, best_text, best_user, permalink FROM questions"
        f" WHERE item_id IN ({within}) AND best_user IS NOT NULL",
        window,
    )
    return {item: BestAnswer(text or "", user, link) for item, text, user, link in rows}


def item_facts(db: Database, args: dict[str, object], within: str) -> dict[str, ItemFacts]:
    """The digest facts of the items `within` (a query of item ids over `args`) selects."""
    return _items(db, args, within)


def _channels(db: Database, team_id: str) -> tuple[dict[str, ChannelFacts], dict[str, str]]:
    found: dict[str, ChannelFacts] = {}
    names: dict[str, str] = {}
    for cid, name, private, archived, member, dm, digest in db.execute(
        "SELECT id, name, is_private, is_archived, is_member, is_dm, digest FROM channels"
        " WHERE team_id = ?",
        [team_id],
    ):
        if name:
            names[cid] = name
        if member and not archived and not dm:
            found[cid] = ChannelFacts(cid, name, bool(private), digest or "weekly")
    return found, names


def _person_channels(db: Database, recent: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for user, channel in db.execute(
        "SELECT DISTINCT user, channel FROM shares WHERE team_id = :team AND at >= :since"
        " AND is_private = 0 AND user IS NOT NULL",
        recent,
    ):
        found[user].add(channel)
    # `channel_of_vote` in SQL, so that only distinct (voter, channel) pairs reach Python.
    for voter, channel in db.execute(
        "SELECT DISTINCT voter, substr(via, 3, instr(substr(via, 3), ':') - 1)"
        " FROM votes INDEXED BY votes_at WHERE team_id = :team AND at >= :since"
        " AND is_private = 0 AND (via GLOB 'm:*:*' OR via GLOB 'd:*:*')",
        recent,
    ):
        if channel:
            found[voter].add(channel)
    return dict(found)


def _person_topics(db: Database, recent: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    parsed: dict[str, list[str]] = {}  # few distinct topic lists: parse each once
    for user, topics in db.execute(
        "SELECT s.user, i.topics FROM shares s JOIN items i ON i.id = s.item_id"
        " WHERE s.team_id = :team AND s.at >= :since AND s.is_private = 0 AND s.user IS NOT NULL"
        " AND i.topics IS NOT NULL AND i.topics != '[]'",
        recent,
    ):
        if topics not in parsed:
            parsed[topics] = json.loads(topics)
        found[user].update(parsed[topics])
    # Votes are many and on fewer items: each item's topics are read once, not per vote.
    voted = f"SELECT item_id FROM votes INDEXED BY votes_at WHERE {RECENT_VOTES}"
    topics_of = dict(
        db.execute(
            f"SELECT id, topics FROM items WHERE id IN ({voted})"
            " AND topics IS NOT NULL AND topics != '[]'",
            recent,
        ).fetchall()
    )
    for voter, item_id in db.execute(
        f"SELECT voter, item_id FROM votes INDEXED BY votes_at WHERE {RECENT_VOTES}", recent
    ):
        if (topics := topics_of.get(item_id)) is not None:
            if topics not in parsed:
                parsed[topics] = json.loads(topics)
            found[voter].update(parsed[topics])
    return dict(found)


def _sent(db: Database, window: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for recipient, item_id in db.execute(
        "SELECT recipient, item_id FROM digest_sent WHERE team_id = :team"
        f" AND item_id IN ({WINDOW})",
        window,
    ):
        found[recipient].add(item_id)
    return dict(found)


def _less_like(db: Database, team_id: str) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for user, kind, value in db.execute(
        "SELECT user_id, kind, value FROM less_like WHERE team_id = ?", [team_id]
    ):
        found[user].add((kind, value))
    return dict(found)


def _impact(db: Database, week: dict[str, object]) -> dict[str, tuple[int, int]]:
    """Per sharer: how many people voted for what they shared in the week before the run,
    and how many (voter, item) votes that was."""
    rows = db.execute(
        "SELECT s.user, count(DISTINCT v.voter), count(DISTINCT v.item_id || ' ' || v.voter)"
        " FROM votes v INDEXED BY votes_at JOIN shares s ON s.item_id = v.item_id"
        " AND s.is_private = 0 AND s.user IS NOT NULL WHERE v.team_id = :team"
        " AND v.at >= :since AND v.at < :until AND v.is_private = 0 AND v.voter != s.user"
        " GROUP BY s.user",
        week,
    )
    return {user: (people, votes) for user, people, votes in rows}


def display_names(db: Database, team_id: str | None) -> dict[str, str]:
    """Display names by user id (display name, else real name), in one workspace or all."""
    where, args = ("WHERE team_id = ?", [team_id]) if team_id else ("", [])
    rows = db.execute(f"SELECT id, COALESCE(NULLIF(name, ''), real_name) FROM users {where}", args)
    return {uid: str(name) for uid, name in rows if name}
