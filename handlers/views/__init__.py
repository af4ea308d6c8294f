"""Modal and Home-tab listeners: none yet in this version."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """No views are submitted to Serendip yet."""
    del app
