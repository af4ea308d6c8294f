"""An item's title as people read it: tags dropped, raw URLs shown as their site, and the
message's mrkdwn emphasis taken out, so a title wrapped in the bot's own bold never breaks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.slacktext import HASHTAG, unescape

SLACK_LINK = re.compile(r"<(https?://[^|<>\s]+)(?:\|([^<>]*))?>", re.IGNORECASE)
BARE_URL = re.compile(r"(?<![\w/])https?://[^\s<>]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}'\""  # punctuation after a URL in prose is the sentence's, not the URL's
# A run of mrkdwn emphasis marks at a word's edge is formatting (`*bold*`, `_it_`, `~x~`);
# inside a word (`snake_case`, `2*3`) it is part of the word.
EDGE_MARKS = re.compile(r"(?:(?<![^\W_])[*_~]+)|(?:[*_~]+(?![^\W_]))")
# The asterisk operator: an asterisk that stays inside a word never opens or closes bold.
STAR = "\u2217"


def site_of(url: str) -> str:
    """The site of a URL as a person names it: its host, without a leading `www.`."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.") if "." in host.removeprefix("www.") else host


def _bare(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in TRAILING:
        url, tail = url[:-1], url[-1] + tail
    return (site_of(url) or url) + tail


def clean_title(text: str | None) -> str:
    """A title (or a message standing in for one) as plain words: no `#til`/`#learned` tag,
    a link as its label or its site, no mrkdwn emphasis marks, one line."""
    if not text:
        return ""
    shown = SLACK_LINK.sub(lambda m: m.group(2) or site_of(m.group(1)), text)
    shown = BARE_URL.sub(_bare, unescape(shown))
    shown = HASHTAG.sub(" ", shown)
    shown = EDGE_MARKS.sub("", shown).replace("*", STAR)
    return " ".join(shown.split())
