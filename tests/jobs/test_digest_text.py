"""Digests rendered for the terminal."""

from __future__ import annotations

from bot.cli.digest_text import plain, render
from jobs.digest_blocks import DigestItem, DigestSection, DigestView, build_digest


def test_plain_keeps_underscores_and_unescapes() -> None:
    line = "*<https://a.example/a_b|snake_case &lt;tag&gt; &amp; co>* · shared by <@U1>\n_why_"
    assert plain(line, {"U1": "ana"}) == (
        "snake_case <tag> & co (https://a.example/a_b) · shared by @ana\nwhy"
    )


def test_render_a_digest() -> None:
    item = DigestItem("i1", "A <b> title", "https://x.example/", "ana", 2, "useful to 2 people")
    view = DigestView("Digest, 2026-W49", (DigestSection("For you", (item,)),), "First time.")
    text = render(build_digest(view), {"U1": "ana"})
    assert text.splitlines()[:2] == ["Digest, 2026-W49", "================"]
    assert "A <b> title (https://x.example/) · shared by ana · :+1: 2" in text
    assert "[Useful | Less like this]" in text
    assert "[Digest settings]" in text
