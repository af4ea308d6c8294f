"""Topics of an item: hashtags from its shares, keywords of its title and description (TF-IDF)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

WORD = re.compile(r"[a-z][a-z0-9+#.-]{2,30}")
HASHTAG = re.compile(r"(?<![\w#/&])#([a-z][\w-]{1,40})", re.IGNORECASE)
NOT_TOPICS = frozenset({"til", "learned"})
MAX_TOPICS = 6
MAX_TERMS = 8  # per item, for topics (6 at most) and expert choice
STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "among",
        "and",
        "any",
        "are",
        "aren't",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "can",
        "cannot",
        "could",
        "did",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "into",
        "its",
        "itself",
        "just",
        "more",
        "most",
        "much",
        "must",
        "myself",
        "nor",
        "not",
        "now",
        "off",
        "once",
        "only",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "too",
        "under",
        "until",
        "upon",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "www",
        "http",
        "https",
        "com",
        "org",
        "net",
        "html",
        "new",
        "use",
        "using",
        "used",
        "get",
        "gets",
        "got",
        "one",
        "two",
        "may",
        "might",
        "like",
        "make",
        "made",
        "many",
        "via",
        "per",
        "le",
        "la",
        "les",
        "des",
        "une",
        "est",
        "pour",
        "dans",
        "sur",
        "avec",
        "und",
        "der",
        "die",
        "das",
        "ist",
        "mit",
        "von",
        "los",
        "las",
        "por",
        "para",
        "con",
        "del",
        "que",
        "its",
        "it's",
        "i'm",
        "we're",
        "you're",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
    ]
)


def hashtags(texts: Iterable[str]) -> list[str]:
    """Hashtags in share texts (Slack markup removed), lower-cased, in order of appearance."""
    found: dict[str, None] = {}
    for text in texts:
        plain = re.sub(r"<[^<>]*>", " ", text)
        for tag in HASHTAG.findall(plain):
            if tag.lower() not in NOT_TOPICS:
                found[tag.lower()] = None
    return list(found)


def terms(title: str | None, description: str | None) -> Counter[str]:
    """Term counts of a title (counted twice: it is chosen words) and a description, the
    MAX_TERMS most frequent only: the rest of a long description says little about the
    subject, and each term kept is a row in the topic index."""
    counts: Counter[str] = Counter()
    for text, weight in ((title or "", 2), (description or "", 1)):
        for word in WORD.findall(text.lower()):
            word = word.strip(".-")
            if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
                counts[word] += weight
    if len(counts) <= MAX_TERMS:
        return counts
    return Counter(dict(counts.most_common(MAX_TERMS)))


def idf(document_frequency: int, documents: int) -> float:
    """Inverse document frequency: how rare a term is across the workspace's items."""
    return math.log((documents + 1) / (document_frequency + 1)) + 1.0


def rank_keywords(
    counts: Counter[str], document_frequency: Callable[[str], int], documents: int
) -> list[str]:
    """Terms by TF-IDF: frequent here, rare across the workspace's items."""
    return rank_by_weight(counts, {t: idf(document_frequency(t), documents) for t in counts})


def rank_by_weight(counts: Counter[str], weights: Mapping[str, float]) -> list[str]:
    """Terms by count times weight (their idf), best first; ties alphabetically."""
    return sorted(counts, key=lambda term: (-(counts[term] * weights[term]), term))


def choose_topics(tags: list[str], keywords: list[str]) -> list[str]:
    """Hashtags first (people chose them), then keywords, at most MAX_TOPICS."""
    return list(dict.fromkeys([*tags, *keywords]))[:MAX_TOPICS]
