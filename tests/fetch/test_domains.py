"""same_site by registrable domain, from tldextract's bundled list, without network or disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import tldextract

from bot.fetch import same_site
from bot.fetch.domains import TLDEXTRACT_OPTIONS, site_of


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.example.com/a", "http://example.com/b", True),
        ("https://news.bbc.co.uk/x", "https://www.bbc.co.uk/y", True),
        ("https://bbc.co.uk/", "https://other.co.uk/", False),
        ("https://example.com/", "https://example.org/", False),
        ("https://alice.github.io/", "https://bob.github.io/", False),  # private suffixes count
        ("https://EXAMPLE.com./", "https://example.com/", True),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1/b", True),
        ("http://127.0.0.1/", "http://127.0.0.2/", False),
        ("http://localhost/", "http://localhost:8080/", True),
        ("http://intranet/", "http://wiki.intranet/", False),
        ("https://example.com/", "javascript:alert(1)", False),
        ("https://example.com/", "not a url", False),
        ("", "", False),
    ],
)
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same
    assert same_site(b, a) is same


def test_site_of() -> None:
    assert site_of("https://a.b.example.co.uk/x") == "example.co.uk"
    assert site_of("ftp://example.com/") is None


def test_the_suffix_list_comes_from_the_package_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_http(*args: object, **kwargs: object) -> None:
        raise AssertionError("tldextract tried to download the suffix list")

    monkeypatch.setattr(requests.Session, "send", no_http)
    for name in ("TLDEXTRACT_CACHE", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.setenv(name, str(tmp_path))
    monkeypatch.delenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", raising=False)
    fresh = tldextract.TLDExtract(**TLDEXTRACT_OPTIONS)  # a new one loads the list again
    assert fresh.extract_str("forums.news.cnn.com").top_domain_under_public_suffix == "cnn.com"
    assert fresh.extract_str("a.github.io").top_domain_under_public_suffix == "a.github.io"
    assert list(tmp_path.iterdir()) == []  # no cache written
