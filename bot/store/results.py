"""The strings the store's verbs take or give back, spelled out as types."""

from __future__ import annotations

from typing import Literal, get_args

ClaimResult = Literal["claimed", "dropped", "taken", "deposed"]
"""What claiming a planned digest gave: ours to send, no longer wanted, or another's."""

SentResult = Literal["sent", "taken", "forgotten"]
"""What recording a posted digest gave: kept, not ours any more, or to be deleted."""

VoteResult = Literal["voted", "again", "own", "gone", "optedout"]
"""What a "Useful" press did."""

Cadence = Literal["weekly", "daily", "monthly", "off"]
"""How often a person gets their digest."""
LessKind = Literal["domain", "sharer"]  # what "Less like this" lowers: a site or a person


def cadence_of(text: str) -> Cadence | None:
    """The cadence `text` names, or None when it names none."""
    for cadence in get_args(Cadence):
        if text == cadence:
            return cadence  # type: ignore[no-any-return]
    return None


RecipientKind = Literal["person", "channel"]
"""Who a digest goes to: a person (in a DM) or a channel."""

CheckOutcome = Literal["ok", "refused", "gone", "error"]
"""What a link health check found."""
