"""Block Kit for /til cards and /ask: cards, suggestions and the private best-answer chooser.

Pure functions. Every piece of what people typed is made readable and then escaped, so a
question carrying `<!channel>` or `<@U…>` pings nobody.
"""

from __future__ import annotations

from typing import Any

from bot.models import ANSWER_BLOCK
from bot.slacktext import cut, escape, readable, safe_url
from bot.store import Question, Reply
from handlers.blocks.common import SECTION_TEXT, Block, context, section

CHOOSER_REPLIES = 40  # 40 sections and a header stay under Slack's 50 blocks
QUESTION_EVENT = "serendip_question"
ANSWER_LINES, ANSWER_CHARS = 3, 500


def inert(text: str, limit: int = SECTION_TEXT) -> str:
    """What a person typed, as mrkdwn that links, mentions and pings nothing."""
    return escape(cut(readable(text), limit))


def build_til_card(text: str, author: str) -> dict[str, Any]:
    """The card /til posts in the channel, credited to the person who learned."""
    body = inert(text, 2900)
    credit = f"Shared by {escape(author)} with `/til` · react to mark it useful"
    blocks = [section(f":bulb: *Today I learned*\n{body}"), context(credit)]
    # The fallback text is what notifications show: inert too.
    return {"text": f"{escape(cut(author, 100))} learned: {inert(text, 2800)}", "blocks": blocks}


def asker_label(question: Question, name: str | None) -> str:
    """Who asked, as the card shows it: nobody's name for an anonymous question."""
    if question.anon:
        return "someone who asked anonymously"
    return escape(name or "a colleague")


def build_question_card(
    question: Question, asker: str | None, answerer: str | None = None
) -> dict[str, Any]:
    """The question as posted (answers go in its thread), and once answered, the best
    answer's first lines and who gave it (a block of its own, which the answerer's forget-me
    takes off the card)."""
    how = (
        "The asker picks the best answer privately."
        if question.anon
        else "The asker marks the best answer with :white_check_mark:."
    )
    blocks = [
        section(f":question: *Question* from {asker_label(question, asker)}"),
        section(inert(question.text, 2900)),
        context(f"Know the answer, or who might? Reply in the thread. {how}"),
    ]
    if question.status == "answered":
        blocks.append(_best_answer_block(question, answerer))
    metadata = {"event_type": QUESTION_EVENT, "event_payload": {"question_id": question.id}}
    text = f"Question: {inert(question.text, 2900)}"
    return {"text": text, "blocks": blocks, "metadata": metadata}


def first_lines(text: str, lines: int = ANSWER_LINES, limit: int = ANSWER_CHARS) -> str:
    """The first few non-empty lines of what someone wrote, readable and inert."""
    every = [line for line in readable(text).splitlines() if line.strip()]
    shown = cut("\n".join(every[:lines]), limit)
    if len(every) > lines and not shown.endswith("…"):
        shown += "…"
    return escape(shown)


def _best_answer_block(question: Question, answerer: str | None) -> Block:
    who = escape(answerer or "a colleague")
    quoted = first_lines(question.best_text or "").replace("\n", "\n>")
    text = f":white_check_mark: *Answered* by {who}, the best answer in the thread:\n>{quoted}"
    block = section(text)
    block["block_id"] = ANSWER_BLOCK
    return block


def build_suggestions(question_id: str, results: list[Block]) -> dict[str, Any]:
    """Matches found before posting, and the choice to post anyway."""
    buttons = [
        {
            "type": "button",
            "action_id": "ask_post",
            "value": question_id,
            "style": "primary",
            "text": {"type": "plain_text", "text": "Post my question"},
        },
        {
            "type": "button",
            "action_id": "ask_cancel",
            "value": question_id,
            "text": {"type": "plain_text", "text": "That answers it"},
        },
    ]
    blocks = [
        section("*Maybe this answers it?* The team already has:"),
        *results,
        {"type": "actions", "block_id": "ask_choice", "elements": buttons},
    ]
    return {"response_type": "ephemeral", "text": "Maybe this answers it?", "blocks": blocks}


def build_best_answer_note(answerer: str) -> dict[str, Any]:
    """The thread note crediting the best answer."""
    text = f":white_check_mark: The asker chose {escape(answerer)}'s reply as the best answer."
    return {"text": text, "blocks": [section(text)]}


def build_answer_thanks(asker: str | None, minutes: int, link: str | None) -> dict[str, Any]:
    """The direct message telling someone their reply was chosen as the best answer."""
    who = escape(asker) if asker else "someone"
    text = f":tada: Your answer helped {who}"
    text += f": about {minutes} minutes saved." if minutes > 0 else "."
    blocks = [section(text)]
    if link:
        blocks.append(context(f"<{safe_url(link)}|See the question>"))
    return {"text": text, "blocks": blocks}


def build_claim_note(expert: str) -> dict[str, Any]:
    """The thread note saying an expert will answer."""
    text = f":raising_hand: {escape(expert)} is on it."
    return {"text": text, "blocks": [section(text)]}


def build_chooser(
    question: Question, replies: list[Reply], names: dict[str, str]
) -> dict[str, Any]:
    """The anonymous asker's private list of replies, a "Best answer" button on each."""
    shown = replies[-CHOOSER_REPLIES:]
    plural = "y" if len(replies) == 1 else "ies"
    blocks = [
        section(
            f"Your anonymous question has {len(replies)} repl{plural}. "
            "Choose the best answer here; nobody learns that you asked.\n"
            f">{inert(question.text, 500)}"
        )
    ]
    for reply in shown:
        chosen = reply.ts == question.best_ts
        who = escape(names.get(reply.user, "a colleague"))
        block = section(
            f"{':white_check_mark: ' if chosen else ''}*{who}*: {inert(reply.text, 2500)}"
        )
        if not chosen:
            value = f"{question.id}|{reply.ts}"
            block["accessory"] = {
                "type": "button",
                "action_id": "ask_choose_best",
                "value": value,
                "text": {"type": "plain_text", "text": "Best answer"},
            }
        blocks.append(block)
    return {"text": "Choose the best answer to your anonymous question", "blocks": blocks}
