"""Titles as people read them: tags dropped, raw URLs as their site, mrkdwn emphasis out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.titles import clean_title, site_of


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("**TIL* Postgres has SKIP LOCKED*", "TIL Postgres has SKIP LOCKED"),
        ("*TIL:* queues #til", "TIL: queues"),
        ("TIL #learned about #TIL tags", "TIL about tags"),
        ("#til", ""),
        ("_italic_ and ~struck~ and *bold*", "italic and struck and bold"),
        ("*_both at once_*", "both at once"),
        ("*unbalanced bold", "unbalanced bold"),
        ("half_open_ end_", "half_open end"),
        ("snake_case stays, 2*3 too", "snake_case stays, 2\u22173 too"),
        ("see https://www.youtube.com/watch?v=1.", "see youtube.com."),
        ("https://docs.example.com/a/b", "docs.example.com"),
        ("(https://example.com/x)", "(example.com)"),
        ("read <https://www.a.example/x|the guide> now", "read the guide now"),
        ("read <https://www.a.example/x> now", "read a.example now"),
        ("a &amp; b", "a & b"),
        ("  many\n lines\tin   one  ", "many lines in one"),
        ("#tilde and #learnedthings stay", "#tilde and #learnedthings stay"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_title(raw: str | None, shown: str) -> None:
    assert clean_title(raw) == shown


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.youtube.com/watch?v=1", "youtube.com"),
        ("https://youtube.com/", "youtube.com"),
        ("https://www.com/", "www.com"),
        ("not a url", ""),
        ("https://[::1", ""),
    ],
)
def test_site_of(url: str, site: str) -> None:
    assert site_of(url) == site


@given(st.text(max_size=300))
def test_a_title_never_carries_a_mark_that_opens_or_closes_emphasis(text: str) -> None:
    shown = clean_title(text)
    assert "*" not in shown  # a bold mark left anywhere could nest in the bot's own bold
    words = shown.split()
    assert all(not w.startswith(("_", "~")) and not w.endswith(("_", "~")) for w in words)
