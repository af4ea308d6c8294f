"""A synthetic store for bench/search.py, bulk-inserted straight into a Serendip database.

The people, channels, item times, sharers, re-shares and votes come from bench/digest_data.py
(10,000 people, 300 channels of which a few are private, a year of items, ~3.5M votes). What
this adds is text: titles, descriptions, share messages, learnings and a few thousand answered
questions, written from a vocabulary whose word frequencies follow Zipf's law (a few words are
in most documents, most words in a handful) with English function words and common two-word
phrases mixed in. The search index (`search_docs`, one document per item and visibility, rowids
by first-share time as `bot.store.sql.search_index._new_rowid` gives them) is filled with the
documents `bot.store.sql.search_index.desired_docs` would make, and the FTS5 index is built in one
`rebuild` (then the well-voted items' documents go into `search_top`). Topic
terms (`item_terms`, `term_df`) follow `bot.topics.terms`. Everything follows one random seed.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from bench.digest_data import (
    DAY,
    World,
    domains,
    make_items,
    make_world,
    run_timed,
    vote_counts,
    vote_rows,
)
from bench.digest_data import Sizes as WorldSizes
from bot.slacktext import readable
from bot.store.migrations import migrate
from bot.store.sql.search_index import MAX_BODY, TOP_VOTES
from bot.store.store import connect
from bot.topics import terms

TEAM = "T0BENCH"
CHUNK = 100_000  # items per transaction
VOCABULARY = 150_000  # words drawn by Zipf rank
ZIPF = 1.0
RARE = 3_000_000  # words drawn uniformly: names, codenames, typos (df 0-3 each)
RARE_SHARE = 0.015  # of content words
# The most frequent content words, most frequent first; the rest of the vocabulary is made up.
_HEAD = (
    "team data code guide work time best python design build product system learn open source "
    "people way api test cloud security performance service users model app web database "
    "release scale know developer engineering tools review platform rust react kubernetes "
    "javascript docs deploy metrics incident customer postgres linux infrastructure network "
    "memory cache query search feature analytics machine startup management writing career "
    "hiring remote meeting strategy roadmap planning debugging latency monitoring logging "
    "tracing reliability oncall kafka queue storage migration schema backend frontend mobile "
    "android ios typescript golang java docker terraform aws azure serverless pipeline github "
    "pull request branch merge refactor architecture microservices monolith budget pricing "
    "sales marketing growth onboarding feedback culture leadership interview salary privacy "
    "compliance gdpr legal finance experiment statistics dashboard sql sqlite index compiler "
    "runtime concurrency async thread anyone help access setup staging production config "
    "credentials error issue flaky benchmark vendor contract laptop office travel expense "
    "holiday policy okr quarter"
)
HEAD = tuple(_HEAD.split())
_PHRASES = (
    "machine learning|code review|pull request|open source|feature flags|rate limiting|"
    "load testing|incident response|design system|data pipeline|best practices|unit tests|"
    "error budget|on call|system design|query planner|cache invalidation|react native|"
    "cloud cost|career growth|remote work|team culture|product strategy|release notes|"
    "security review|memory leak|connection pool|schema migration|developer experience|"
    "technical debt|postmortem template|api design|performance review|hiring process"
)
PHRASES = tuple(p.split() for p in _PHRASES.split("|"))
FUNCTION = {
    "the": 60,
    "to": 30,
    "and": 30,
    "of": 30,
    "a": 30,
    "in": 20,
    "for": 20,
    "is": 15,
    "on": 15,
    "with": 10,
    "how": 10,
    "your": 8,
    "it": 10,
    "you": 10,
    "i": 7,
    "we": 7,
    "this": 8,
    "that": 8,
    "do": 4,
    "my": 3,
    "our": 4,
    "at": 5,
    "by": 5,
    "from": 5,
    "an": 5,
    "be": 4,
    "or": 5,
    "not": 3,
    "are": 5,
    "can": 3,
    "why": 2,
}
SYLLABLES = tuple(c + v for c in "bdfgklmnprstvz" for v in "aeiou")
SHARE_SAYS = (
    "worth a look",
    "great read on {}",
    "this is a good {} {} guide",
    "{} {} explained",
    "+1",
    "saw this in the {} meeting",
    "relevant to our {} work",
    "",
    "fyi {}",
    "we should try this for {} {}",
    "nice write-up about {}",
)
RESHARE_SAYS = ("+1 {}", "sharing again", "this helped with {} {}", "cc the {} folks", "")
ASKS = (
    "does anyone know how to {} {} in {}?",
    "who has experience with {} {}?",
    "what's the best way to set up {} for {} {}?",
    "is there a guide for {} {} on {}?",
    "how do we get access to the {} {} {}?",
    "any recommendations for {} {} tools?",
    "why is our {} {} so slow when {} runs?",
    "who owns the {} {} in {}?",
    "has anyone seen this {} error with {} {}?",
    "where can I find docs about {} {} and {}?",
)


def synthetic(number: int) -> str:
    """A made-up word for a number (at least three syllables, distinct for distinct numbers)."""
    number += len(SYLLABLES) ** 2
    parts = []
    while number:
        number, rest = divmod(number, len(SYLLABLES))
        parts.append(SYLLABLES[rest])
    return "".join(parts)


@dataclass(frozen=True)
class Sizes:
    """How big the synthetic store is."""

    people: int
    channels: int
    items: int
    votes: int
    questions: int

    @classmethod
    def scaled(cls, scale: float) -> Sizes:
        """10,000 people, 300 channels, 1M items, 3.5M votes, 3,000 answered questions, times
        `scale`."""
        return cls(
            max(50, round(10_000 * scale)),
            max(12, round(300 * scale)),
            round(1_000_000 * scale),
            round(3_500_000 * scale),
            max(20, round(3000 * scale)),
        )


class Writer:
    """Words, sentences and messages from the Zipf vocabulary."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocabulary = [*HEAD, *(synthetic(r) for r in range(len(HEAD), VOCABULARY))]
        self.cum = list(accumulate(1.0 / (rank**ZIPF) for rank in range(1, VOCABULARY + 1)))
        self.function = list(FUNCTION)
        self.function_cum = list(accumulate(FUNCTION.values()))

    def content(self, count: int) -> list[str]:
        """`count` content words by Zipf rank, a few of them rare."""
        words = self.rng.choices(self.vocabulary, cum_weights=self.cum, k=count)
        for n in range(count):
            if self.rng.random() < RARE_SHARE:
                words[n] = rare_word(self.rng.randrange(RARE))
        return words

    def sentence(self, count: int, function_share: float, phrase: float = 0.0) -> str:
        """About `count` words, `function_share` of them function words, maybe a phrase."""
        rng = self.rng
        slots = [rng.random() < function_share for _ in range(count)]
        content = iter(self.content(count - sum(slots)))
        function = iter(rng.choices(self.function, cum_weights=self.function_cum, k=sum(slots)))
        words = [next(function) if slot else next(content) for slot in slots]
        if rng.random() < phrase:
            at = rng.randrange(len(words) + 1)
            words[at:at] = PHRASES[int(len(PHRASES) * rng.random() ** 2)]
        return " ".join(words)

    def fill(self, template: str) -> str:
        """A template with its {} filled by content words."""
        return template.format(*self.content(template.count("{}")))

    def question(self) -> str:
        """A question as someone would type it into /ask."""
        rng = self.rng
        text = self.fill(rng.choice(ASKS))
        if rng.random() < 0.4:
            text += " " + self.sentence(rng.randint(4, 14), 0.45, phrase=0.3) + "."
        return text[0].upper() + text[1:]


def rare_word(number: int) -> str:
    """The rare word `number` (never one of the Zipf vocabulary)."""
    return synthetic(VOCABULARY + number)


@dataclass
class Rows:
    """Rows for one chunk of items, by table."""

    items: list[tuple[Any, ...]]
    shares: list[tuple[Any, ...]]
    docs: list[tuple[Any, ...]]
    terms: list[tuple[Any, ...]]
    questions: list[tuple[Any, ...]]


class Texts:
    """The text of every item, generated in order of first share."""

    def __init__(self, world: World, items: Any, questions: set[int], seed: int) -> None:
        self.world, self.items, self.questions = world, items, questions
        self.rng = random.Random(seed + 1)
        self.write = Writer(self.rng)
        self.sites = domains(self.rng, 2000)
        self.site_cum = list(accumulate(1.0 / rank for rank in range(1, len(self.sites) + 1)))
        self.last_rowid = -1
        self.activity = list(accumulate(self.rng.paretovariate(1.2) for _ in world.people))

    def rows(self, start: int, stop: int) -> Rows:
        """Rows of items[start:stop]."""
        out = Rows([], [], [], [], [])
        for n in range(start, stop):
            self._item(n, out)
        return out

    def _item(self, n: int, out: Rows) -> None:
        world, items, rng, write = self.world, self.items, self.rng, self.write
        item_id, at = items.ids[n], items.at[n]
        created = f"{at:.6f}"
        shares = [(items.channel[n], at, items.sharer[n], None), *items.extra.get(n, ())]
        title = description = url = site = text = None
        answer = None
        if n in self.questions:
            kind, text = "question", write.question()
            qid = f"q{int(at * 1000):011x}{rng.getrandbits(24):06x}"
            key, says = f"question:{qid}", [text]
            answer = self._answer(n, qid, text, at)
            out.questions.append(answer)
        elif rng.random() < 0.05:
            kind = "learning"
            text = "TIL " + write.sentence(rng.randint(8, 30), 0.45, phrase=0.3)
            key = f"learning:{world.channels[shares[0][0]]}:{created}"
            says = [text] + [self._reshare() for _ in shares[1:]]
        else:
            kind = "link"
            title = write.sentence(rng.randint(4, 10), 0.2, phrase=0.25)
            title = title[0].upper() + title[1:]
            if rng.random() < 0.65:
                description = write.sentence(rng.randint(12, 35), 0.45, phrase=0.2) + "."
            site = rng.choices(self.sites, cum_weights=self.site_cum)[0]
            slug = "-".join(w for w in title.lower().split()[:5] if w.isalnum())
            url = f"https://{site}/{slug}-{n % 9973}"
            first = write.fill(rng.choice(SHARE_SAYS))
            says = [f"{first} <{url}>".strip()] + [self._reshare(url) for _ in shares[1:]]
            key = f"link:{url}"
        found = terms(title, description)
        topics = sorted(found, key=lambda t: (-found[t], t))[:3]
        out.items.append(
            (
                item_id,
                TEAM,
                key,
                kind,
                url,
                title,
                text,
                description,
                site,
                created,
                json.dumps(topics),
            )
        )
        out.terms += [(TEAM, item_id, term, float(created)) for term in found]
        by_scope: dict[str, list[str]] = {}
        source = "ask" if kind == "question" else "message"
        for (channel, when, person, thread), said in zip(shares, says, strict=True):
            cid, private = world.channels[channel], world.private[channel]
            user = None if answer is not None and answer[3] else world.people[person]
            out.shares.append(
                (
                    TEAM,
                    item_id,
                    cid,
                    f"{when:.6f}",
                    when,
                    user,
                    said,
                    None if thread is None else f"{thread:.6f}",
                    int(private),
                    source,
                )
            )
            scope = f"{TEAM}/{cid}" if private else TEAM
            by_scope.setdefault(scope, []).append(readable(said))
        base = max(0, int(float(created) * 1000)) << 10
        for scope, parts in by_scope.items():
            if answer is not None:
                parts.append(answer[15])
            body = "\n".join([description or "", *dict.fromkeys(parts)]).strip()
            self.last_rowid = max(base, self.last_rowid + 1)  # as _new_rowid, in time order
            out.docs.append((self.last_rowid, item_id, TEAM, scope, title or "", body[:MAX_BODY]))

    def _reshare(self, url: str | None = None) -> str:
        said = self.write.fill(self.rng.choice(RESHARE_SAYS))
        return f"{said} <{url}>".strip() if url else said or "+1"

    def _answer(self, n: int, qid: str, text: str, at: float) -> tuple[Any, ...]:
        """The `questions` row of an answered question that became item n."""
        world, rng, items = self.world, self.rng, self.items
        asker = items.sharer[n]
        while (
            answerer := rng.choices(range(len(world.people)), cum_weights=self.activity)[0]
        ) == asker:
            pass
        channel = items.channel[n]
        answered = min(at + rng.expovariate(1 / (6 * 3600)), world.now - 60)
        best = self.write.sentence(rng.randint(8, 40), 0.45, phrase=0.3)
        return (
            qid,
            TEAM,
            world.people[asker],
            int(rng.random() < 0.1),
            text,
            "answered",
            world.channels[channel],
            f"{at:.6f}",
            int(world.private[channel]),
            at - 30,
            at,
            min(at + 600, answered),
            answered,
            f"{answered:.6f}",
            world.people[answerer],
            best,
            items.ids[n],
        )


INSERTS = {
    "users": "INSERT INTO users (team_id, id, name, real_name, tz, updated_at)"
    " VALUES (?, ?, ?, ?, 'UTC', ?)",
    "person_settings": "INSERT INTO person_settings (team_id, user_id, opted_out, routing)"
    " VALUES (?, ?, ?, ?)",
    "channels": "INSERT INTO channels (team_id, id, name, is_private, is_member, updated_at)"
    " VALUES (?, ?, ?, ?, 1, ?)",
    "items": "INSERT INTO items (id, team_id, key, kind, url, title, text, description,"
    " site_name, created_ts, topics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "shares": "INSERT INTO shares (team_id, item_id, channel, ts, at, user, text, thread_ts,"
    " is_private, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "docs": "INSERT INTO search_docs (rowid, item_id, team_id, scope, title, body)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "terms": "INSERT INTO item_terms (team_id, item_id, term, created) VALUES (?, ?, ?, ?)",
    "questions": "INSERT INTO questions (id, team_id, asker, anon, text, status, channel, ts,"
    " is_private, asked_at, posted_at, first_reply_at, answered_at, best_ts, best_user,"
    " best_text, item_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "votes": "INSERT INTO votes (team_id, item_id, voter, via, is_private, at)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "flags": "INSERT INTO flags (team_id, item_id, flagger, via, is_private, at)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "routings": "INSERT INTO routings (team_id, question_id, user_id, round, at)"
    " VALUES (?, ?, ?, 0, ?)",
}


def _insert(conn: sqlite3.Connection, table: str, rows: Sequence[tuple[Any, ...]]) -> int:
    conn.executemany(INSERTS[table], rows)
    return len(rows)


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def people_rows(world: World) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows of `users` and `person_settings` (a few opted out, a few with routing off)."""
    rng = world.rng
    users = [
        (TEAM, uid, f"person{n}", f"Person {n}", world.now) for n, uid in enumerate(world.people)
    ]
    settings = []
    for uid in world.people:
        roll = rng.random()
        if roll < 0.03:
            settings.append((TEAM, uid, int(roll < 0.005), "off" if roll >= 0.015 else None))
    return users, settings


def flag_rows(world: World, items: Any) -> Iterator[tuple[Any, ...]]:
    """Flags on 0.1% of items; a third of those reach the hiding limit of three flaggers."""
    rng = world.rng
    for n in rng.sample(range(len(items.ids)), len(items.ids) // 1000):
        channel, at = items.channel[n], items.at[n]
        for flagger in rng.sample(range(len(world.people)), rng.choice((1, 2, 3, 4))):
            yield (
                TEAM,
                items.ids[n],
                world.people[flagger],
                f"m:{world.channels[channel]}:{at:.6f}",
                int(world.private[channel]),
                at + 3600,
            )


def open_questions(world: World, count: int, write: Writer) -> list[tuple[Any, ...]]:
    """Posted, unanswered questions of the last two weeks (not items)."""
    rng, rows = world.rng, []
    for n in range(count):
        at = world.now - rng.uniform(0, 14 * DAY)
        channel = rng.randrange(len(world.channels))
        rows.append(
            (
                f"q{int(at * 1000):011x}{n:06x}",
                TEAM,
                world.people[rng.randrange(len(world.people))],
                0,
                write.question(),
                "open",
                world.channels[channel],
                f"{at:.6f}",
                int(world.private[channel]),
                at - 30,
                at,
                None,
                None,
                None,
                None,
                None,
                None,
            )
        )
    return rows


def routing_rows(world: World, questions: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every posted question was routed to three people when it was posted."""
    rng, rows = world.rng, []
    for row in questions:
        for person in rng.sample(range(len(world.people)), 3):
            rows.append((TEAM, row[0], world.people[person], row[10]))
    return rows


def generate(path: Path, sizes: Sizes, now: float, seed: int) -> dict[str, int]:
    """Create the schema with `connect` + `migrate`, then bulk-insert the store; rows per
    table."""
    db = connect(str(path))
    migrate(db)
    conn = db.conn
    conn.execute("PRAGMA journal_mode = DELETE")  # one big file write per transaction
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    shape = WorldSizes(sizes.people, sizes.channels, sizes.items, sizes.votes)
    world = make_world(shape, now, seed)
    items = make_items(world, sizes.items)
    asked = set(world.rng.sample(range(sizes.items), min(sizes.questions, sizes.items)))
    for n in asked:
        items.extra.pop(n, None)  # a question's item has one share: its card
    counts = vote_counts(world, items, sizes.votes)
    users, settings = people_rows(world)
    written: dict[str, int] = {}
    with conn:
        written["users"] = _insert(conn, "users", users)
        written["person_settings"] = _insert(conn, "person_settings", settings)
        written["channels"] = _insert(
            conn,
            "channels",
            [
                (TEAM, cid, f"channel-{n}", int(world.private[n]), now)
                for n, cid in enumerate(world.channels)
            ],
        )
    texts, answered = Texts(world, items, asked, seed), []
    for start in range(0, sizes.items, CHUNK):
        rows = texts.rows(start, min(sizes.items, start + CHUNK))
        answered += rows.questions
        with conn:
            for table in ("items", "shares", "docs", "terms", "questions"):
                written[table] = written.get(table, 0) + _insert(conn, table, getattr(rows, table))
    for table, source in (
        ("votes", vote_rows(world, items, counts)),
        ("flags", flag_rows(world, items)),
    ):
        for chunk in _chunks(source, 500_000):
            with conn:
                written[table] = written.get(table, 0) + _insert(conn, table, chunk)
    waiting = open_questions(world, max(5, sizes.questions // 10), texts.write)
    with conn:
        written["questions"] += _insert(conn, "questions", waiting)
        written["routings"] = _insert(conn, "routings", routing_rows(world, answered + waiting))
        conn.execute(
            "INSERT INTO term_df (team_id, term, df) SELECT team_id, term, count(*)"
            " FROM item_terms GROUP BY team_id, term"
        )
        written["term_df"] = conn.execute("SELECT count(*) FROM term_df").fetchone()[0]
        # Each workspace's item count, as capture keeps it (`team_items`, migration 25).
        conn.execute("INSERT INTO team_items SELECT team_id, count(*) FROM items GROUP BY team_id")
    with conn:
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
        # Well-voted items' documents also go in search_top, as search_index.sync_item does.
        conn.execute(
            "UPDATE search_docs SET top = 1 WHERE item_id IN (SELECT item_id FROM votes"
            f" GROUP BY item_id HAVING count(DISTINCT voter) >= {TOP_VOTES})"
        )
        conn.execute(
            "INSERT INTO search_top (rowid, title, body, scope)"
            " SELECT rowid, title, body, scope FROM search_docs WHERE top = 1"
        )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return written


def timed_generate(path: Path, sizes: Sizes, now: float, seed: int) -> None:
    """`generate` (into PATH.part, renamed when complete), printing rows and time taken."""
    run_timed(path, lambda part: generate(part, sizes, now, seed))


# -- what is asked ----------------------------------------------------------------------------
NATURAL = ("how to {} {} on {}", "the {} of {}", "{} for {} and {}")


def _typo(rng: random.Random, word: str) -> str:
    at = rng.randrange(len(word))
    return word[:at] + rng.choice("qxjz") + word[at + 1 :]


def search_queries(db: Any, count: int, seed: int) -> list[tuple[str, str]]:
    """`count` /find queries as (class, text): a third single very common words, a third rare
    words (a few with no match at all), a third several words and quoted phrases."""
    rng = random.Random(seed + 2)
    write = Writer(rng)
    common = HEAD[:25]

    def matches(word: str) -> int:
        return int(
            db.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", [f'"{word}"']
            ).fetchone()[0]
        )

    def rare() -> str:
        roll = rng.random()
        if roll < 0.1:
            return _typo(rng, rng.choice(HEAD))
        if roll < 0.5:
            rank = int(math.exp(rng.uniform(math.log(5000), math.log(VOCABULARY))))
            return write.vocabulary[min(rank, VOCABULARY - 1)]
        for _ in range(200):  # a made-up rare word that some document has
            word = rare_word(rng.randrange(RARE))
            if matches(word):
                return word
        return word

    def mixed() -> str:
        pair = " ".join(rng.choice(PHRASES))
        shapes: tuple[Callable[[], str], ...] = (
            lambda: " ".join(rng.sample(common, 2)),
            lambda: f"{rng.choice(common)} {rare()}",
            lambda: f"{' '.join(rng.sample(common, 2))} {write.content(1)[0]}",
            lambda: f'"{pair}"',
            lambda: f'"{pair}" {rng.choice(common)}',
            lambda: f'"{" ".join(rng.sample(common, 2))}"',
            lambda: write.fill(rng.choice(NATURAL)),
        )
        return rng.choice(shapes)()

    makers: tuple[tuple[str, Callable[[], str]], ...] = (
        ("common", lambda: rng.choice(common)),
        ("rare", rare),
        ("mixed", mixed),
    )
    found = [(name, make()) for n in range(count) for name, make in [makers[n % 3]]]
    rng.shuffle(found)
    return found


def expert_questions(count: int, seed: int) -> list[str]:
    """`count` questions as people type them into /ask."""
    write = Writer(random.Random(seed + 3))
    return [write.question() for _ in range(count)]
