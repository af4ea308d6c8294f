"""Block Kit for the bot's own messages, built by pure functions within Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.slacktext import escape

Block = dict[str, Any]

HELP_TEXT = (
    "*Serendip* keeps what your colleagues share so it does not scroll away.\n"
    "• Links shared in public channels I am in are captured; so are learnings: `/til …`, "
    "messages starting with *TIL*, or carrying `#til` / `#learned`.\n"
    "• React :+1: (or :bulb:, :star:, :heart:…) to mark something useful, :bookmark: to save a "
    "message as a learning, :triangular_flag_on_post: to flag it for review.\n"
    "• Never captured: direct messages, private channels (unless their members turn capture on), "
    "messages marked `!nda`, bots, and people who opted out.\n"
    "*Commands*\n"
    "`/til TEXT` record a learning (posted here as a card others can mark useful)\n"
    "`/ask [--anon] QUESTION` ask your colleagues; I show what may already answer it, then post "
    "it and ask up to 3 people likely to know. Mark the best reply with :white_check_mark: (or "
    "the *Mark as best answer* shortcut)\n"
    '`/find WORDS` search what the team shared, learned and answered (quote a "phrase")\n'
    "`/serendip help` this help\n"
    "`/serendip optout` stop capturing what you share · `/serendip optin` start again\n"
    "`/serendip forget-me` delete everything Serendip stored about you\n"
    "`/serendip digest weekly|daily|monthly|off` how often you get your personal digest\n"
    "`/serendip routing on|off` whether I may send you questions you are likely to know about\n"
    "`/serendip channel capture on|off` turn capture on or off in this channel "
    "(its members and admins)\n"
    "`/serendip channel digest weekly|off` this channel's weekly digest (its members and admins)\n"
    "`/serendip flags` review flagged items: restore or remove them (admins)\n"
    "*Shortcuts* (on any message): *Save to Serendip*, *Flag for review* (only admins see the "
    "flag), *Mark as best answer*. The *Home* tab shows your settings, items and data."
)

JOIN_NOTE = (
    "Hello! I'm *Serendip*. What you get here first: a weekly digest of the links and "
    "learnings (`TIL …`, `#til`) people share in this channel, the most useful first, and "
    "`/find` to search them. I never read direct messages. Members and admins can turn "
    "capture off here; anyone can opt out with `/serendip optout`."
)

PRIVATE_JOIN_NOTE = (
    "Hello! I'm *Serendip*. This channel is private, so I capture nothing here unless a member "
    "turns it on with `/serendip channel capture on`. What is learned here then stays here: "
    "you get this channel's weekly digest and `/find` over it."
)

PRIVACY_TEXT = (
    "*How privacy works.* I keep links and learnings shared in public channels I am in, and in "
    "private channels only where members turned capture on (what is learned there stays there). "
    "Never: direct messages, messages marked `!nda`, bots, and people who opted out. "
    "`/serendip optout` stops capturing what you share, `/serendip forget-me` deletes what I "
    "stored about you, and your Home tab shows all of it."
)


SECTION_TEXT = 3000  # Slack's limit for a section's (and a context element's) text


def section(text: str, accessory: Block | None = None) -> Block:
    """A mrkdwn section, cut to Slack's limit (callers escape what people wrote)."""
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_TEXT]}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(text: str) -> Block:
    """A small mrkdwn note, cut to Slack's limit."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_TEXT]}]}


def build_help() -> dict[str, Any]:
    """The help message (slash command answer and reply to a direct message)."""
    return {"text": HELP_TEXT, "blocks": [section(HELP_TEXT)]}


def build_join_note(private: bool) -> dict[str, Any]:
    """The one short note the bot posts when it joins a channel, with **How privacy works**
    and (where capture is on by default) **Turn off capture here**."""
    text = PRIVATE_JOIN_NOTE if private else JOIN_NOTE
    buttons = [_button("join_privacy", "How privacy works", "privacy")]
    if not private:  # a private channel's capture is already off until its members say
        buttons.append(_button("join_capture_off", "Turn off capture here", "off"))
    actions = {"type": "actions", "block_id": "join_note", "elements": buttons}
    return {"text": text, "blocks": [section(text), actions]}


def _button(action_id: str, label: str, value: str) -> Block:
    return {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": label},
    }


def build_ephemeral(text: str) -> dict[str, Any]:
    """A short reply only the person who asked sees."""
    return {"response_type": "ephemeral", "text": text}


NOTE_SAVED = (
    "Saved as a personal note: only you see it (your Home, your own `/find`). "
    "Direct messages stay private, so it was not posted anywhere."
)
NOTE_SHARED = "Shared with the team: your learning is now found by everyone."


def build_note_saved(item_id: str) -> dict[str, Any]:
    """The confirmation of a DM /til, with the button that shares the note with the team."""
    share = {
        "type": "button",
        "action_id": "note_share",
        "value": item_id,
        "text": {"type": "plain_text", "text": "Share with the team"},
    }
    return {
        "response_type": "ephemeral",
        "text": NOTE_SAVED,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": NOTE_SAVED}},
            {"type": "actions", "block_id": "note_share", "elements": [share]},
        ],
    }


def build_forget_confirm() -> dict[str, Any]:
    """The question forget-me asks before deleting anything."""
    text = (
        "This deletes everything Serendip stored about you: your shares, votes, flags and "
        "settings, and the bot's posts that credit you. Items others also shared stay, without "
        "your share. You stay opted out, so capture does not start again. This cannot be undone."
    )
    buttons = [
        {
            "type": "button",
            "action_id": "forget_me_confirm",
            "style": "danger",
            "text": {"type": "plain_text", "text": "Delete everything"},
            "value": "confirm",
        },
        {
            "type": "button",
            "action_id": "forget_me_cancel",
            "text": {"type": "plain_text", "text": "Cancel"},
            "value": "cancel",
        },
    ]
    return {
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            section(text),
            {"type": "actions", "block_id": "forget_me", "elements": buttons},
        ],
    }


def build_digest_settings(current: str) -> dict[str, Any]:
    """The person's digest cadence, with a button for each choice."""
    text = (
        f"Your personal digest is *{current}*. A channel's digest is set with "
        "`/serendip channel digest weekly|off` by its members."
    )
    buttons = [
        {
            "type": "button",
            "action_id": f"digest_cadence_{choice}",
            "value": choice,
            "text": {"type": "plain_text", "text": label},
        }
        for choice, label in (
            ("weekly", "Weekly"),
            ("daily", "Daily"),
            ("monthly", "Monthly"),
            ("off", "Off"),
        )
        if choice != current
    ]
    blocks = [section(text), {"type": "actions", "elements": buttons}]
    return {"text": f"Your personal digest is {current}.", "blocks": blocks}


def less_undo_button(kind: str, value: str) -> Block:
    """The button that takes back one "Less like this" (in its confirmation and on Home)."""
    return {
        "type": "button",
        "action_id": "less_like_undo",
        "value": f"{kind}:{value}"[:2000],
        "text": {"type": "plain_text", "text": "Undo"},
    }


def less_target(kind: str, label: str) -> str:
    """How a "Less like this" target reads: the site example.com, or the person ana."""
    return f"the site *{escape(label)}*" if kind == "domain" else f"*{escape(label)}*"


def build_less_choice(item_id: str, domain: str, sharer: str | None) -> dict[str, Any]:
    """ "Less like this" asks: less from this site, or from the colleague who shared it?"""
    buttons = []
    if domain:
        buttons.append(("digest_less_site", f"This site ({domain})"))
    if sharer:
        buttons.append(("digest_less_person", f"This person ({sharer})"))
    if not buttons:
        return build_ephemeral("There is no site or colleague to see less of for this item.")
    elements = [
        {
            "type": "button",
            "action_id": action_id,
            "value": item_id,
            "text": {"type": "plain_text", "text": label[:75]},
        }
        for action_id, label in buttons
    ]
    text = "See less of what in your digests? Only what you choose counts less."
    return {"text": text, "blocks": [section(text), {"type": "actions", "elements": elements}]}


def build_less_done(kind: str, value: str, label: str) -> dict[str, Any]:
    """What "Less like this" did, with a button to undo it."""
    text = (
        f"Done: {less_target(kind, label)} counts for a quarter as much in your digests. "
        "Home lists what you asked to see less of; undo it there or here."
    )
    return {"text": text, "blocks": [section(text, less_undo_button(kind, value))]}
