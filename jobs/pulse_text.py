"""The learning pulse's message, beside its chart: what a reader of the channel sees first.

Three headline numbers against the week before, the week's top three learnings and its open
questions (public channels only: the store picks them), then the knowledge gaps and the flows
between channels in words. The week named is the chart's last week, labelled in SERENDIP_TZ
like the chart's axis. Plain mrkdwn, no code block: a table in a code block is unreadable on a
phone.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from bot.report.charts import week_label
from bot.report.figures import LABELS, cell, change
from bot.slacktext import escape
from jobs.periods import Period

HEADLINES = ("items_shared", "votes", "active_learners")
TOP = 3
MAX_QUOTE = 180  # a quote is a teaser: the channel has the whole message
MAX_FLOWS = 3
PRIVATE = "private channels"
MAX_COMMENT = 3900  # Slack advises a message text under 4,000 characters (cuts at 40,000)


def _quote(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > MAX_QUOTE:
        one_line = one_line[: MAX_QUOTE - 1] + "…"
    return escape(one_line)


def headline(stats: dict[str, Any]) -> str:
    """The three headline numbers, each with its change against the week before."""
    current, previous = stats["current"], stats["previous"]
    parts = []
    for name in HEADLINES:
        moved = change(name, previous[name], current[name])
        parts.append(
            f"*{cell(name, current[name])}* {LABELS[name].lower()}"
            + (f" ({moved} on the week before)" if moved and moved != "=" else "")
        )
    return " · ".join(parts)


def learnings_lines(learnings: list[dict[str, Any]]) -> list[str]:
    """The week's top learnings, numbered, each with where it was shared and its votes."""
    if not learnings:
        return ["*Top learnings*: none shared in a public channel this week."]
    lines = ["*Top learnings*"]
    for n, item in enumerate(learnings[:TOP], start=1):
        votes = "1 useful vote" if item["votes"] == 1 else f"{item['votes']} useful votes"
        where = f"{escape(item['channel'])}, " if item.get("channel") else ""
        lines.append(f"{n}. {_quote(item['text'])} ({where}{votes})")
    return lines


def questions_lines(questions: list[dict[str, Any]]) -> list[str]:
    """Questions asked in public channels this week that still wait for a best answer."""
    if not questions:
        return ["*Open questions*: none, every question of the week has its best answer."]
    lines = ["*Open questions* (can you help?)"]
    for q in questions:
        where = escape(q["channel"]) if q.get("channel") else "a channel"
        link = str(q.get("permalink") or "")
        place = f"<{link}|in {where}>" if link.startswith("https://") else f"in {where}"
        lines.append(f"• {_quote(q['text'])} ({place})")
    return lines


def flow_sentence(flow: dict[str, Any]) -> str:
    """One flow with its direction: `#data → #eng: 5 useful votes by #eng people on #data's
    items`."""
    source, target, n = flow["from"], flow["to"], flow["votes"]
    votes = "1 useful vote" if n == 1 else f"{n} useful votes"
    people = "people of private channels" if target == PRIVATE else f"{target} people"
    items = "items of private channels" if source == PRIVATE else f"{source}'s items"
    return escape(f"{source} → {target}: {votes} by {people} on {items}")


def pulse_text(data: dict[str, Any], period: Period, tz: tzinfo) -> str:
    """The message beside the chart (mrkdwn; every text from people is escaped)."""
    stats, series = data["stats"], data["series"]
    when = period.end.strftime("%a %d %b %Y %H:%M")
    start = week_label(series[-1]["start"], tz) if series else period.start.strftime("%d %b")
    # A channel is not the place for what one person searched once: only repeated gaps.
    gaps = [g for g in stats["current"]["knowledge_gaps"] if g["count"] >= 2]
    lines = [
        f"*Learning pulse, week {period.key}*: the week starting {start}, to {when} "
        f"({period.end.tzname()}), beside the week before.",
        headline(stats),
        "",
        *learnings_lines(data.get("learnings", [])),
        "",
        *questions_lines(data.get("open_questions", [])),
        "",
        "*Knowledge gaps* (searched more than once, found nothing): "
        + (", ".join(f"“{_quote(g['query'])}” ({g['count']})" for g in gaps) if gaps else "none"),
    ]
    flows = data["flows"][:MAX_FLOWS]
    if flows:
        lines += ["*Knowledge crossing channels* (8 weeks)"]
        lines += [f"• {flow_sentence(f)}" for f in flows]
    lines += [
        "",
        f"The chart: the last {len(series)} weeks, each labelled by the day it starts "
        f"(the last is the week starting {start}), and the flows between channels.",
    ]
    text = "\n".join(lines)
    if len(text) > MAX_COMMENT:  # long quotes: keep whole lines, the headlines first
        text = text[: text.rfind("\n", 0, MAX_COMMENT - 1)] + "\n…"
    return text
