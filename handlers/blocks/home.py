"""Block Kit for the App Home tab, built by pure functions within Slack's limits.

Every text a person wrote (titles, messages, questions, names, queries) goes through `escape`,
so nothing shown here can mention, ping or link anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import ForgetResult
from bot.slacktext import escape
from bot.store import PersonCounts
from bot.titles import clean_title, site_of
from handlers.blocks.common import Block, context, less_target, less_undo_button, section

HOME_BLOCKS = 100
CLIP = 280  # characters of a person's text per entry: Home is a list, not a reader
CADENCES = (("weekly", "Weekly"), ("daily", "Daily"), ("monthly", "Monthly"), ("off", "Off"))
NOTHING_YET = "Nothing yet: share a link or a learning (`/til …`), or save a message."
OPTED_OUT_NOTICE = (
    "You opted out, so Serendip records nothing from you and that button did nothing. "
    "*Opt back in* below to change settings again."
)


@dataclass(frozen=True)
class Settings:
    """A person's settings as Home shows them."""

    cadence: str
    routing: bool
    opted_out: bool


@dataclass(frozen=True)
class ShownItem:
    """One item in a Home list or a search result."""

    item_id: str
    kind: str
    url: str | None
    title: str | None
    text: str | None
    votes: int
    note: str = ""  # e.g. "you shared this"
    deletable: bool = False
    sharer: str | None = None  # a display name, never a mention
    shareable: bool = False  # a personal note (a DM /til) its author may share with the team


@dataclass(frozen=True)
class ShownQuestion:
    """An open question someone might answer."""

    text: str
    asker: str | None  # a display name; None when asked anonymously
    link: str | None


@dataclass(frozen=True)
class ShownLess:
    """One "Less like this" of the person's: a site or a colleague, with its undo button."""

    kind: str  # "domain" or "sharer"
    value: str
    label: str  # the site, or the colleague's display name


@dataclass(frozen=True)
class ShownSaved:
    """A message the person bookmarked: only they see it."""

    text: str  # as a person reads it (no markup)
    author: str | None  # a display name, never a mention
    link: str | None


@dataclass(frozen=True)
class HomeData:
    """Everything one person's Home shows."""

    settings: Settings
    counts: PersonCounts
    mine: Sequence[ShownItem]
    top: Sequence[ShownItem]
    questions: Sequence[ShownQuestion]
    notice: str | None = None
    less: Sequence[ShownLess] = ()
    saved: Sequence[ShownSaved] = ()
    lead: Sequence[Block] = ()  # shown first: the welcome, on a person's first visit
    network: Sequence[Block] = ()  # "Your learning network"
    admin: Sequence[Block] = ()  # "Admin settings": the workspace's admins only


def clip(text: str | None, limit: int = CLIP) -> str:
    """A person's text on one line, cut to `limit` characters, escaped for mrkdwn."""
    flat = " ".join((text or "").split())
    return escape(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def link(url: str | None, label: str) -> str:
    """`label` (already escaped) linked to an http(s) `url`, or alone for any other url."""
    if (
        not url
        or not url.lower().startswith(("http://", "https://"))
        or any(c.isspace() for c in url)
    ):
        return label
    return f"<{escape(url).replace('|', '%7C')}|{label}>"


def button(action_id: str, label: str, value: str = "", style: str | None = None) -> Block:
    """A button; `style` is primary or danger."""
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": label},
    }
    if style:
        element["style"] = style
    return element


def header(text: str) -> Block:
    """A header block (our own words only)."""
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def votes_text(count: int, suffix: str = "") -> str:
    """`3 votes`, `1 vote`."""
    return f"{count} vote{'' if count == 1 else 's'}{suffix}"


def item_text(item: ShownItem, suffix: str = "") -> str:
    """An item's entry: its title as a link, what was said, who shared it and its votes."""
    # A link is named by its page's title (or address), a learning or question by its words.
    name = item.title if item.kind == "link" else clean_title(item.text) or item.title
    label = clip(clean_title(name) or site_of(item.url or "") or "(untitled)", 150)
    lines = [f"*{link(item.url, label)}*"]
    said = clean_title(item.text)  # mrkdwn emphasis of the message never nests in ours
    if said and clip(said, 150) != label:
        lines.append(clip(said))
    facts = [
        f
        for f in (
            item.note,
            f"shared by {clip(item.sharer, 80)}" if item.sharer else "",
            votes_text(item.votes, suffix),
        )
        if f
    ]
    lines.append(" · ".join(facts))
    return "\n".join(lines)


def build_settings(settings: Settings) -> list[Block]:
    """Digest cadence and question routing, each with buttons that change it."""
    cadence = [
        button(
            f"home_cadence_{choice}",
            label,
            choice,
            "primary" if choice == settings.cadence else None,
        )
        for choice, label in CADENCES
    ]
    routing = "on" if settings.routing else "off"
    toggle = button(
        "home_routing",
        "Turn off" if settings.routing else "Turn on",
        "off" if settings.routing else "on",
    )
    return [
        header("Your settings"),
        section(f"Your personal digest: *{settings.cadence}*"),
        {"type": "actions", "block_id": "home_cadence", "elements": cadence},
        section(f"Questions routed to you by `/ask`: *{routing}*", toggle),
    ]


def delete_button(item: ShownItem) -> Block:
    """Delete one of the person's own learnings, after Slack asks them to confirm."""
    element = button("home_delete_learning", "Delete", item.item_id, "danger")
    element["confirm"] = {
        "title": {"type": "plain_text", "text": "Delete this learning?"},
        "text": {"type": "plain_text", "text": "Your share of it is deleted from Serendip."},
        "confirm": {"type": "plain_text", "text": "Delete"},
        "deny": {"type": "plain_text", "text": "Keep it"},
    }
    return element


def build_items(
    title: str, items: Sequence[ShownItem], empty: str, suffix: str = ""
) -> list[Block]:
    """A titled list of items; the person's own learnings get a Delete button."""
    blocks = [header(title)]
    for item in items:
        blocks.append(
            section(item_text(item, suffix), delete_button(item) if item.deletable else None)
        )
        if item.shareable:
            share = button("home_share_note", "Share with the team", item.item_id, "primary")
            blocks.append({"type": "actions", "elements": [share]})
    if not items:
        blocks.append(context(empty))
    return blocks


def build_saved(saved: Sequence[ShownSaved]) -> list[Block]:
    """Messages the person bookmarked, kept for them alone."""
    blocks = [header("Saved")]
    for one in saved:
        by = f"by {clip(one.author, 80)}" if one.author else ""
        where = link(one.link, "open the message") if one.link else ""
        facts = " · ".join(f for f in (by, where, "only you see this") if f)
        blocks.append(section(f"{clip(one.text)}\n{facts}"))
    if not saved:
        blocks.append(context("React with the bookmark emoji to keep a message here for you."))
    return blocks


def build_questions(questions: Sequence[ShownQuestion]) -> list[Block]:
    """Open questions the person might answer: never who asked an anonymous one."""
    blocks = [header("Open questions you might answer")]
    for question in questions:
        who = f"asked by {clip(question.asker, 80)}" if question.asker else "asked anonymously"
        where = f" · {link(question.link, 'open the thread')}" if question.link else ""
        blocks.append(section(f"*{clip(question.text)}*\n{who}{where}"))
    if not questions:
        blocks.append(context("No open questions right now."))
    return blocks


def plural(count: int, word: str) -> str:
    """`1 share`, `2 shares`, `3 replies`."""
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def build_privacy(settings: Settings, counts: PersonCounts) -> list[Block]:
    """What Serendip stores about the person, opt-out or back in, and delete everything."""
    stored = ", ".join(
        [
            plural(counts.shares, "share"),
            plural(counts.saves, "saved item"),
            plural(counts.bookmarks, "bookmarked message"),
            plural(counts.votes, "vote"),
            plural(counts.flags, "flag"),
            plural(counts.questions, "question"),
            plural(counts.replies, "reply"),
        ]
    )
    capture = "opted out (nothing is captured from you)" if settings.opted_out else "captured"
    text = (
        f"*What Serendip stores about you:* {stored}.\n*Your settings:* digest "
        f"{settings.cadence}, question routing {'on' if settings.routing else 'off'}, "
        f"your shares are {capture}."
    )
    toggle = (
        button("home_opt", "Opt back in", "in", "primary")
        if settings.opted_out
        else button("home_opt", "Opt out", "out")
    )
    actions = [toggle, button("home_forget", "Delete my data", "forget", "danger")]
    return [
        header("Your privacy"),
        section(text),
        {"type": "actions", "block_id": "home_privacy", "elements": actions},
    ]


def fit(blocks: list[Block], limit: int = HOME_BLOCKS) -> list[Block]:
    """At most `limit` blocks; when cut, the last one says so."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context("Some entries were left out to fit the Home tab.")]


def build_home(data: HomeData) -> dict[str, Any]:
    """The person's Home view (views.publish)."""
    blocks = [*data.lead, *([section(data.notice)] if data.notice else [])]
    blocks += build_settings(data.settings)
    blocks += data.admin  # early: a full Home is cut from the end
    blocks += build_items("Your saved items and shares", data.mine, NOTHING_YET)
    blocks += build_saved(data.saved)
    blocks += build_items("Top this week", data.top, "No votes this week yet.", " this week")
    blocks += build_questions(data.questions)
    blocks += data.network
    blocks += [
        header("Search"),
        {
            "type": "actions",
            "block_id": "home_search",
            "elements": [button("home_search", "Search what the team shared", "search", "primary")],
        },
    ]
    blocks += build_privacy(data.settings, data.counts)
    blocks += build_less_like(data.less)
    return {"type": "home", "blocks": fit(blocks)}


def build_less_like(less: Sequence[ShownLess]) -> list[Block]:
    """What the person asked to see less of in digests, each with an Undo button."""
    if not less:
        return []
    rows = [section(less_target(x.kind, x.label), less_undo_button(x.kind, x.value)) for x in less]
    return [header("You asked to see less of"), *rows]


def forgotten_notice(result: ForgetResult, posts_deleted: int, digests_updated: int = 0) -> str:
    """What "Delete my data" removed, for the top of Home."""
    return (
        f"Done. Deleted {plural(result.shares, 'share')}, {plural(result.votes, 'vote')}, "
        f"{plural(result.flags, 'flag')} and {plural(posts_deleted, 'post')} of yours, and "
        f"took your items and name out of {plural(digests_updated, 'digest')}. "
        "You stay opted out; *Opt back in* starts capture again."
    )
