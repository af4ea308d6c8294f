"""Slash commands of an org-wide install say so, as Slack's form fields do: Bolt then looks
for the organisation's installation rather than one of the workspace, which it has none of."""

from __future__ import annotations

import pytest

from localslack.objects import Identity
from localslack.payloads import slash_payload
from localslack.workspace import Channel, User


@pytest.mark.parametrize(("org_wide", "said"), [(True, "true"), (False, "false")])
def test_a_slash_command_tells_an_org_wide_install(org_wide: bool, said: str) -> None:
    ident = Identity("T4", "Four", "secret", "serendip", enterprise_id="E1", org_install=org_wide)
    person = User("W1", "wu", "Wu", "UTC", "T4")
    channel = Channel("C1", "general", False, "W1", ["W1"])
    ids = {"text": "", "response_url": "https://r.example/", "trigger_id": "1.2"}
    payload = slash_payload(ident, person, channel, "/ask", **ids)
    assert payload["is_enterprise_install"] == said
    assert payload["enterprise_id"] == "E1"
