"""The question part of `serendip demo`: asked, routed, answered, then found with /find.

Every step goes through the real bot over Socket Mode: the slash command, the expert's direct
message, the reply in the thread, the asker's check mark and the search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.slacktext import readable
from bot.store import Store
from localslack import LocalSlack

JSON = dict[str, Any]
QUESTION_EVENT = "serendip_question"
ASKER, EXPERT, SEARCHER, CHANNEL = "U02BO", "U01ANA", "U03CY", "C01ENG"
QUESTION = "Who can explain how sqlite WAL checkpoints work?"
ANSWER = (
    "A checkpoint copies pages from the WAL back into the database file; "
    "PRAGMA wal_checkpoint(TRUNCATE) forces one and empties the WAL."
)
SEARCH = "wal checkpoint truncate"


@dataclass
class QuestionFlow:
    """What the show saw happen to its question."""

    routed_to: list[str]
    answered: bool
    found: list[str]

    def summary(self, names: dict[str, str]) -> str:
        """One line: who was asked, whether it was answered, what /find found."""
        asked = ", ".join(names.get(u, u) for u in self.routed_to) or "nobody"
        state = "answered" if self.answered else "not answered"
        return f"Question: routed to {asked}, {state}, found by /find: {len(self.found)} result(s)."


def _card(slack: LocalSlack) -> JSON | None:
    for message in reversed(slack.messages(CHANNEL)):
        if (message.get("metadata") or {}).get("event_type") == QUESTION_EVENT:
            return message
    return None


def _button(body: JSON, action_id: str) -> str | None:
    """The value of a button in a message, if it has one."""
    for block in body.get("blocks") or []:
        for element in block.get("elements") or [] if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return str(element.get("value"))
    return None


def _result_lines(body: JSON) -> list[str]:
    """The results of a /find answer, as plain text lines."""
    blocks = body.get("blocks") or []
    return [
        readable(b["text"]["text"]).replace("\n", " / ")
        for b in blocks[1:]
        if b.get("type") == "section"
    ]


async def show_question_flow(
    slack: LocalSlack,
    store: Store,
    settle: Callable[[], Any],
    names: dict[str, str],
    say: Callable[[str], None],
) -> QuestionFlow:
    """Ask, let the expert answer, mark the best answer, then search for it."""
    say(f"\nA question: {names[ASKER]} in #engineering: /ask {QUESTION}")
    ack = await slack.slash_command(ASKER, CHANNEL, "/ask", QUESTION)
    await settle()
    answer = slack.responses[-1] if slack.responses else (ack.body or {})
    post = _button(answer, "ask_post")
    if post:  # the team's WAL article matches most of its words: suggested first
        say(f"         (only they see) {readable(str(answer.get('text')))}")
        for line in _result_lines(answer):
            say(f"         {line[:150]}")
        say(f"  {names[ASKER]:>6} wants to know about checkpoints: presses Post my question")
        await slack.block_action(
            ASKER, "ask_post", post, channel=CHANNEL, container_type="ephemeral"
        )
        await settle()
        answer = slack.responses[-1]
    reply = str(answer.get("text"))
    say(f"         (only they see) {readable(reply.replace(f'<#{CHANNEL}>', '#engineering'))}")
    routed = sorted(
        {
            str(c.args.get("channel"))
            for c in slack.calls_of("chat.postMessage")
            if str(c.args.get("channel", ""))[:1] in ("U", "W")
            and "may know about" in str(c.args.get("text"))
        }
    )
    for person in routed:
        say(f"  Serendip sends {names.get(person, person)} a direct message: you may know this")
    card = _card(slack)
    answered = False
    if card is not None:
        say(f"  {names[EXPERT]:>6} replies in the thread: {ANSWER[:80]}…")
        answer = await slack.post_message(EXPERT, CHANNEL, ANSWER, thread_ts=str(card["ts"]))
        say(f"  {names[ASKER]:>6} marks it :white_check_mark: (the best answer)")
        await slack.add_reaction(ASKER, CHANNEL, str(answer["ts"]), "white_check_mark")
        await settle()
        question = await store.question_at_card(slack.team_id, CHANNEL, str(card["ts"]))
        answered = question is not None and question.status == "answered"
    say(f"  {names[SEARCHER]:>6} in #engineering: /find {SEARCH}")
    await slack.slash_command(SEARCHER, CHANNEL, "/find", SEARCH)
    await settle()
    found = _result_lines(slack.responses[-1]) if slack.responses else []
    for line in found:
        say(f"         {line[:150]}")
    return QuestionFlow(routed, answered, found)
