"""Block Kit for meeting Serendip: Home's welcome view, the answer to an @mention, the "Ask
the team" modal and "Your learning network" on Home. Pure functions within Slack's limits;
every text a person wrote (titles, names, words) is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.slacktext import escape
from handlers.blocks.common import Block, context, section
from handlers.blocks.home import button, clip, header, link
from handlers.blocks.modals import modal

WELCOME_TEXT = (
    "Serendip keeps the links and learnings your colleagues share in the channels it is in, "
    "so what helped one person can help the next: search them with `/find`, ask the people "
    "likely to know with `/ask`, and get a weekly digest of what colleagues found useful."
)
NO_PREVIEW = "Nothing new for you right now: it fills as your colleagues share and vote."
MENTION_HELP = (
    "Mention me with a few words (`@Serendip onboarding checklist`) and I reply with what the "
    "team shared about them.\n`/find` searches, `/ask` asks your colleagues, `/til` records "
    "a learning; the Home tab has your digest and settings."
)
ASK_BLOCK, ASK_ACTION = "ask_question", "text"
BUTTON_VALUE = 2000  # Slack's limit for a button's value


@dataclass(frozen=True)
class PreviewItem:
    """One item of the person's digest as it would go out now."""

    title: str
    url: str | None
    sharer: str | None  # a display name, never a mention


@dataclass(frozen=True)
class Welcome:
    """What the welcome view shows one person."""

    preview: Sequence[PreviewItem]
    gets_digest: bool  # they would get the weekly digest as things stand


def preview_line(item: PreviewItem) -> str:
    """• a linked title, and who shared it."""
    by = f" · shared by {clip(item.sharer, 80)}" if item.sharer else ""
    return f"• {link(item.url, clip(item.title, 150))}{by}"


def digest_button(gets_digest: bool) -> Block:
    """**Stop my digest** for someone who gets it, else **Send me the weekly digest** (the
    Home cadence buttons' own actions)."""
    if gets_digest:
        return button("home_cadence_off", "Stop my digest", "off")
    return button("home_cadence_weekly", "Send me the weekly digest", "weekly", "primary")


def build_welcome(welcome: Welcome) -> list[Block]:
    """What tops Home the first time a person opens it."""
    lines = [preview_line(item) for item in welcome.preview]
    why = "you get it every week" if welcome.gets_digest else "you do not get it yet"
    return [
        header("Welcome to Serendip"),
        section(WELCOME_TEXT),
        header("Your digest, if it went out now"),
        section("\n".join(lines) if lines else NO_PREVIEW),
        context(f"As things stand, {why}."),
        {
            "type": "actions",
            "block_id": "welcome_digest",
            "elements": [digest_button(welcome.gets_digest)],
        },
        {"type": "divider"},
    ]


def build_mention_help() -> dict[str, Any]:
    """The two-line reply to a mention with no words."""
    return {"text": MENTION_HELP, "blocks": [section(MENTION_HELP)]}


def build_mention_answer(words: str, results: list[Block]) -> dict[str, Any]:
    """Up to three results for a mention's words (already built), and **Ask the team**."""
    quoted = escape(" ".join(words.split())[:200])
    head = f"What the team shared about “{quoted}”:" if results else ""
    head = head or f"Nothing shared about “{quoted}” yet. Your colleagues may know:"
    ask = button("mention_ask", "Ask the team", words[:BUTTON_VALUE], "primary")
    blocks = [
        section(head),
        *results,
        {"type": "actions", "block_id": "mention_ask", "elements": [ask]},
    ]
    return {"text": head, "blocks": blocks}


def build_ask_modal(words: str, channel: str, ask_channel: str | None = None) -> dict[str, Any]:
    """/ask as a modal: the question (the mention's words to start with), asked in `channel`,
    or in the workspace's ask channel when one is set (as /ask does): the note says which."""
    element: Block = {
        "type": "plain_text_input",
        "action_id": ASK_ACTION,
        "multiline": True,
        "max_length": 3000,
    }
    if words.strip():
        element["initial_value"] = words[:3000]
    question = {
        "type": "input",
        "block_id": ASK_BLOCK,
        "element": element,
        "label": {"type": "plain_text", "text": "Your question"},
    }
    where = f"Posted in <#{ask_channel}>" if ask_channel else "Posted in this channel"
    note = context(f"{where}; up to 3 colleagues likely to know are asked too.")
    view = modal("ask_modal", "Ask the team", [question, note], "Ask")
    view["private_metadata"] = channel
    return view


def build_network(
    found_useful: Sequence[tuple[str, int]], found_yours: Sequence[tuple[str, int]]
) -> list[Block]:
    """ "Your learning network": (name, items) both ways, from public useful votes."""

    def names(people: Sequence[tuple[str, int]]) -> str:
        return ", ".join(f"{clip(name, 80)} ({count})" for name, count in people) or "nobody yet"

    return [
        header("Your learning network"),
        section(f"*Whose shares you found useful:* {names(found_useful)}"),
        section(f"*Who found your shares useful:* {names(found_yours)}"),
        context("Only you see this. Counted from useful votes on public shares."),
    ]
