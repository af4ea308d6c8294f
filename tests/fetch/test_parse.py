"""parse_page: preferences, cleaning, caps, charsets, and hostile pages that stay bounded."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.fetch import PageMeta, parse_page
from bot.fetch.parse import DESCRIPTION_CAP, OG_MAX_FIELDS, TITLE_CAP, decode_html

BASE = "https://news.example.com/a/b"


def test_og_fields_win_over_title_and_description() -> None:
    page = parse_page(
        "<title>Plain</title><meta name=description content=plain>"
        "<meta property=og:title content=OG><meta property=og:description content=OGD>"
        "<meta property=og:site_name content=Site>",
        BASE,
    )
    assert (page.title, page.description, page.site_name) == ("OG", "OGD", "Site")


def test_fallbacks_title_then_twitter() -> None:
    page = parse_page("<meta name=twitter:title content=T><title>  </title>", BASE)
    assert page.title == "T"
    assert parse_page("<title>\n  Two\t lines \n</title>", BASE).title == "Two lines"
    assert parse_page("<p>nothing</p>", BASE) == PageMeta(None, None, None, None, {})


def test_entities_and_control_characters() -> None:
    page = parse_page("<title>A &amp; B &lt;C&gt;\x00\x07 &#x1F600;</title>", BASE)
    assert page.title == "A & B <C> \U0001f600"


def test_meta_in_body_and_upper_case_tags_count() -> None:
    page = parse_page("<BODY><div><META PROPERTY='OG:TITLE' CONTENT='Loud'></div>", BASE)
    assert page.title == "Loud"
    assert page.og == {"og:title": "Loud"}


def test_svg_titles_comments_and_scripts_are_not_the_title() -> None:
    html = (
        "<!-- <title>comment</title> --><script>var t = '<title>script</title>';</script>"
        "<svg><title>icon</title></svg><title>Real</title>"
    )
    assert parse_page(html, BASE).title == "Real"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/c?id=1#frag", "https://news.example.com/c?id=1"),
        ("other", "https://news.example.com/a/other"),
        ("//cdn.example.org/x", "https://cdn.example.org/x"),
        ("https://elsewhere.example/x", "https://elsewhere.example/x"),
        ("javascript:alert(1)", None),
        ("http://user:pw@evil.example/", None),
        ("ftp://example.com/", None),
        ("http://0x7f000001/", "http://127.0.0.1/"),
    ],
)
def test_canonical_is_resolved_against_the_final_url(href: str, expected: str | None) -> None:
    html = f"<link rel='alternate' href='/alt'><link rel='Canonical' href='{href}'>"
    assert parse_page(html, BASE).canonical_url == expected


def test_fields_are_capped() -> None:
    page = parse_page(
        "<title>" + "word " * 10_000 + "</title>"
        f"<meta name=description content='{'d' * 5_000}'>"
        + "".join(f"<meta property='og:f{i}' content='v'>" for i in range(200)),
        BASE,
    )
    assert page.title is not None
    assert len(page.title) == TITLE_CAP
    assert page.title.endswith("…")
    assert page.description is not None
    assert len(page.description) == DESCRIPTION_CAP
    assert len(page.og) == OG_MAX_FIELDS


@pytest.mark.parametrize(
    ("data", "charset", "title"),
    [
        (b"<title>caf\xc3\xa9</title>", "utf-8", "café"),
        (b"<title>caf\xe9</title>", "iso-8859-1", "café"),
        (b"<title>\x93q\x94</title>", "latin1", "\u201cq\u201d"),  # windows-1252, as browsers do
        (b"<meta charset='koi8-r'><title>\xf0\xd2\xc9\xd7\xc5\xd4</title>", None, "Привет"),
        (b"\xef\xbb\xbf<title>bom</title>", "latin1", "bom"),
        (b"<title>caf\xe9</title>", "x-no-such-charset", "caf\ufffd"),
        (b"<title>caf\xe9</title>", "base64", "caf\ufffd"),
        (b"<title>caf\xe9</title>", "rot13", "caf\ufffd"),
        (b"<title>\xff\xfe\xc3(</title>", "utf-8", "\ufffd\ufffd\ufffd("),
    ],
)
def test_charsets_never_raise(data: bytes, charset: str | None, title: str) -> None:
    assert parse_page(data, BASE, charset).title == title


def test_a_wrong_declared_charset_gives_garbage_not_an_error() -> None:
    assert parse_page(b"<title>ok</title>", BASE, "utf-16").title is None


@given(st.binary(max_size=2_000), st.one_of(st.none(), st.text(max_size=20)))
@settings(max_examples=200)
def test_any_bytes_and_any_charset_label(data: bytes, charset: str | None) -> None:
    page = parse_page(data, BASE, charset)
    assert page.title is None or len(page.title) <= TITLE_CAP
    assert isinstance(decode_html(data, charset), str)


@given(st.text(alphabet="<>/!-'\"= titlemetalinkscrp\n", max_size=300))
@settings(max_examples=300)
def test_any_tag_soup(html: str) -> None:
    parse_page(html, BASE)


HOSTILE = {
    "nested divs": "<title>deep</title>" + "<div>" * 100_000 + "</div>" * 100_000,
    "nested mixed": "<title>deep</title>" + "<ul><li><table><tr><td><div>" * 20_000,
    "huge title": "<title>" + "spam " * 400_000 + "</title>",
    "unterminated title": "<title>" + "x" * 2_000_000,
    "unclosed meta tags": "<meta content='" * 200_000,
    "only brackets": "<" * 2_000_000,
    "comment openers": "<!--" * 500_000,
    "script openers": "<script>" * 250_000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_pages_are_bounded(name: str) -> None:
    started = time.monotonic()
    page = parse_page(HOSTILE[name], BASE)
    assert time.monotonic() - started < 2.0  # about 0.1 s; the bound is for slow machines
    assert page.title is None or len(page.title) <= TITLE_CAP
