"""Reading the App Home tab the local Slack holds for a person, and pressing its buttons."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Env


def home(env: Env, user: str) -> dict[str, Any]:
    view = env.slack.home_views.get(user)
    assert view is not None, f"no Home published for {user}"
    return view


def texts(blocks: list[dict[str, Any]]) -> str:
    """Every text a person reads in these blocks, button labels included."""
    found: list[str] = []
    for block in blocks:
        parts = [block.get("text"), block.get("accessory"), *block.get("elements", [])]
        for part in parts:
            if isinstance(part, dict):
                text = part.get("text")
                found.append(text.get("text", "") if isinstance(text, dict) else str(text or ""))
    return "\n".join(found)


def shown(env: Env, user: str) -> str:
    return texts(home(env, user)["blocks"])


def buttons(env: Env, user: str, action_id: str) -> list[str]:
    """The values of a Home's buttons with this action_id."""
    values = []
    for block in home(env, user)["blocks"]:
        for element in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                values.append(str(element.get("value")))
    return values


async def open_home(env: Env, user: str) -> str:
    await env.slack.open_home(user)
    await env.settle()
    return shown(env, user)


async def press(env: Env, user: str, action_id: str, value: str = "") -> str:
    ack = await env.slack.block_action(user, action_id, value, container_type="view")
    assert ack.status == 200
    await env.settle()
    return shown(env, user)
