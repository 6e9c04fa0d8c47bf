"""Post workshop: platform profiles and live checks for a post draft (pure logic, no widgets).

`check_post(text, platform, keywords)` returns one :class:`Check` per rule:

| rule | what it checks |
|---|---|
| `laenge` | length against the platform's limit (X counts the way X does: emoji ×2, links 23) |
| `hook` | the first line hooks: a question, a number, direct address (du/Sie) or a short line |
| `cta` | a call to action: a German CTA phrase or a closing question to the community |
| `hashtags` | number of hashtags against the platform's hard limit and a rule of thumb |
| `emojis` | number of emoji against a rule of thumb |
| `botschaft` | the text mentions the offer or the brand (keywords given by the learner) |
| `links` | only when the text has a link on a platform where caption links are not clickable |

Platform limits come from the dated facts (`content/<lang>/fakten.yaml`); rules of thumb are this course's guidance,
not platform rules. Both, the words the checks look for and the notebook's options are
content (`posts/data.<lang>.yaml`, read by `content()`); the feedback comes from the message
catalog (`locales/<lang>/posts.yaml`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from ...bank.keywords import find_keywords, keyword_found, tokens
from ...i18n import number, t
from .. import Patterns, get, load_data
from ..check import Check, score

__all__ = [
    "PlatformProfile",
    "PostsContent",
    "char_count",
    "check_post",
    "content",
    "count_emojis",
    "find_cta",
    "first_line",
    "graphemes",
    "hashtags",
    "hook_features",
    "links",
    "profile",
    "score",
]


(ITEM_ID,) = get("posts").items  # the draft and its checks are saved under this id


class PlatformProfile(BaseModel):
    """Limits of one platform (from the dated facts) and this course's rules of thumb."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str  # the key under `platforms`
    name: str
    max_chars: int
    hashtag_limit: int | None = None  # hard limit of the platform; None: no documented limit
    hashtags_recommended: int  # rule of thumb: at most this many
    emojis_recommended: int  # rule of thumb: at most this many
    weighted_count: bool = False  # X: emoji and most non-Latin characters count twice
    links_clickable: bool = True  # Instagram and TikTok captions show links as plain text
    formats: tuple[str, ...]
    note: str


class PostsContent(BaseModel):
    """``posts/data.<lang>.yaml``: the notebook's options, word lists and platforms."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: str  # shown first in the notebook
    keywords: str  # the notebook's message keywords, comma-separated
    hook_short_line: int  # a first line up to this many characters reads as short and punchy
    number_words: frozenset[str]
    du_forms: frozenset[str]
    sie_forms: frozenset[str]  # capitalised: "sie" is not direct address
    cta_phrases: Patterns
    platforms: dict[str, PlatformProfile]

    @model_validator(mode="before")
    @classmethod
    def _platform_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("platforms"), dict):
            platforms = {
                key: {"key": key, **value} if isinstance(value, dict) else value
                for key, value in data["platforms"].items()
            }
            data = {**data, "platforms": platforms}
        return data

    @model_validator(mode="after")
    def _known_platform(self) -> PostsContent:
        profile(self.platform, self)
        return self


def content(lang: str | None = None) -> PostsContent:
    return load_data("posts", PostsContent, lang)


def profile(platform: str | PlatformProfile, data: PostsContent | None = None) -> PlatformProfile:
    if isinstance(platform, PlatformProfile):
        return platform
    platforms = (data or content()).platforms
    try:
        return platforms[platform.strip().lower()]
    except KeyError:
        known = ", ".join(platforms)
        raise ValueError(f"unknown platform {platform!r} (known: {known})") from None


# ---------------------------------------------------------------------------------------------
# Counting: visible characters (grapheme clusters), emoji, hashtags, links
# ---------------------------------------------------------------------------------------------

_ZWJ = "\u200d"
_KEYCAP = "\u20e3"


def _extends(cp: int) -> bool:
    """Code points that attach to the previous character instead of starting a new one."""
    char = chr(cp)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me")
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors (text/emoji style)
        or 0x1F3FB <= cp <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
        or cp == 0x20E3  # combining keycap
    )


def _regional(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def graphemes(text: str) -> list[str]:
    """Split text into user-perceived characters (an approximation of Unicode grapheme clusters).

    Umlauts count once whether typed precomposed or decomposed; an emoji with skin tone,
    a family joined with zero-width joiners, a flag or a keycap counts once; CR LF is one break.
    """
    text = unicodedata.normalize("NFC", text)
    clusters: list[str] = []
    join_next = False
    for char in text:
        cp = ord(char)
        if clusters and (join_next or _extends(cp) or char == _ZWJ):
            clusters[-1] += char
            join_next = char == _ZWJ
            continue
        if clusters and char == "\n" and clusters[-1] == "\r":
            clusters[-1] += char
            continue
        if clusters and _regional(cp) and len(clusters[-1]) == 1 and _regional(ord(clusters[-1])):
            clusters[-1] += char  # second half of a flag
            continue
        clusters.append(char)
        join_next = False
    return clusters


_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # pictographs, emoticons, transport, supplemental symbols, flags
    (0x2600, 0x27BF),  # miscellaneous symbols and dingbats (☀ ☕ ✂ ✨ ❤)
    (0x2B00, 0x2BFF),  # arrows and stars (⬆ ⭐)
    (0x231A, 0x231B),  # ⌚ ⌛
    (0x23E9, 0x23FA),  # ⏩ … ⏺ (⏰ ⏳)
)


def _is_emoji(cluster: str) -> bool:
    if "\ufe0f" in cluster or _KEYCAP in cluster:
        return True
    cp = ord(cluster[0])
    return any(low <= cp <= high for low, high in _EMOJI_RANGES)


def count_emojis(text: str) -> int:
    """Number of emoji; a composed emoji (skin tone, ZWJ family, flag) counts once."""
    return sum(1 for cluster in graphemes(text) if _is_emoji(cluster))


_URL = re.compile(r"(?:https?://|www\.)[^\s]+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w#&/])#(\w+)")


def links(text: str) -> list[str]:
    return [m.group(0).rstrip(".,;:!?)") for m in _URL.finditer(text)]


def hashtags(text: str) -> list[str]:
    """Hashtags as written (without '#'); a tag needs at least one letter (#2025 is none)."""
    text_without_links = _URL.sub(" ", unicodedata.normalize("NFC", text))
    return [tag for tag in _HASHTAG.findall(text_without_links) if any(ch.isalpha() for ch in tag)]


# X's weighted counting (twitter-text v3): these code point ranges count once, everything
# else twice; every emoji counts twice, every link 23.
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_X_LINK = 23


def _x_weight(cluster: str) -> int:
    if _is_emoji(cluster):
        return 2
    weight = 0
    for char in cluster:
        cp = ord(char)
        weight += 1 if any(low <= cp <= high for low, high in _X_LIGHT) else 2
    return weight


def char_count(text: str, platform: str | PlatformProfile = "instagram") -> int:
    """Characters as the platform counts them.

    Most platforms: visible characters (umlauts, emoji and line breaks count once each).
    X: twitter-text's weighting (emoji and most non-Latin characters ×2, each link 23).
    Platforms do not document every detail; leave some room when a text is close to the limit.
    """
    text = unicodedata.normalize("NFC", text or "")
    if not profile(platform).weighted_count:
        return len(graphemes(text))
    total = 0
    position = 0
    for match in _URL.finditer(text):
        total += sum(_x_weight(c) for c in graphemes(text[position : match.start()]))
        total += _X_LINK
        position = match.end()
    total += sum(_x_weight(c) for c in graphemes(text[position:]))
    return total


# ---------------------------------------------------------------------------------------------
# Hook and call to action
# ---------------------------------------------------------------------------------------------

def first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def hook_features(line: str) -> list[str]:
    """What makes a first line a hook: 'frage', 'zahl', 'ansprache', 'kurz'."""
    if not line:
        return []
    data = content()
    words = re.findall(r"\w+", line)
    lower = {w.casefold() for w in words}
    found = []
    if "?" in line:
        found.append("frage")
    if re.search(r"\d", line) or lower & data.number_words:
        found.append("zahl")
    if lower & data.du_forms or set(words) & data.sie_forms:
        found.append("ansprache")
    if len(graphemes(line)) <= data.hook_short_line:
        found.append("kurz")
    return found


def find_cta(text: str) -> tuple[str, str] | None:
    """The first call to action found, as (kind, snippet), else None.

    kind "phrase": the first of the content's CTA phrases found, as written in the text;
    kind "frage": the last line is a question to the community (and not the first line).
    """
    text = unicodedata.normalize("NFC", text or "")
    for phrase in content().cta_phrases:
        found = find_keywords(text, [phrase])
        if found:
            return "phrase", found[0]
    last = _last_line(text)
    if "?" in last and last != first_line(text):
        return "frage", last
    return None


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------


def _check(key: str, ok: bool | None, message: str) -> Check:
    return Check(key, ok, message, label=t(f"posts.check.{key}.label"))


def _check_length(text: str, prof: PlatformProfile) -> Check:
    count = char_count(text, prof)
    values = {
        "count": number(count),
        "limit": number(prof.max_chars),
        "platform": prof.name,
    }
    if count == 0:
        return _check("laenge", False, t("posts.check.laenge.empty", **values))
    extra = t("posts.check.laenge.weighted") if prof.weighted_count else ""
    if count > prof.max_chars:
        over = number(count - prof.max_chars)
        return _check(
            "laenge", False, t("posts.check.laenge.too_long", over=over, **values) + extra
        )
    return _check("laenge", True, t("posts.check.laenge.ok", **values) + extra)


def _check_hook(text: str) -> Check:
    line = first_line(text)
    if not line:
        return _check("hook", False, t("posts.check.hook.empty"))
    found = hook_features(line)
    if not found:
        limit = content().hook_short_line
        return _check("hook", False, t("posts.check.hook.missing", limit=limit))
    names = ", ".join(t(f"posts.check.hook.feature.{f}") for f in found)
    if found == ["kurz"]:
        return _check("hook", True, t("posts.check.hook.only_short", features=names))
    return _check("hook", True, t("posts.check.hook.ok", features=names))


def _check_cta(text: str) -> Check:
    found = find_cta(text)
    if found is None:
        return _check("cta", False, t("posts.check.cta.missing"))
    kind, snippet = found
    if kind == "phrase":
        return _check("cta", True, t("posts.check.cta.ok", phrase=snippet))
    return _check("cta", True, t("posts.check.cta.question"))


def _check_hashtags(text: str, prof: PlatformProfile) -> Check:
    count = len(hashtags(text))
    values = {"count": count, "platform": prof.name, "recommended": prof.hashtags_recommended}
    if prof.hashtag_limit is not None and count > prof.hashtag_limit:
        return _check(
            "hashtags",
            False,
            t("posts.check.hashtags.over_limit", limit=prof.hashtag_limit, **values),
        )
    if count > prof.hashtags_recommended:
        return _check("hashtags", False, t("posts.check.hashtags.too_many", **values))
    if count == 0:
        return _check("hashtags", True, t("posts.check.hashtags.none", **values))
    return _check("hashtags", True, t("posts.check.hashtags.ok", **values))


def _check_emojis(text: str, prof: PlatformProfile) -> Check:
    count = count_emojis(text)
    values = {"count": count, "platform": prof.name, "recommended": prof.emojis_recommended}
    if count > prof.emojis_recommended:
        return _check("emojis", False, t("posts.check.emojis.too_many", **values))
    if count == 0:
        return _check("emojis", True, t("posts.check.emojis.none", **values))
    return _check("emojis", True, t("posts.check.emojis.ok", **values))


def _clean_keywords(keywords: Iterable[str] | str | None) -> list[str]:
    if keywords is None:
        return []
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    cleaned = []
    for keyword in keywords:
        word = str(keyword).strip().lstrip("#").strip()
        if word and word.casefold() not in {k.casefold() for k in cleaned}:
            cleaned.append(word)
    return cleaned


def _mentions(keyword: str, text: str) -> bool:
    # A learner's own keyword ("Lastenrad") should also find its inflected forms
    # ("Lastenräder"), so each of its words counts as a stem.
    words = tokens(keyword)
    return bool(words) and keyword_found(" ".join(f"{w}*" for w in words), text)


def _check_message(text: str, keywords: Sequence[str]) -> Check:
    if not keywords:
        return _check("botschaft", None, t("posts.check.botschaft.no_keywords"))
    found = [k for k in keywords if _mentions(k, text)]
    missing = [k for k in keywords if k not in found]
    if not found:
        return _check(
            "botschaft", False, t("posts.check.botschaft.missing", keywords=", ".join(keywords))
        )
    message = t("posts.check.botschaft.ok", found=", ".join(found))
    if missing:
        message += " " + t("posts.check.botschaft.partly", missing=", ".join(missing))
    return _check("botschaft", True, message)


def check_post(
    text: str,
    platform: str | PlatformProfile = "instagram",
    keywords: Iterable[str] | str | None = None,
) -> list[Check]:
    """All checks for a draft on a platform; `keywords` name the offer and the brand.

    `keywords` may be a list or a comma-separated string; matching ignores case and umlaut
    spelling and finds word stems ("Dinkel" finds "Dinkelbrot", "#Dinkel" too).
    """
    prof = profile(platform)
    text = unicodedata.normalize("NFC", text or "")
    checks = [
        _check_length(text, prof),
        _check_hook(text),
        _check_cta(text),
        _check_hashtags(text, prof),
        _check_emojis(text, prof),
        _check_message(text, _clean_keywords(keywords)),
    ]
    if links(text) and not prof.links_clickable:
        checks.append(
            _check("links", False, t("posts.check.links.not_clickable", platform=prof.name))
        )
    return checks


# ---------------------------------------------------------------------------------------------
# On paper: the post workshop for printed handouts (static HTML, no widgets)
# ---------------------------------------------------------------------------------------------

PAPER_CHECKS = ("laenge", "hook", "cta", "hashtags", "emojis", "botschaft")


def paper_html(
    mode: str = "participant", platform: str | None = None, keywords: str | None = None
) -> str:
    """A drafting sheet: platform limits, lines for the draft and the live checks as a checklist
    (platform and keywords: the notebook's, from the content, unless given)."""
    from ...publish.templating import render

    data = content()
    return render(
        "exercises/posts/paper.html.j2",
        profile=profile(platform or data.platform),
        keywords=data.keywords if keywords is None else keywords,
        checks=PAPER_CHECKS,
        hook_limit=data.hook_short_line,
        trainer=mode == "trainer",
    )
