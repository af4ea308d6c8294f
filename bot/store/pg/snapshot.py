"""PostgreSQL twins of `bot/store/sql/snapshot.py`: one workspace read for a digest run, in a
few bulk queries.

The rows come in SQLite's order: items by id as bytes (SQLite walks the sorted list of ids),
a message's shares and an item's votes by time, then channel or voter as bytes, then as they
were stored. A vote's channel is `channel_of_vote` in SQL (`split_part`, where SQLite has
`substr`/`instr` under a GLOB). `within`, the query of item ids `item_facts` takes, is
PostgreSQL's, with `%(name)s` parameters.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from psycopg import Connection

from bot.digest_models import BestAnswer, ChannelFacts, DigestSnapshot, ItemFacts, ShareFact
from bot.store.pg.help_wanted import help_wanted
from bot.store.pg.trust import all_networks
from bot.store.pg.workspaces import url_of
from bot.store.sql.snapshot import IMPACT_DAYS, channel_of_vote, domain_of

Conn = Connection[Any]

WINDOW = (
    "SELECT item_id FROM shares WHERE team_id = %(team)s AND at >= %(since)s AND at < %(until)s"
)
RECENT_VOTES = "team_id = %(team)s AND at >= %(since)s AND is_private = 0"
# `channel_of_vote` in SQL: 'm:C:ts' and 'd:C:ts' give C (the part between the first two
# colons); anything else gives ''.
VOTE_CHANNEL = (
    "CASE WHEN left(via, 2) IN ('m:', 'd:') AND strpos(substr(via, 3), ':') > 0"
    " THEN split_part(via, ':', 2) ELSE '' END"
)


def load_snapshot(
    db: Conn,
    team_id: str,
    since: float,
    until: float,
    active_since: float,
    full: bool = True,
    ties: bool = True,
) -> DigestSnapshot:
    """Everything one digest run needs, for items shared in [since, until), but its people
    (see the SQLite floor); without `ties`, no networks nor help wanted (`with_ties`)."""
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
    db: Conn, snap: DigestSnapshot, networks: dict[str, dict[str, float]]
) -> DigestSnapshot:
    """The snapshot with everyone's networks, and the open questions ranked by them."""
    snap.networks = networks
    snap.help_wanted = help_wanted(db, snap.team_id, snap.since, snap.until, networks)
    return snap


def _items(db: Conn, window: dict[str, object], within: str = WINDOW) -> dict[str, ItemFacts]:
    shares: dict[str, list[ShareFact]] = defaultdict(list)
    for item_id, channel, at, user, is_private, ts, thread_ts in db.execute(
        'SELECT item_id, channel, at, "user", is_private, ts, thread_ts FROM shares'
        f' WHERE item_id IN ({within}) ORDER BY at, channel COLLATE "C", rowid',
        window,
    ):
        shares[item_id].append(ShareFact(channel, at, user, bool(is_private), ts, thread_ts))
    public: dict[str, list[str]] = defaultdict(list)
    seen: dict[str, set[str]] = defaultdict(set)
    private: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item_id, voter, in_private, via in db.execute(
        f"SELECT item_id, voter, is_private, via FROM votes WHERE item_id IN ({within})"
        ' ORDER BY at, voter COLLATE "C", via COLLATE "C"',
        window,
    ):
        if in_private:
            private[item_id].append((voter, channel_of_vote(via)))
        else:
            public[item_id].append(voter)  # duplicates go below, with dict.fromkeys
            if str(via).startswith("m:"):  # a reaction on a message, which others saw
                seen[item_id].add(voter)
    flags = {
        str(item): int(n)
        for item, n in db.execute(
            f"SELECT item_id, count(DISTINCT flagger) FROM flags WHERE item_id IN ({within})"
            " GROUP BY item_id",
            window,
        )
    }
    answers = _answers(db, window, within)
    found: dict[str, ItemFacts] = {}
    for item_id, kind, title, text, url, topics, dead in db.execute(
        "SELECT id, kind, COALESCE(title, fetched_title), text, COALESCE(final_url, url), topics,"
        f' dead FROM items WHERE id IN ({within}) ORDER BY id COLLATE "C"',
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


def _answers(db: Conn, window: dict[str, object], within: str) -> dict[str, BestAnswer]:
    """The best answers of the answered questions among the items `within` selects."""
    rows = db.execute(
        "SELECT item_id, best_text, best_user, permalink FROM questions"
        f" WHERE item_id IN ({within}) AND best_user IS NOT NULL",
        window,
    )
    return {item: BestAnswer(text or "", user, link) for item, text, user, link in rows}


def item_facts(db: Conn, args: dict[str, object], within: str) -> dict[str, ItemFacts]:
    """The digest facts of the items `within` (a PostgreSQL query of item ids over `args`,
    with `%(name)s` parameters) selects."""
    return _items(db, args, within)


def _channels(db: Conn, team_id: str) -> tuple[dict[str, ChannelFacts], dict[str, str]]:
    found: dict[str, ChannelFacts] = {}
    names: dict[str, str] = {}
    for cid, name, private, archived, member, dm, digest in db.execute(
        "SELECT id, name, is_private, is_archived, is_member, is_dm, digest FROM channels"
        ' WHERE team_id = %s ORDER BY id COLLATE "C"',
        [team_id],
    ):
        if name:
            names[cid] = name
        if member and not archived and not dm:
            found[cid] = ChannelFacts(cid, name, bool(private), digest or "weekly")
    return found, names


def _person_channels(db: Conn, recent: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for user, channel in db.execute(
        'SELECT DISTINCT "user", channel FROM shares WHERE team_id = %(team)s'
        ' AND at >= %(since)s AND is_private = 0 AND "user" IS NOT NULL',
        recent,
    ):
        found[user].add(channel)
    for voter, channel in db.execute(
        f"SELECT DISTINCT voter, {VOTE_CHANNEL} FROM votes WHERE team_id = %(team)s"
        " AND at >= %(since)s AND is_private = 0",
        recent,
    ):
        if channel:
            found[voter].add(channel)
    return dict(found)


def _person_topics(db: Conn, recent: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    parsed: dict[str, list[str]] = {}  # few distinct topic lists: parse each once
    for user, topics in db.execute(
        'SELECT s."user", i.topics FROM shares s JOIN items i ON i.id = s.item_id'
        " WHERE s.team_id = %(team)s AND s.at >= %(since)s AND s.is_private = 0"
        " AND s.\"user\" IS NOT NULL AND i.topics IS NOT NULL AND i.topics != '[]'",
        recent,
    ):
        if topics not in parsed:
            parsed[topics] = json.loads(topics)
        found[user].update(parsed[topics])
    # Votes are many and on fewer items: each item's topics are read once, not per vote.
    voted = f"SELECT item_id FROM votes WHERE {RECENT_VOTES}"
    topics_of = {
        str(item): str(topics)
        for item, topics in db.execute(
            f"SELECT id, topics FROM items WHERE id IN ({voted})"
            " AND topics IS NOT NULL AND topics != '[]'",
            recent,
        )
    }
    for voter, item_id in db.execute(
        f"SELECT voter, item_id FROM votes WHERE {RECENT_VOTES}", recent
    ):
        if (topics := topics_of.get(item_id)) is not None:
            if topics not in parsed:
                parsed[topics] = json.loads(topics)
            found[voter].update(parsed[topics])
    return dict(found)


def _sent(db: Conn, window: dict[str, object]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for recipient, item_id in db.execute(
        f"SELECT recipient, item_id FROM digest_sent WHERE team_id = %(team)s"
        f" AND item_id IN ({WINDOW})",
        window,
    ):
        found[recipient].add(item_id)
    return dict(found)


def _less_like(db: Conn, team_id: str) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for user, kind, value in db.execute(
        "SELECT user_id, kind, value FROM less_like WHERE team_id = %s", [team_id]
    ):
        found[user].add((kind, value))
    return dict(found)


def _impact(db: Conn, week: dict[str, object]) -> dict[str, tuple[int, int]]:
    """Per sharer: how many people voted for what they shared in the week before the run,
    and how many (voter, item) votes that was."""
    rows = db.execute(
        "SELECT s.\"user\", count(DISTINCT v.voter), count(DISTINCT v.item_id || ' ' || v.voter)"
        " FROM votes v JOIN shares s ON s.item_id = v.item_id"
        ' AND s.is_private = 0 AND s."user" IS NOT NULL WHERE v.team_id = %(team)s'
        " AND v.at >= %(since)s AND v.at < %(until)s AND v.is_private = 0"
        ' AND v.voter != s."user" GROUP BY s."user"',
        week,
    )
    return {user: (int(people), int(votes)) for user, people, votes in rows}


def display_names(db: Conn, team_id: str | None) -> dict[str, str]:
    """Display names by user id (display name, else real name), in one workspace or all."""
    where, args = ("WHERE team_id = %s", [team_id]) if team_id else ("", [])
    rows = db.execute(f"SELECT id, COALESCE(NULLIF(name, ''), real_name) FROM users {where}", args)
    return {uid: str(name) for uid, name in rows if name}
