"""The baseline for bench/ingest.py: a bare Bolt AsyncApp with a no-op message listener."""

from __future__ import annotations

import os
import sys

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def main() -> None:
    """Serve on the port given as the only argument until killed."""
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.event("message")
    async def noop() -> None:
        return None

    app.start(port=int(sys.argv[1]), path="/slack/events", host="127.0.0.1")


if __name__ == "__main__":
    main()
