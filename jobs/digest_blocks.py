"""Block Kit for digests (issue 3), built by pure functions within Slack's limits.

All user-supplied and fetched text is escaped (`&`, `<`, `>`), so a title carrying
`<!channel>` or `<@U…>` pings nobody. At most 50 blocks, 3,000 characters per section text,
150 per header; a plain-text fallback goes with every message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.slacktext import cut, escape, readable, safe_url
from bot.titles import clean_title, site_of
from jobs.ranking import why_counted, why_with_one_vote_fewer

Block = dict[str, Any]
MAX_BLOCKS = 50
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
TITLE_LIMIT = 200
ANSWER_LIMIT = 200  # a best answer's first line: a teaser, the thread has the rest
OPTION_VALUE_LIMIT = 150
ITEM_MENU = "digest_item"
MENU_ACTIONS = ("useful", "less")
VOTED = " · ✓ you found this useful"  # on the first line of an item its reader voted for


@dataclass(frozen=True)
class DigestItem:
    """One item as a digest shows it."""

    item_id: str
    title: str
    url: str | None
    sharer: str | None  # a display name, as text: a mention would notify them in a channel
    votes: int
    why: str
    people: tuple[str, ...] = ()  # the user ids it shows the name or words of (forget-me)
    named: tuple[str, ...] = ()  # the voters its why line names (forget-me rewrites the line)
    kind: str = "link"  # link, learning or question
    link: str | None = None  # the message of a learning, the thread of a question
    answer: str | None = None  # a question's best answer
    answerer: str | None = None  # who gave it (a display name)


@dataclass(frozen=True)
class DigestSection:
    """A heading and its items."""

    heading: str
    items: tuple[DigestItem, ...]
    buttons: bool = True  # "Useful" and "Less like this" (not for open questions)


@dataclass(frozen=True)
class DigestView:
    """Everything a digest message shows."""

    title: str
    sections: tuple[DigestSection, ...]
    intro: str | None = None  # e.g. the first digest's "why you get this, how to stop"
    footer: tuple[str, ...] = field(default=())
    lead: tuple[str, ...] = field(default=())  # first, under the title: the reader's impact
    notice: str | None = None  # digest fatigue: "monthly from now on", with "Keep it weekly"


def item_line(item: DigestItem) -> str:
    """The mrkdwn of one item: its linked title (a link's page; a learning's message; a
    question's thread), who shared or asked it, votes, a question's best answer, why."""
    title = escape(cut(clean_title(item.title), TITLE_LIMIT)) or "(untitled)"
    target = item.link or item.url
    head = f"*<{safe_url(target)}|{title}>*" if target else f"*{title}*"
    if item.link and item.url and item.kind != "question":  # the learning's own link, small
        head += f" · <{safe_url(item.url)}|{escape(cut(site_of(item.url), 60))}>"
    verb = "asked" if item.kind == "question" else "shared"
    by = f" · {verb} by {escape(item.sharer)}" if item.sharer else ""
    votes = f" · :+1: {item.votes}" if item.votes else ""
    answer = ""
    if item.answer is not None:
        who = f" ({escape(item.answerer)})" if item.answerer else ""
        answer = f"\n*Best answer*{who}: {escape(first_line(item.answer))}"
    return cut(f"{head}{by}{votes}{answer}\n_{escape(item.why)}_", SECTION_LIMIT - len(VOTED))


def first_line(text: str) -> str:
    """The first non-empty line of a message as people read it, cut short."""
    lines = (" ".join(line.split()) for line in readable(text).splitlines())
    return cut(next((line for line in lines if line), ""), ANSWER_LIMIT)


def menu_value(action: str, item_id: str) -> str:
    """An item menu option's value: what it does and to which item (at most 150 characters,
    Slack's limit for an option's value; item ids are far shorter)."""
    return f"{action}:{item_id}"[:OPTION_VALUE_LIMIT]


def parse_menu_value(value: str) -> tuple[str, str] | None:
    """(action, item id) of an item menu option's value; None when it is not one."""
    action, _, item_id = value.partition(":")
    return (action, item_id) if action in MENU_ACTIONS and item_id else None


def item_menu(item_id: str, voted: bool = False) -> Block:
    """Useful (or, once voted, its undoing) and Less like this, in one overflow menu: the
    item's two actions take no row of their own."""
    useful = "Undo Useful ✓" if voted else "Useful"
    return {
        "type": "overflow",
        "action_id": ITEM_MENU,
        "options": [
            _option(useful, menu_value("useful", item_id)),
            _option("Less like this", menu_value("less", item_id)),
        ],
    }


def _option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def item_blocks(item: DigestItem, actions: bool = True) -> list[Block]:
    """An item's one section, with its menu beside it (not for an open question)."""
    section: Block = {"type": "section", "text": {"type": "mrkdwn", "text": item_line(item)}}
    if actions:
        section["accessory"] = item_menu(item.item_id)
    return [section]


def menu_item_id(block: Block) -> str | None:
    """The item id of an item's section, from its menu (the Useful option's value)."""
    menu = block.get("accessory") if block.get("type") == "section" else None
    if not isinstance(menu, dict) or menu.get("action_id") != ITEM_MENU:
        return None
    for option in menu.get("options") or []:
        parsed = parse_menu_value(str((option or {}).get("value") or ""))
        if parsed is not None:
            return parsed[1]
    return None


def with_useful_state(blocks: list[Block], item_id: str, voted: bool) -> list[Block]:
    """A digest's blocks with one item showing whether the reader found it useful (a personal
    digest is one reader's, so its message can show their vote): a mark on the item's first
    line and "Undo Useful" in its menu. Digests sent with buttons get their button marked.
    A fatigue line loses its "Keep it weekly": the press moved them back to weekly."""
    label = "Useful ✓" if voted else "Useful"

    def marked(element: Block) -> Block:
        if element.get("action_id") != "digest_useful" or element.get("value") != item_id:
            return element
        button = {**element, "text": {"type": "plain_text", "text": label}}
        if voted:
            return {**button, "style": "primary"}
        return {k: v for k, v in button.items() if k != "style"}

    def shown(block: Block) -> Block:
        if block.get("type") == "actions":
            return {**block, "elements": [marked(e) for e in block["elements"]]}
        if menu_item_id(block) != item_id:
            return block
        text = str(block["text"]["text"])
        first, newline, rest = text.partition("\n")
        first = first.removesuffix(VOTED) + (VOTED if voted else "")
        return {
            **block,
            "text": {**block["text"], "text": first + newline + rest},
            "accessory": item_menu(item_id, voted),
        }

    # The reader used their digest: the fatigue line ("monthly from now on") is no longer true.
    return without_notice([shown(b) for b in blocks], STAYS_WEEKLY)


def build_digest(view: DigestView) -> dict[str, Any]:
    """The `text` and `blocks` of a digest message, within Slack's limits."""
    header = {
        "type": "header",
        "text": {"type": "plain_text", "text": cut(view.title, HEADER_LIMIT)},
    }
    blocks: list[Block] = [header]
    lines = [escape(view.title)]
    if view.notice:
        blocks.append(notice_block(view.notice))
        lines.append(escape(view.notice))
    for line in view.lead:
        blocks.append(_context(escape(line)))
        lines.append(escape(line))
    if view.intro:
        blocks.append(_context(view.intro))
        lines.append(view.intro)
    settings = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "digest_settings",
                "text": {"type": "plain_text", "text": "Digest settings"},
            }
        ],
    }
    room = MAX_BLOCKS - len(blocks) - 1 - len(view.footer)
    for section in view.sections:
        if not section.items or room < 3:
            continue
        blocks.append(_section(f"*{escape(section.heading)}*"))  # a heading to read, not grey
        room -= 1
        for item in section.items:
            shown = item_blocks(item, section.buttons)
            if room < len(shown):
                break
            blocks += shown
            room -= len(shown)
            title = escape(cut(clean_title(item.title), TITLE_LIMIT))
            lines.append(f"• {title} {safe_url(item.link or item.url)}".rstrip())
    blocks += [_context(escape(line)) for line in view.footer]
    lines += [escape(line) for line in view.footer]
    blocks.append(settings)
    return {"text": cut("\n".join(lines), 3000), "blocks": blocks}


KEEP_WEEKLY = "digest_keep_weekly"
NOTICE_BLOCK = "digest_notice"
STAYS_WEEKLY = "You use your digest, so it stays weekly."


def notice_block(text: str) -> Block:
    """The digest fatigue line, with its "Keep it weekly" button beside it."""
    return {
        "type": "section",
        "block_id": NOTICE_BLOCK,
        "text": {"type": "mrkdwn", "text": cut(escape(text), SECTION_LIMIT)},
        "accessory": {
            "type": "button",
            "action_id": KEEP_WEEKLY,
            "value": "weekly",
            "style": "primary",
            "text": {"type": "plain_text", "text": "Keep it weekly"},
        },
    }


def without_notice(blocks: list[Block], said: str) -> list[Block]:
    """A digest's blocks with the fatigue line (and its button) replaced by `said`."""
    return [_context(escape(said)) if b.get("block_id") == NOTICE_BLOCK else b for b in blocks]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, 3000)}]}


def view_to_json(view: DigestView) -> dict[str, Any]:
    """A digest view as plain JSON, kept with a sent digest so forget-me can re-render it."""
    return asdict(view)


def view_from_json(data: dict[str, Any]) -> DigestView:
    """The digest view `view_to_json` kept."""
    sections = tuple(
        DigestSection(
            str(s["heading"]),
            tuple(
                DigestItem(
                    **{
                        **i,
                        "people": tuple(i.get("people") or ()),
                        "named": tuple(i.get("named") or ()),  # none before issue 15
                    }
                )
                for i in s["items"]
            ),
            bool(s.get("buttons", True)),
        )
        for s in data["sections"]
    )
    return DigestView(
        str(data["title"]),
        sections,
        data.get("intro"),
        tuple(data.get("footer") or ()),
        tuple(data.get("lead") or ()),  # views kept before issue 15 have none
        data.get("notice"),
    )


def view_people(view: DigestView) -> tuple[str, ...]:
    """Everyone a digest view names or quotes, in order (forget-me finds the post by them)."""
    return tuple(
        dict.fromkeys(p for s in view.sections for i in s.items for p in (*i.people, *i.named))
    )


def without_person(view: DigestView, user_id: str) -> DigestView | None:
    """The same digest without the items that name or quote a person, and without their name
    in a why line (it then counts the voters), and without a fatigue line; None when no item
    is left."""
    sections = tuple(
        replace(
            s,
            items=tuple(
                replace(i, why=why_counted(i.why, i.votes), named=()) if user_id in i.named else i
                for i in s.items
                if user_id not in i.people
            ),
        )
        for s in view.sections
    )
    if not any(s.items for s in sections):
        return None
    # The fatigue line was true when sent; since then the reader may have kept it weekly,
    # pressed, or chosen: a digest updated later does not say it again.
    return replace(view, sections=sections, notice=None)


def with_fewer_votes(view: DigestView, item_ids: set[str]) -> DigestView:
    """The same digest with one vote fewer on each of `item_ids` (a forgotten voter's)."""
    sections = tuple(
        replace(
            s,
            items=tuple(
                replace(i, votes=max(0, i.votes - 1), why=why_with_one_vote_fewer(i.why))
                if i.item_id in item_ids
                else i
                for i in s.items
            ),
        )
        for s in view.sections
    )
    return replace(view, sections=sections)
