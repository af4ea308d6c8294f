"""The interaction graph from an export: the live bot's counts, from what a message says.

A reaction (any emoji) counts from each of its `users` towards the message's author; a thread
reply towards its `parent_user_id`; a reply by the thread's starter towards everyone who
replied since the starter last spoke there; a mention towards the person mentioned. The same
people are left out as live: bots, other organisations' people, people who opted out (on either
side), and `!nda` messages (a reaction on one, or a reply under one, counts nothing either).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.capture_rules import (
    CAPTURED_SUBTYPES,
    SLACKBOT,
    author_exclusion,
    interaction_targets,
    is_from_bot,
    parse,
    thread_parent,
)
from bot.importing.messages import Rules, message_text
from bot.models import ChannelInfo, ImportedInteraction
from bot.store import week_of


@dataclass
class Threads:
    """What one import run remembers of threads while it reads them in order (never stored):
    who replied since each starter last spoke, and which threads hang under an `!nda`."""

    waiting: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    nda: set[tuple[str, str]] = field(default_factory=set)


def counts_person(user: object, rules: Rules) -> bool:
    """Whether a person may be on either side of a count."""
    return (
        isinstance(user, str)
        and bool(user)
        and user != SLACKBOT
        and user not in rules.bots
        and user not in rules.outsiders
        and user not in rules.opted_out
        and (not rules.people or user in rules.people)
    )


def message_interactions(
    message: object, channel: ChannelInfo, rules: Rules, threads: Threads
) -> list[ImportedInteraction]:
    """The counts one exported message adds (its reactions included)."""
    if not isinstance(message, Mapping) or not isinstance(message.get("ts"), str):
        return []
    if message.get("subtype") not in CAPTURED_SUBTYPES or is_from_bot(message):
        return []
    ts, thread_ts = str(message["ts"]), message.get("thread_ts")
    if parse(message, message_text(message)).nda:
        threads.nda.add((channel.id, ts))
        return []
    if author_exclusion(rules.team_id, message, rules.org_teams) is not None:
        return []
    author = str(message["user"])
    scope = channel.id if channel.is_private else ""
    week = week_of(float(ts))
    found = _reactions(message, author, scope, rules)
    targets = interaction_targets(message, message_text(message))
    if isinstance(thread_ts, str) and thread_ts != ts:
        targets = _thread_targets(message, author, (channel.id, thread_ts), targets, threads)
    if not counts_person(author, rules):
        return []
    seen: set[tuple[str, str]] = set()
    for target, kind in targets:
        if (target, kind) not in seen and target != author and counts_person(target, rules):
            seen.add((target, kind))
            found.append((week, scope, author, target, kind))
    return found


def _thread_targets(
    message: Mapping[str, Any],
    author: str,
    thread: tuple[str, str],
    targets: list[tuple[str, str]],
    threads: Threads,
) -> list[tuple[str, str]]:
    """A reply's targets: none under an `!nda` parent; a starter's reply back answers whoever
    replied since they last spoke."""
    if thread in threads.nda:
        return []  # nothing under an `!nda` message counts, not even its mentions
    waiting = threads.waiting.setdefault(thread, [])
    if thread_parent(message) == author:
        answered = list(dict.fromkeys(waiting))
        waiting.clear()
        return targets + [(person, "reply") for person in answered]
    waiting.append(author)
    return targets


def _reactions(
    message: Mapping[str, Any], author: str, scope: str, rules: Rules
) -> list[ImportedInteraction]:
    """Each reactor once per emoji, towards the author; the week is the message's (an export
    does not say when a reaction was added)."""
    if not counts_person(author, rules):
        return []
    week = week_of(float(str(message["ts"])))
    found: list[ImportedInteraction] = []
    reactions = message.get("reactions")
    for reaction in reactions if isinstance(reactions, list) else []:
        users = reaction.get("users") if isinstance(reaction, Mapping) else None
        for user in users if isinstance(users, list) else []:
            if user != author and counts_person(user, rules):
                found.append((week, scope, str(user), author, "reaction"))
    return found
