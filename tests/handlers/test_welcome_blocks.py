"""The ask modal opened from an @mention answer says where the question will be posted."""

from __future__ import annotations

import json

from handlers.blocks.welcome import build_ask_modal


def test_the_ask_modal_names_the_ask_channel_when_one_is_set() -> None:
    here = json.dumps(build_ask_modal("who runs CI?", "G7"))
    assert "Posted in this channel" in here
    elsewhere = json.dumps(build_ask_modal("who runs CI?", "G7", "CASK"))
    assert "Posted in <#CASK>" in elsewhere
    assert "this channel" not in elsewhere
