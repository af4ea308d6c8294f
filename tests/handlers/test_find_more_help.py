"""/find that finds nothing offers Ask the team; results show their date; a query that names
nothing (common words, search operators) says so and is no knowledge gap."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from handlers.blocks.find import build_no_results, shared_on
from tests.support.bot import Env
from tests.support.clock import START
from tests.support.find import find


async def test_nothing_found_offers_ask_the_team_with_the_words(env: Env) -> None:
    body = await find(env, "U1", "quokka migrations")
    assert "Nothing the team shared" in body["text"]
    [button] = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (button["action_id"], button["value"]) == ("find_ask_team", "quokka migrations")
    ack = await env.slack.block_action(
        "U1", "find_ask_team", button["value"], channel="C1", container_type="ephemeral"
    )
    assert ack.status == 200
    await env.settle()
    modal = env.slack.modal_for("ask_modal")  # the modal "Ask the team" opens everywhere
    assert modal is not None
    [question] = [b for b in modal["blocks"] if b["type"] == "input"]
    assert question["element"]["initial_value"] == "quokka migrations"
    assert modal["private_metadata"] == "C1"  # asked where the search was made


def test_ask_the_team_stays_within_slacks_limits() -> None:
    page = build_no_results("x" * 5000, noted=True)
    [button] = page["blocks"][1]["elements"]
    assert len(button["value"]) <= 2000
    assert len(page["blocks"][0]["text"]["text"]) <= 3000


async def test_results_show_the_date_of_their_share(env: Env) -> None:
    await env.slack.post_message("U1", "C1", "capybara notes <https://capy.example/>")
    [item] = await env.items()
    ts = item["shares"][0]["ts"]
    body = await find(env, "U2", "capybara")
    context = json.dumps([b for b in body["blocks"] if b["type"] == "context"])
    day = datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d")
    assert f"<!date^{int(float(ts))}^{{date_short_pretty}}|{day}>" in context


@pytest.mark.parametrize(
    ("ts", "shown"),
    [
        (f"{START:.6f}", "<!date^1780315200^{date_short_pretty}|2026-06-01>"),
        ("1780358399.999900", "<!date^1780358399^{date_short_pretty}|2026-06-01>"),  # 23:59:59
        ("garbage", ""),
        ("1e300", ""),
    ],
)
def test_shared_on(ts: str, shown: str) -> None:
    assert shared_on(ts) == shown


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("the and of", "only common words"),
        ("how to do it", "only common words"),
        ("AND OR NOT", "only search operators"),
        ("NEAR(", "only search operators"),
    ],
)
async def test_a_query_that_names_nothing_says_so_and_is_no_gap(
    http_env: Env, query: str, said: str
) -> None:
    body = await find(http_env, "U1", query)
    assert said in body["text"]
    assert await http_env.store.knowledge_gaps(http_env.team, 0) == []


async def test_a_quoted_phrase_or_a_short_subject_is_searched(http_env: Env) -> None:
    for query in ('"to be or not"', "ai"):
        body = await find(http_env, "U1", query)
        assert "Nothing the team shared" in body["text"]
    assert len(await http_env.store.knowledge_gaps(http_env.team, 0)) == 2
