"""`serendip export`: JSON and CSV writers over the store's export records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

CSV_COLUMNS = (
    "id",
    "kind",
    "url",
    "title",
    "text",
    "channel",
    "user",
    "shares",
    "votes",
    "created_at",
    "private",
)


def to_json(items: Iterable[dict[str, Any]]) -> str:
    """The export as docs/interface.md's JSON document."""
    return json.dumps({"items": list(items)}, ensure_ascii=False, indent=2) + "\n"


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    """One CSV row: the first share's channel and user, counts for shares and votes."""
    first = item["shares"][0] if item["shares"] else {}
    return {
        "id": item["id"],
        "kind": item["kind"],
        "url": item["url"] or "",
        "title": item["title"] or "",
        "text": item["text"] or "",
        "channel": first.get("channel") or "",
        "user": first.get("user") or "",
        "shares": len(item["shares"]),
        "votes": len(item["votes"]),
        "created_at": item["created_at"],
        "private": str(item["private"]).lower(),
    }


def to_csv(items: Iterable[dict[str, Any]]) -> str:
    """The export as CSV with docs/interface.md's columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow(csv_row(item))
    return out.getvalue()
