"""Keyword patterns of free-text items: whole words, declared stems, phrases, numbers.

A pattern is one or more words; each word matches a whole word of the answer, compared without
case and with umlauts folded (``Größe`` = ``groesse``). A ``*`` at the end of a word declares a
stem (``entschuldig*`` matches "Entschuldigung" and "entschuldigen"), a ``*`` at the start a
word ending (``*service`` matches "Kundenservice"), both a part of a word (``*rabatt*``). Several
words match as consecutive words of the answer ("20 uhr"). Numbers are whole tokens: ``20``
matches "20 Uhr" or "20-Jährige", not "2024"; "2.200" and "2200" are the same number.

`keyword_found` says whether a pattern occurs; `find_keywords` returns the places as the text
writes them ("Engagement-Rate" for ``engagement rate``), for feedback that quotes the learner.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NUMBER = r"\d+(?:[.,]\d+)*"
_TOKEN = re.compile(rf"{_NUMBER}|[^\W\d_]+|\d+")
_PATTERN_WORD = re.compile(rf"^\*?(?:{_NUMBER}|[^\W_]+)\*?$")
MIN_STEM = 3


def normalise(text: str) -> str:
    """Casefold, fold umlauts and collapse whitespace: 'Schön  ' == 'schoen'."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_TRANSLIT)
    return " ".join(text.split())


def _number(token: str) -> str:
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", token):  # German thousands separator: 2.200
        return token.replace(".", "")
    return token.replace(",", ".")


def tokens(text: str) -> list[str]:
    """The words and numbers of a text, normalised."""
    return [_number(t) if t[0].isdigit() else t for t in _TOKEN.findall(normalise(text))]


def _located_tokens(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    """The text (NFC) and its tokens as (normalised token, start, end) in that text."""
    text = unicodedata.normalize("NFC", text or "")
    located = []
    for match in _TOKEN.finditer(text):
        located.append(("".join(tokens(match.group(0))), match.start(), match.end()))
    return text, located


def _pattern_words(pattern: str) -> list[str]:
    # A hyphen separates words in answers too: "Follow-up" is "follow up".
    return normalise(pattern).replace("-", " ").split()


def pattern_problem(pattern: str) -> str | None:
    """Why a keyword pattern cannot work as written, or None."""
    words = _pattern_words(pattern)
    if not words:
        return "is empty"
    for word in words:
        if not _PATTERN_WORD.match(word):
            return (
                "use letters and digits only, with '*' at the start or end of a word "
                "(e.g. 'entschuldig*'); punctuation and '*' inside a word are not allowed"
            )
        if "*" in word and len(word.strip("*")) < MIN_STEM:
            return f"a stem needs at least {MIN_STEM} letters, or it matches almost anything"
    return None


def _word_matches(pattern: str, token: str) -> bool:
    core = pattern.strip("*")
    if core and core[0].isdigit():
        core = _number(core)
    starts, ends = pattern.startswith("*"), pattern.endswith("*")
    if starts and ends:
        return core in token
    if ends:
        return token.startswith(core)
    if starts:
        return token.endswith(core)
    return token == core


def _starts(wanted: list[str], words: list[str]) -> list[int]:
    span = len(wanted)
    return [
        start
        for start in range(len(words) - span + 1)
        if all(
            _word_matches(p, w) for p, w in zip(wanted, words[start : start + span], strict=True)
        )
    ]


def keyword_found(pattern: str, text: str) -> bool:
    """Whether `pattern` (one or more words, see the module docs) occurs in `text`."""
    return bool(_starts(_pattern_words(pattern), tokens(text)))


def find_keywords(text: str | None, patterns: Iterable[str]) -> list[str]:
    """Where any of `patterns` occurs in `text`, as written there: pattern by pattern, each in
    the order of the text, without repeats (ignoring case)."""
    text, located = _located_tokens(text or "")
    words = [token for token, _, _ in located]
    found: dict[str, str] = {}
    for pattern in patterns:
        wanted = _pattern_words(pattern)
        for start in _starts(wanted, words):
            snippet = text[located[start][1] : located[start + len(wanted) - 1][2]]
            found.setdefault(snippet.casefold(), snippet)
    return list(found.values())
