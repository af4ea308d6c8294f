"""Canonical URLs (interface.md's rules), with property checks on hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.urls import canonical_url, link_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM", "https://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://www.example.com/a/", "https://www.example.com/a/"),
        (
            "https://example.com/a?utm_source=x&b=2&utm_medium=y&a=1",
            "https://example.com/a?b=2&a=1",
        ),
        ("https://example.com/?fbclid=1&gclid=2&dclid=3&msclkid=4", "https://example.com/"),
        (
            "https://example.com/?mc_cid=1&mc_eid=2&igshid=3&yclid=4&_hsenc=5&_hsmi=6&ref_src=7&q=1",
            "https://example.com/?q=1",
        ),
        ("https://example.com/Path/Case?Q=Keep", "https://example.com/Path/Case?Q=Keep"),
        ("https://user:secret@example.com/x", "https://example.com/x"),
        ("https://[2001:db8::1]:8080/x", "https://[2001:db8::1]:8080/x"),
    ],
)
def test_canonical_rules(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ftp://example.com/",
        "mailto:a@example.com",
        "https://",
        "http://[::1",
        "https://e.com:99999/",
        "javascript:alert(1)",
        "https://exa mple.com/",
        "https://example.com/" + "a" * 5000,
    ],
)
def test_invalid_urls_give_none(raw: str) -> None:
    assert canonical_url(raw) is None


def test_two_spellings_are_one_url() -> None:
    a = canonical_url("https://Example.com:443/post?utm_campaign=z&id=7#top")
    b = canonical_url("https://example.com/post?id=7")
    assert a == b


@given(st.text(max_size=300))
def test_never_raises_and_is_idempotent(raw: str) -> None:
    once = canonical_url("https://example.com/" + raw)
    if once is not None:
        assert canonical_url(once) == once
    canonical_url(raw)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.youtube.com/watch?v=1", "link:https://youtube.com/watch?v=1"),
        ("https://youtube.com/watch?v=1", "link:https://youtube.com/watch?v=1"),
        ("https://www.example.com:8443/a", "link:https://example.com:8443/a"),
        ("http://www.example.com/", "link:http://example.com/"),
        ("https://www2.example.com/", "link:https://www2.example.com/"),  # only `www.` itself
        ("https://wwwexample.com/", "link:https://wwwexample.com/"),
        ("https://www.com/", "link:https://www.com/"),  # no host left without it: kept
        ("https://sub.www.example.com/", "link:https://sub.www.example.com/"),
        ("https://[::1]/a", "link:https://[::1]/a"),
    ],
)
def test_link_keys_ignore_a_leading_www(url: str, key: str) -> None:
    assert link_key(url) == key


def test_www_and_bare_spellings_share_one_key() -> None:
    www, bare = (
        canonical_url("https://WWW.Talks.example/v?utm_source=x&id=1#t"),
        canonical_url("https://talks.example/v?id=1"),
    )
    assert www == "https://www.talks.example/v?id=1"  # the URL keeps its spelling
    assert www is not None
    assert bare is not None
    assert link_key(www) == link_key(bare)
