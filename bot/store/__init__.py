"""The store: the only code that speaks SQL. See `Store`.

Two floors. `bot/store/sql/<area>.py` holds the SQL: plain functions of a connection and
their arguments (`now` among them where time matters). `bot/store/<area>.py` holds the verbs
of that area, async domain actions that `Store` composes and runs on its reader threads or
its writer, passing its clock down. The areas: capture (items, links, exports), directory
(people, channels, workspaces, bot posts), inbox, leases (which replica handles which inbox
partition), digests, asking (questions, search, experts), home, review (flags), figures
(stats, pulse), imports and the interaction graph.

Adding a table, a query and its verb means one migration (`migrations.py`), one function in
`sql/<area>.py` and one verb in `<area>.py`. Callers import only from this package.
"""

from bot.store.results import (
    Cadence,
    CheckOutcome,
    ClaimResult,
    LessKind,
    RecipientKind,
    SentResult,
    VoteResult,
    cadence_of,
)
from bot.store.sql.bookmarks import Bookmark
from bot.store.sql.expert_reasons import Reason
from bot.store.sql.experts import ExpertRules
from bot.store.sql.figures import iso
from bot.store.sql.hits import Hit
from bot.store.sql.home import HomeItem, MyItem, PersonCounts
from bot.store.sql.installations import Installed
from bot.store.sql.interactions import Interaction, InteractionKind, week_of
from bot.store.sql.outbox import OutboxRow
from bot.store.sql.questions import Question, Reply
from bot.store.sql.review import REVIEW_LIMIT, FlaggedItem
from bot.store.sql.search import FLAG_LIMIT
from bot.store.sql.search_index import personal_channel
from bot.store.store import Store
from bot.store.writer import is_storage_error

__all__ = [
    "FLAG_LIMIT",
    "REVIEW_LIMIT",
    "Bookmark",
    "Cadence",
    "CheckOutcome",
    "ClaimResult",
    "ExpertRules",
    "FlaggedItem",
    "Hit",
    "HomeItem",
    "Installed",
    "Interaction",
    "InteractionKind",
    "LessKind",
    "MyItem",
    "OutboxRow",
    "PersonCounts",
    "Question",
    "Reason",
    "RecipientKind",
    "Reply",
    "SentResult",
    "Store",
    "VoteResult",
    "cadence_of",
    "is_storage_error",
    "iso",
    "personal_channel",
    "week_of",
]
