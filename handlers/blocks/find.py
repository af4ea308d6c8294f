"""Block Kit for /find results, built by pure functions within Slack's limits.

Every piece of stored text is escaped, so a title or share carrying `<!channel>` pings nobody.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.slacktext import cut, escape, safe_url
from bot.store import Hit
from bot.titles import clean_title, site_of
from handlers.blocks.common import SECTION_TEXT

PAGE = 5
SNIPPET = 280
FIND_ASK_TEAM = "find_ask_team"
# The ask modal's ids: the same modal the "Ask the team" under an @mention answer opens.
ASK_MODAL, ASK_BLOCK, ASK_ACTION = "ask_modal", "ask_question", "text"
MAX_QUESTION = 2000  # a button's value, and so the words it carries to the modal
KIND_LABEL = {"link": "Link", "learning": "Learning", "question": "Answered question"}


@dataclass(frozen=True)
class Shown:
    """One result as /find shows it: the hit, names and the original message's permalink."""

    hit: Hit
    sharer: str | None
    answerer: str | None
    permalink: str | None


def hit_text(shown: Shown) -> str:
    """The mrkdwn of one result: title or link, what was said, and for a question its answer."""
    hit = shown.hit
    said = clean_title(hit.text)
    text = escape(cut(said, SNIPPET))
    if hit.kind == "question":
        answer = escape(cut(" ".join((hit.answer or "").split()), SNIPPET))
        by = f" ({escape(shown.answerer)})" if shown.answerer else ""
        return cut(f"*Q: {text}*\n*Best answer*{by}: {answer}", SECTION_TEXT)
    # A link is named by its page's title (or its site), a learning by its words.
    named = clean_title(hit.title) if hit.kind == "link" else said or clean_title(hit.title)
    label = escape(cut(named or site_of(hit.url or "") or said, 200))
    head = f"*<{safe_url(hit.url)}|{label}>*" if hit.url else f"*{label}*"
    body = f"\n{text}" if text and escape(cut(said, 200)) != label else ""
    return cut(f"{head}{body}", SECTION_TEXT)


def shared_on(ts: str) -> str:
    """The date of a share, in the reader's own time zone (Slack formats it), with the UTC
    date for clients that cannot."""
    try:
        when = datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError):
        return ""
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}}|{when:%Y-%m-%d}>"


def hit_context(shown: Shown) -> str:
    """Kind, who shared it and when, votes and where it was said."""
    hit = shown.hit
    parts = [KIND_LABEL.get(hit.kind, hit.kind)]
    if shown.sharer:
        parts.append(f"{'asked' if hit.kind == 'question' else 'shared'} by {escape(shown.sharer)}")
    if when := shared_on(hit.ts):
        parts.append(when)
    parts.append(f"{hit.votes} useful vote{'s' if hit.votes != 1 else ''}")
    if shown.permalink:
        parts.append(f"<{safe_url(shown.permalink)}|original message>")
    return " · ".join(parts)


def hit_blocks(shown: Shown) -> list[dict[str, Any]]:
    """One result: its section and its context line."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": hit_text(shown)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": hit_context(shown)}]},
    ]


def build_find_results(query: str, shown: list[Shown], offset: int, total: int) -> dict[str, Any]:
    """A page of results (at most PAGE) with a "more" button while more remain."""
    end = offset + len(shown)
    head = f"Results {offset + 1} to {end} of {total} for “{escape(cut(query, 200))}”"
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": head}}]
    for one in shown:
        blocks += hit_blocks(one)
    if end < total:
        value = _more_value(query, end)
        blocks.append(
            {
                "type": "actions",
                "block_id": "find_more",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "find_more",
                        "value": value,
                        "text": {"type": "plain_text", "text": "More results"},
                    },
                ],
            }
        )
    fallback = f"{total} result{'s' if total != 1 else ''} for {escape(cut(query, 200))}"
    return {"response_type": "ephemeral", "text": fallback, "blocks": blocks}


def saved_blocks(saved: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """The person's own bookmarks that match, (readable text, permalink): theirs alone."""
    if not saved:
        return []
    lines = []
    for text, url in saved:
        flat = escape(cut(" ".join(text.split()), 200))
        lines.append(f"• <{url}|{flat}>" if url and url.startswith("https://") else f"• {flat}")
    head = "*From your saved messages* (only you see these)"
    return [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut("\n".join([head, *lines]), SECTION_TEXT)},
        }
    ]


def build_no_results(query: str, noted: bool = False) -> dict[str, Any]:
    """Nothing found: say so (and whether the words were noted as a knowledge gap), and offer
    to ask the team with the same words."""
    said = f"Nothing the team shared matches “{escape(cut(query, 200))}” yet."
    ask = "Ask your colleagues and the answer will be found next time."
    text = f"{said} I noted it as a knowledge gap. {ask}" if noted else f"{said} {ask}"
    button = {
        "type": "button",
        "action_id": FIND_ASK_TEAM,
        "value": query[:MAX_QUESTION],  # Slack allows 2,000 characters in a button's value
        "text": {"type": "plain_text", "text": "Ask the team"},
        "style": "primary",
    }
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": FIND_ASK_TEAM, "elements": [button]},
    ]
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}


def build_vague_query(query: str, operators_only: bool) -> dict[str, Any]:
    """A query that names nothing (common words, or only AND/OR/NOT) searches for nothing."""
    what = "only search operators" if operators_only else "only common words"
    text = (
        f"“{escape(cut(query, 200))}” has {what}, so there is nothing to look for. Add a word "
        'that says what it is about (quote a phrase to find it as is: `/find "to be or not"`).'
    )
    return {"response_type": "ephemeral", "text": text}


def _more_value(query: str, offset: int) -> str:
    """The query and offset a "more" button carries, within Slack's 2,000 characters."""
    for size in (1500, 700, 300, 100):
        value = json.dumps({"q": query[:size], "o": offset}, ensure_ascii=False)
        if len(value) <= 2000:
            return value
    return json.dumps({"q": "".join(ch for ch in query[:100] if ch.isascii()), "o": offset})


def parse_more(value: str) -> tuple[str, int] | None:
    """The query and offset a "more" button carries; None for anything malformed."""
    try:
        data = json.loads(value)
        query, offset = str(data["q"]), int(data["o"])
    except (ValueError, TypeError, KeyError):
        return None
    return (query, offset) if 0 <= offset <= 10_000 and query.strip() else None
