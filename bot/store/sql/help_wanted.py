"""Open questions for the "Can you help?" section of personal digests: each goes to the
people most likely to know, as the routing would choose them, but without using anyone's
weekly routing cap (a digest line asks less of a person than a direct message). Between people
of similar evidence, those near the asker in the network of trust are chosen first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlite_utils import Database

from bot.digest_models import HelpWanted
from bot.network import Network
from bot.store.sql import experts, questions
from bot.store.sql.experts import ExpertRules
from bot.store.sql.search import parse_query

QUESTIONS = 50  # the newest open questions looked at
HELPERS = 5  # people each one is shown to
NO_CAP = 1 << 30


def help_wanted(
    db: Database,
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
        "SELECT id FROM questions WHERE team_id = ? AND status = 'open' AND is_private = 0"
        " AND first_reply_at IS NULL AND posted_at >= ? AND posted_at < ?"
        " ORDER BY posted_at DESC LIMIT ?",
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
        near = experts.near_asker(asker, lambda p: known.get(p, {})) if networks else None
        for person in experts.choose(
            db, team_id, query, question.text, [team_id], rules, HELPERS, near
        ):
            wanted[person].append(shown)
    return dict(wanted)
