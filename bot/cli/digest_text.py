"""A digest message rendered as plain terminal text (`digest preview`, `serendip demo`)."""

from __future__ import annotations

import re
from typing import Any

LINK = re.compile(r"<([^|>]+)\|([^>]*)>")
MENTION = re.compile(r"<@([A-Z0-9]+)>")
# Bold and italic markers the digest builder puts around a whole title or line; underscores
# inside URLs and words stay.
BOLD = re.compile(r"\*([^*\n]+)\*")
ITALIC_LINE = re.compile(r"(?m)^_(.*)_$")


def plain(mrkdwn: str, names: dict[str, str] | None = None) -> str:
    """Slack mrkdwn as readable text: links as `title (url)`, mentions as @name, no markup."""
    text = LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", mrkdwn)
    text = MENTION.sub(lambda m: "@" + (names or {}).get(m.group(1), m.group(1)), text)
    text = ITALIC_LINE.sub(r"\1", BOLD.sub(r"\1", text)).strip()
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render(payload: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """The blocks of a digest, one paragraph per block, buttons as [labels], an item's menu
    as [choice | choice]."""
    out: list[str] = []
    for block in payload.get("blocks") or []:
        kind = block.get("type")
        if kind == "header":
            title = str(block["text"]["text"])
            out += [title, "=" * len(title)]
        elif kind == "section":
            out += ["", *("  " + line for line in plain(block["text"]["text"], names).splitlines())]
            menu = block.get("accessory") or {}
            if menu.get("type") == "overflow":  # an item's menu: its choices, as one control
                choices = [str(o["text"]["text"]) for o in menu.get("options") or []]
                out.append("  [" + " | ".join(choices) + "]")
        elif kind == "context":
            out += ["", plain(" ".join(e.get("text", "") for e in block["elements"]), names)]
        elif kind == "actions":
            labels = [e["text"]["text"] for e in block["elements"] if e.get("type") == "button"]
            out.append("  " + "  ".join(f"[{label}]" for label in labels))
    return "\n".join(out)
