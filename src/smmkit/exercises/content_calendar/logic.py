"""Content calendar checks (pure logic, no widgets): is a posting plan varied, steady and timely?

A plan is a pandas DataFrame with one row per post and the columns
``datum, kanal, format, thema, anlass``. :func:`check_calendar` returns a list of
:class:`~smmkit.exercises.check.Check` objects, one per rule (and channel):

| rule | met when |
|---|---|
| `pause` (one per channel) | no channel is silent for more than 7 days within the plan period |
| `format_anteil` | no format makes up more than 50 % of all posts |
| `format_vielfalt` | at least 3 different formats are used |
| `anlaesse` | posts tie in with at least 2 different occasions from a given list: on the day or up to 2 days before, with the column `anlass` filled in |
| `mix` | always: a summary of posts per week, channel and format (not a rule) |

The thresholds are parameters; their defaults and the notebook's sample data are content
(`content_calendar/data.<lang>.yaml`, read by `content()`). All words come from the message
catalog (`locales/<lang>/content_calendar.yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from ...i18n import date as format_date
from ...i18n import number, percent, t
from .. import load_data
from ..check import Check

__all__ = [
    "BEISPIEL_ENDE",
    "BEISPIEL_START",
    "COLUMNS",
    "beispiel_anlaesse",
    "beispiel_entwurf",
    "check_calendar",
    "content",
    "format_findings",
    "mix_table",
    "normalize_occasions",
    "normalize_plan",
]

COLUMNS = ("datum", "kanal", "format", "thema", "anlass")


class _Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rules(_Content):
    """The defaults of check_calendar's thresholds."""

    max_pause_tage: int
    max_format_anteil: float
    min_formate: int
    min_anlaesse: int
    vorlauf_tage: int


class Sample(_Content):
    start: date
    end: date
    occasions: tuple[tuple[date, str, str], ...]  # datum, anlass, art
    draft: tuple[tuple[date, str, str, str, str], ...]  # one row per post, COLUMNS


class CalendarContent(_Content):
    rules: Rules
    sample: Sample


def content(lang: str | None = None) -> CalendarContent:
    return load_data("content_calendar", CalendarContent, lang)


def __getattr__(name: str) -> str:
    """BEISPIEL_START and BEISPIEL_ENDE: the sample period, as "2025-04-28"."""
    if name in ("BEISPIEL_START", "BEISPIEL_ENDE"):
        sample = content().sample
        return (sample.start if name == "BEISPIEL_START" else sample.end).isoformat()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _fmt(day: date) -> str:
    return format_date(day)


def normalize_plan(df: pd.DataFrame) -> pd.DataFrame:
    """A clean copy: dates as days, text columns stripped, formats with one spelling each.

    Raises ValueError (in German, for the learner) when columns are missing or dates are
    unreadable.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(t("kalender.error.not_a_table", type=type(df).__name__))
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(
            t("kalender.error.columns", missing=", ".join(missing), expected=", ".join(COLUMNS))
        )
    plan = df.loc[:, list(COLUMNS)].copy()
    dates = pd.to_datetime(plan["datum"], errors="coerce")
    if dates.isna().any():
        rows = ", ".join(str(i) for i in plan.index[dates.isna()][:5])
        raise ValueError(t("kalender.error.dates", rows=rows))
    plan["datum"] = dates.dt.normalize()
    for column in ("kanal", "format", "thema", "anlass"):
        plan[column] = plan[column].fillna("").astype(str).str.strip()
    # "Reel", "reel " and "REEL" are one format: keep the first spelling seen.
    spelling: dict[str, str] = {}
    for name in plan["format"]:
        spelling.setdefault(name.casefold(), name)
    plan["format"] = [spelling[name.casefold()] for name in plan["format"]]
    return plan.sort_values("datum", kind="stable").reset_index(drop=True)


def normalize_occasions(
    occasions: pd.DataFrame | Mapping[Any, str] | Iterable[tuple[Any, str]] | None,
) -> dict[date, list[str]]:
    """Occasions as {day: [names]} from a DataFrame (datum, anlass), a mapping or pairs."""
    if occasions is None:
        return {}
    if isinstance(occasions, pd.DataFrame):
        pairs: Iterable[tuple[Any, str]] = zip(occasions["datum"], occasions["anlass"], strict=True)
    elif isinstance(occasions, Mapping):
        pairs = occasions.items()
    else:
        pairs = occasions
    result: dict[date, list[str]] = {}
    for when, name in pairs:
        result.setdefault(_day(when), []).append(str(name))
    return result


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def _longest_silence(days: list[date], start: date, end: date) -> tuple[int, date, date]:
    """Longest run of days without a post in [start, end]: (length, first silent, last silent)."""
    best = (0, start, start)
    previous: date | None = None
    for day in sorted(set(days)):
        first_silent = start if previous is None else date.fromordinal(previous.toordinal() + 1)
        length = (day - first_silent).days
        if length > best[0]:
            best = (length, first_silent, date.fromordinal(day.toordinal() - 1))
        previous = day
    first_silent = start if previous is None else date.fromordinal(previous.toordinal() + 1)
    length = (end - first_silent).days + 1
    if length > best[0]:
        best = (length, first_silent, end)
    return best


def _rule_pause(
    plan: pd.DataFrame, start: date, end: date, channels: Iterable[str], max_days: int
) -> list[Check]:
    findings = []
    for channel in channels:
        days = [d.date() for d in plan.loc[plan["kanal"] == channel, "datum"]]
        days = [d for d in days if start <= d <= end]
        length, first, last = _longest_silence(days, start, end)
        values = {"kanal": channel, "days": length, "max": max_days}
        if not days:
            findings.append(
                Check("pause", False, t("kalender.pause.no_posts", **values), subject=channel)
            )
        elif length > max_days:
            findings.append(
                Check(
                    "pause",
                    False,
                    t("kalender.pause.too_long", first=_fmt(first), last=_fmt(last), **values),
                    subject=channel,
                )
            )
        else:
            findings.append(Check("pause", True, t("kalender.pause.ok", **values), subject=channel))
    return findings


def _rule_formats(plan: pd.DataFrame, max_share: float, min_formats: int) -> list[Check]:
    counts = plan["format"].replace("", t("kalender.no_format")).value_counts()
    total = int(counts.sum())
    top, top_count = str(counts.index[0]), int(counts.iloc[0])
    share = top_count / total
    values = {
        "format": top,
        "share": percent(share),
        "max": percent(max_share),
        "count": top_count,
        "total": total,
    }
    if share > max_share + 1e-9:
        share_finding = Check(
            "format_anteil", False, t("kalender.format_anteil.too_high", **values)
        )
    else:
        share_finding = Check("format_anteil", True, t("kalender.format_anteil.ok", **values))
    names = ", ".join(str(n) for n in counts.index)
    values = {"count": len(counts), "min": min_formats, "formats": names}
    if len(counts) < min_formats:
        variety = Check("format_vielfalt", False, t("kalender.format_vielfalt.too_few", **values))
    else:
        variety = Check("format_vielfalt", True, t("kalender.format_vielfalt.ok", **values))
    return [share_finding, variety]


def _names_match(label: str, name: str) -> bool:
    """Does the planner's label ("Muttertag", "Bienen") refer to the occasion `name`?"""
    label, name = label.casefold(), name.casefold()
    if label in name or name in label:
        return True
    return any(word in name for word in re.findall(r"\w{4,}", label))


def _tie_ins(
    day: date, label: str, occasions: dict[date, list[str]], lead_days: int
) -> list[tuple[date, str]]:
    """Occasions a post on `day` labelled `label` ties in with.

    Candidates are the occasions on the day or up to `lead_days` later. The ones the label
    names win; if the label names none of them, the post ties in with an occasion on the
    same day only (the label may be worded differently, e.g. "Mama-Tag").
    """
    candidates = [
        (target, name)
        for offset in range(lead_days + 1)
        for target in [date.fromordinal(day.toordinal() + offset)]
        for name in occasions.get(target, [])
    ]
    named = [(target, name) for target, name in candidates if _names_match(label, name)]
    return named or [(target, name) for target, name in candidates if target == day]


def _rule_occasions(
    plan: pd.DataFrame,
    occasions: dict[date, list[str]],
    start: date,
    end: date,
    minimum: int,
    lead_days: int,
) -> Check:
    if not occasions:
        return Check("anlaesse", None, t("kalender.anlaesse.no_list"))
    covered: dict[tuple[date, str], list[str]] = {}
    for row in plan.itertuples(index=False):
        if not row.anlass:
            continue  # a post ties in only when the planner says so in the column "anlass"
        day = row.datum.date()
        for target, name in _tie_ins(day, row.anlass, occasions, lead_days):
            covered.setdefault((target, name), []).append(f"{row.kanal}, {_fmt(day)}")
    shown = "; ".join(
        f"{name} ({_fmt(day)}: {' / '.join(posts)})"
        for (day, name), posts in sorted(covered.items())
    )
    values = {"count": len(covered), "min": minimum, "covered": shown, "lead": lead_days}
    if len(covered) >= minimum:
        return Check("anlaesse", True, t("kalender.anlaesse.ok", **values))
    unused = [
        f"{name} ({_fmt(day)})"
        for day, names in sorted(occasions.items())
        for name in names
        if start <= day <= end and (day, name) not in covered
    ]
    message = t("kalender.anlaesse.too_few", **values)
    if unused:
        message += " " + t("kalender.anlaesse.suggest", unused=", ".join(unused[:4]))
    return Check("anlaesse", False, message)


def _mix_summary(plan: pd.DataFrame, start: date, end: date) -> Check:
    days = (end - start).days + 1
    per_channel = ", ".join(f"{k} {v}" for k, v in plan["kanal"].value_counts().items())
    per_format = ", ".join(
        f"{k} {percent(v)}" for k, v in plan["format"].value_counts(normalize=True).items()
    )
    per_week = number(len(plan) / days * 7, 1)
    return Check(
        "mix",
        None,
        t(
            "kalender.mix",
            total=len(plan),
            start=_fmt(start),
            end=_fmt(end),
            days=days,
            per_week=per_week,
            channels=per_channel,
            formats=per_format,
        ),
    )


def check_calendar(
    df: pd.DataFrame,
    anlaesse: pd.DataFrame | Mapping[Any, str] | Iterable[tuple[Any, str]] | None = None,
    *,
    start: Any = None,
    end: Any = None,
    kanaele: Iterable[str] | None = None,
    max_pause_tage: int | None = None,
    max_format_anteil: float | None = None,
    min_formate: int | None = None,
    min_anlaesse: int | None = None,
    vorlauf_tage: int | None = None,
) -> list[Check]:
    """Check a posting plan; returns findings in a fixed order (pauses, formats, occasions, mix).

    `start`/`end` bound the plan period (default: first and last post); `kanaele` lists the
    channels that must be served (default: those in the plan). A post ties in with an
    occasion when its column `anlass` is filled in and it is on the day of the occasion or
    up to `vorlauf_tage` days before. Thresholds not given are the content's (7 days, 50 %,
    3 formats, 2 occasions, 2 days).
    """
    rules = content().rules
    max_pause_tage = rules.max_pause_tage if max_pause_tage is None else max_pause_tage
    max_format_anteil = rules.max_format_anteil if max_format_anteil is None else max_format_anteil
    min_formate = rules.min_formate if min_formate is None else min_formate
    min_anlaesse = rules.min_anlaesse if min_anlaesse is None else min_anlaesse
    vorlauf_tage = rules.vorlauf_tage if vorlauf_tage is None else vorlauf_tage
    plan = normalize_plan(df)
    if plan.empty:
        return [Check("mix", False, t("kalender.empty"))]
    first = _day(start) if start is not None else plan["datum"].min().date()
    last = _day(end) if end is not None else plan["datum"].max().date()
    if last < first:
        raise ValueError(t("kalender.error.period", start=_fmt(first), end=_fmt(last)))
    channels = list(dict.fromkeys([*(kanaele or []), *sorted(plan["kanal"].unique())]))
    channels = [c for c in channels if c]
    outside = plan[(plan["datum"].dt.date < first) | (plan["datum"].dt.date > last)]
    findings = _rule_pause(plan, first, last, channels, max_pause_tage)
    findings += _rule_formats(plan, max_format_anteil, min_formate)
    findings.append(
        _rule_occasions(
            plan, normalize_occasions(anlaesse), first, last, min_anlaesse, vorlauf_tage
        )
    )
    summary = _mix_summary(plan, first, last)
    if len(outside):
        summary = Check(
            "mix",
            None,
            summary.message
            + " "
            + t("kalender.outside", count=len(outside), start=_fmt(first), end=_fmt(last)),
        )
    findings.append(summary)
    return findings


def mix_table(df: pd.DataFrame) -> pd.DataFrame:
    """Posts per channel (rows) × format (columns), for a stacked bar chart."""
    plan = normalize_plan(df)
    return pd.crosstab(plan["kanal"], plan["format"]).rename_axis(
        index=t("kalender.axis.kanal"), columns=t("kalender.axis.format")
    )


def format_findings(findings: Iterable[Check]) -> str:
    """Findings as text lines with ✔ / ✘ / ℹ and the state in words, ready to print."""
    lines = []
    for finding in findings:
        icon = {True: "✔", False: "✘", None: "ℹ"}[finding.ok]
        state = t(
            {
                True: "kalender.state.ok",
                False: "kalender.state.not_ok",
                None: "kalender.state.info",
            }[finding.ok]
        )
        title = t(f"kalender.rule.{finding.rule}")
        subject = f" – {finding.subject}" if finding.subject else ""
        lines.append(f"{icon} {title}{subject} ({state}): {finding.message}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Sample data for the notebook exercise (content: Bäckerei Lindner, 28 April – 25 May 2025)
# ---------------------------------------------------------------------------------------------


def beispiel_anlaesse() -> pd.DataFrame:
    """Occasions in the sample period: public holiday, awareness days and (fictional) local events."""
    table = pd.DataFrame(content().sample.occasions, columns=["datum", "anlass", "art"])
    table["datum"] = pd.to_datetime(table["datum"])
    return table


def beispiel_entwurf() -> pd.DataFrame:
    """A first draft with typical weaknesses: mostly Reels, Facebook silent for two weeks, no occasions."""
    rows = [(day.isoformat(), *rest) for day, *rest in content().sample.draft]
    return pd.DataFrame(rows, columns=list(COLUMNS))
