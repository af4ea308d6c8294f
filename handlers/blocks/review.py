"""Block Kit for the admins' flag review, built by pure functions within Slack's limits.

User text is cut before it is escaped (so no entity is cut in half) and escaped before it is
shown, so a title carrying `<!channel>` pings nobody. Flaggers are counted, never named.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from bot.slacktext import escape
from bot.store import FLAG_LIMIT, REVIEW_LIMIT, FlaggedItem
from handlers.blocks.common import Block, section

HEAD_LIMIT = 120  # characters of title (or URL) before escaping; each is at most 5 after it
QUOTE_LIMIT = 280  # so a section stays well under 3,000 characters however it escapes
URL_LIMIT = 600  # a longer URL is shown cut, unlinked: a cut link would lead somewhere else
VALUE_LIMIT = 2000  # Slack's limit on a button value
NOTHING = "Nothing is flagged."
KINDS = {"link": "Link", "learning": "Learning", "question": "Question"}


def _cut(text: str, limit: int) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_url(url: str) -> str:
    """A URL that cannot close Slack's `<url|label>` markup early."""
    return url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def _plain(text: str) -> dict[str, str]:
    """A plain_text object (button labels and the confirm dialog)."""
    return {"type": "plain_text", "text": text}


def _meta(item: FlaggedItem) -> str:
    """Kind, how many flagged it, and whether digests and search hide it."""
    people = "person" if item.flaggers == 1 else "people"
    state = "*hidden* from digests and search" if item.hidden else "still shown"
    kind = KINDS.get(item.kind, escape(item.kind))
    return f"{kind} · flagged by {item.flaggers} {people} · {state}"


def _face(item: FlaggedItem) -> str:
    """The item as a person reads it: its title (or URL), linked, then what its share said."""
    url = _safe_url(item.url or "")
    label = escape(_cut(item.title or item.url or "", HEAD_LIMIT))
    lines = []
    if url and len(url) <= URL_LIMIT:
        lines.append(f"*<{url}|{label}>*")
    elif label:
        lines.append(f"*{label}*")
    if item.text:
        lines.append(f"> {escape(_cut(item.text, QUOTE_LIMIT))}")
    if item.private_channel:
        lines.append(f"_Private to <#{escape(item.private_channel)}>._")
    return "\n".join(lines) or "_(no text)_"


def describe_item(item: FlaggedItem, readable: Collection[str]) -> str:
    """One item's section text; a private item's content only for members of its channel."""
    if item.private_channel and item.private_channel not in readable:
        # What is learned in a private channel stays there, even from admins who are not in it.
        face = "_Shared in a private channel you are not in; what it says stays there._"
    else:
        face = _face(item)
    return f"{face}\n{_meta(item)}"


def build_review_buttons(item_id: str) -> Block:
    """ "Restore" and "Remove" for one item; the value is the item's id."""
    value = item_id[:VALUE_LIMIT]
    warning = "It is deleted from Serendip with its shares, votes and flags. No undo."
    confirm = {
        "title": _plain("Remove this item?"),
        "text": _plain(warning),
        "confirm": _plain("Remove"),
        "deny": _plain("Cancel"),
    }
    buttons = [
        {"type": "button", "action_id": "flags_restore", "value": value, "text": _plain("Restore")},
        {
            "type": "button",
            "action_id": "flags_remove",
            "value": value,
            "style": "danger",
            "text": _plain("Remove"),
            "confirm": confirm,
        },
    ]
    return {"type": "actions", "elements": buttons}


def _intro(shown: int, total: int, note: str | None) -> str:
    """What the last button did, how many are flagged, and what the buttons do."""
    lines = [note] if note else []
    lines.append(
        f"*{total} flagged item{'' if total == 1 else 's'}.* Items flagged by {FLAG_LIMIT} or "
        "more people are hidden from digests and search. Who flagged is never shown. "
        "*Restore* clears an item's flags; *Remove* deletes it."
    )
    if shown < total:
        lines.append(f"The {shown} most flagged are listed; act on them to see the others.")
    return "\n".join(lines)


def build_flag_review(
    flagged: Sequence[FlaggedItem],
    total: int,
    readable: Collection[str] = (),
    note: str | None = None,
) -> dict[str, Any]:
    """The review message: each flagged item with its buttons (at most 41 blocks).

    `readable` names the private channels the admin is in; `note` (our own text) says what the
    last button did.
    """
    shown = list(flagged[:REVIEW_LIMIT])
    if not shown:
        text = f"{note} {NOTHING}" if note else NOTHING
        return {"text": text, "blocks": [section(text)]}
    total = max(total, len(shown))
    blocks = [section(_intro(len(shown), total, note))]
    for item in shown:
        blocks += [section(describe_item(item, readable)), build_review_buttons(item.item_id)]
    text = f"{note} " if note else ""
    return {"text": f"{text}{total} flagged item(s) to review.", "blocks": blocks}
