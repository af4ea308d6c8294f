"""PostgreSQL twin of `bot/store/sql/help_wanted.py`: open questions for the "Can you help?"
section of personal digests, each shown to the people most likely to know (as the routing would
choose them, without using anyone's weekly cap), people near the asker first.

Questions posted at the same moment come newest-asked first, as SQLite's table order gives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from psycopg import Connection

from bot.digest_models import HelpWanted
from bot.network import Network
from bot.store.pg import experts, questions
from bot.store.sql.experts import ExpertRules, near_asker
from bot.store.sql.help_wanted import HELPERS, NO_CAP, QUESTIONS
from bot.store.sql.search import parse_query

Conn = Connection[Any]


def help_wanted(
    db: Conn,
    team_id: str,
    since: float,
    until: float,
    networks: Mapping[str, Network] | None = None,
) -> dict[str, list[HelpWanted]]:
    """Person -> public questions posted in [since, until) with no reply yet that they may
    answer; never to the asker, nor to someone the question was already sent to. With
    `networks`, people near the asker go first among those of similar evidence."""
    known = networks or {}
    rows = db.execute(
        "SELECT id FROM questions WHERE team_id = %s AND status = 'open' AND is_private = 0"
        " AND first_reply_at IS NULL AND posted_at >= %s AND posted_at < %s"
        " ORDER BY posted_at DESC, asked_at DESC, id DESC LIMIT %s",
        [team_id, since, until, QUESTIONS],
    ).fetchall()
    wanted: defaultdict[str, list[HelpWanted]] = defaultdict(list)
    for (question_id,) in rows:
        question = questions.get(db, question_id)
        if question is None:
            continue
        asked = frozenset({question.asker} | questions.routed_to(db, question_id))
        rules = ExpertRules(asked, None, NO_CAP, 0.0)
        query = parse_query(question.text, any_word=True)
        shown = HelpWanted(
            question.id,
            question.text,
            question.permalink,
            question.channel or "",
            question.posted_at or 0.0,
            question.asker,
            question.anon,
        )
        asker = None if question.anon else question.asker  # an anonymous asker's ties stay unused
        near = near_asker(asker, lambda p: known.get(p, {})) if networks else None
        for person in experts.choose(
            db, team_id, query, question.text, [team_id], rules, HELPERS, near
        ):
            wanted[person].append(shown)
    return dict(wanted)
