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


# A cell starting with one of these is a formula (or starts one) in Excel, LibreOffice and
# Google Sheets: a shared message like `=HYPERLINK(...)` must stay text (OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_json(items: Iterable[dict[str, Any]]) -> str:
    """The export as docs/interface.md's JSON document."""
    return json.dumps({"items": list(items)}, ensure_ascii=False, indent=2) + "\n"


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    """One CSV row: the channel and user of the first share the item shows (a public item's
    first public share), counts for shares and votes."""
    shares = item["shares"]
    first = next((s for s in shares if not s.get("private")), shares[0] if shares else {})
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


def inert(cell: Any) -> Any:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading `'`."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return f"'{cell}"
    return cell


def to_csv(items: Iterable[dict[str, Any]]) -> str:
    """The export as CSV with docs/interface.md's columns, no cell a formula."""
    out = io.StringIO()
    # RFC 4180's CRLF: the writer quotes a cell holding any character of the line terminator,
    # so a carriage return inside a message can no longer end a row early.
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow({key: inert(value) for key, value in csv_row(item).items()})
    return out.getvalue()
