"""Load test of the workshop room with a crash halfway (run on demand:
`.venv/bin/python benchmarks/room_load.py [--participants 25] [--module 03_…ipynb]`).

N participants (browser contexts of one Debian chromium, driven concurrently) join the room;
the trainer announces the module (default 03, the one with the most widgets) and lets the pool
warm; everyone opens it and works through it: every quiz item answered and checked, every
scenario played to an ending, every self-assessment saved. After half of the module's
widgets, the room server is killed (SIGKILL to its process group and every kernel) and
started again on the same results folder and port; everyone reloads and goes on. They must
still be recognised (cookie: the page names them) and see their earlier answers (an answered
item shows "answered before").

At the end: every submitted answer must be in the results folder
(`smmkit.results.loader.load_results`), every widget on every page must have rendered, and no
browser console may report "model not found" / "Error displaying widget". Prints a summary
and exits non-zero if an answer is missing or a widget failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import roomkit as rk
from playwright.async_api import expect
from test_widgets_browser import exactly, notebook_calls, plain, snippet, winning_choices

from smmkit.bank import load_bank
from smmkit.bank.grading import grade
from smmkit.bank.scenarios import ScenarioRun
from smmkit.i18n import t
from smmkit.kernel.widgets.base import verdict
from smmkit.results.loader import load_results

RENDER = 120_000  # ms: one kernel round trip while the machine is saturated
ANSWERED_BEFORE = t("verdict.answered_before", attempt=1, points=1, max_points=1).split("(")[0]


@dataclass(frozen=True)
class Entry:
    """One widget root on the module page, in notebook order."""

    kind: str  # an item type, "scenario" or "likert"
    item: Any
    phase: str | None = None

    @property
    def css(self) -> str:
        return f".smmkit-{self.kind}"


def module_plan(path: Path, bank: Any) -> list[Entry]:
    """The widgets a module page shows, in order (quiz sets count item by item)."""
    entries = []
    for call, ref in notebook_calls(path):
        ids = bank.quiz_sets[ref].items if ref in bank.quiz_sets else [ref]
        for item_id in ids:
            item = bank.items[item_id]
            phase = None
            if item.type == "likert":
                phase = "nachher" if any(e.item.id == item_id for e in entries) else "vorher"
            entries.append(Entry(item.type, item, phase))
        del call
    return entries


# --- answering, async versions of tests/browser/test_widgets_browser.py's helpers -------------


async def click_radio(widget, text: str) -> None:
    label = widget.locator(".widget-radio-box label").filter(has_text=exactly(text))
    await label.click()
    await expect(label.locator("input")).to_be_checked()


async def answer_single_choice(widget, item) -> int:
    index = next(i for i, option in enumerate(item.options) if option.correct)
    await click_radio(widget, item.options[index].text)
    return index


async def answer_multiple_choice(widget, item) -> list[int]:
    chosen = [i for i, option in enumerate(item.options) if option.correct]
    for index in chosen:
        label = widget.locator("label.widget-label-basic").filter(
            has_text=exactly(item.options[index].text)
        )
        await label.click()
        await expect(label.locator("input[type=checkbox]")).to_be_checked()
    return chosen


async def answer_true_false(widget, item) -> bool:
    await click_radio(widget, t("label.true") if item.answer else t("label.false"))
    return item.answer


async def answer_ordering(widget, item) -> list[int]:
    up = t("button.up")
    buttons = widget.locator(f"button[title^='{up}: ']")
    await expect(buttons).to_have_count(len(item.steps))
    current = [
        (await buttons.nth(i).get_attribute("title") or "").removeprefix(f"{up}: ")
        for i in range(len(item.steps))
    ]
    for target, step in enumerate(item.steps):
        position = current.index(step)
        while position > target:
            await widget.get_by_title(f"{up}: {step}", exact=True).click()
            current[position - 1], current[position] = current[position], current[position - 1]
            position -= 1
            await expect(buttons.nth(position)).to_have_attribute("title", f"{up}: {step}")
    return list(range(len(item.steps)))


async def answer_matching(widget, item) -> list[str]:
    for pair in item.pairs:
        select = widget.get_by_label(pair.left, exact=True)
        text = widget.locator(".smmkit-letter-list .smmkit-letter-text").filter(
            has_text=exactly(pair.right)
        )
        letter = await text.first.locator("xpath=..").get_attribute("data-letter")
        await select.select_option(label=letter)
        await expect(select.locator("option:checked")).to_have_text(letter)
    return [pair.right for pair in item.pairs]


async def enter_text(field, text: str) -> None:
    await field.click()
    await field.fill(text)
    await expect(field).to_have_value(text)


async def answer_fill_blanks(widget, item) -> list[str]:
    answers = [blank.accept[0] for blank in item.blanks]
    for number, text in enumerate(answers, start=1):
        await enter_text(widget.get_by_label(t("label.gap", number=number), exact=True), text)
    return answers


async def answer_numeric(widget, item) -> str:
    text = f"{item.answer:g}".replace(".", ",")
    await enter_text(widget.get_by_label(t("label.number"), exact=True), text)
    return text


async def answer_free_text(widget, item) -> str:
    text = plain(item.model_answer)
    if not grade(item, text).correct:
        words = [rule.any[0] for rule in item.keywords]
        words += ["und"] * max(0, item.min_words - len(words))
        text = " ".join(words)
    box = widget.get_by_label(t("label.your_text"), exact=True)
    await box.click()
    await box.fill(text)
    await box.press("Tab")  # sent when the field is left
    await expect(widget).to_contain_text(t("label.words", count=len(text.split())))
    return text


ANSWER = {
    "single_choice": answer_single_choice,
    "multiple_choice": answer_multiple_choice,
    "true_false": answer_true_false,
    "ordering": answer_ordering,
    "matching": answer_matching,
    "fill_blanks": answer_fill_blanks,
    "numeric": answer_numeric,
    "free_text": answer_free_text,
}


async def answer_item(widget, item) -> tuple[Any, float]:
    """Answer, check, wait for the verdict and the saved note. Returns (answer, seconds from
    the click on "Antwort prüfen" until the verdict showed)."""
    await widget.scroll_into_view_if_needed()
    answer = await ANSWER[item.type](widget, item)
    result = grade(item, answer)
    assert result.correct, f"{item.id}: the scripted answer {answer!r} is not right"
    started = time.perf_counter()
    await widget.get_by_role("button", name=t("button.check"), exact=True).click()
    await expect(widget.locator(".smmkit-verdict")).to_contain_text(verdict(result))
    elapsed = time.perf_counter() - started
    await expect(widget.locator(".smmkit-status")).to_contain_text(t("participant.saved"))
    return answer, elapsed


async def play_scenario(widget, scenario) -> dict:
    await widget.scroll_into_view_if_needed()
    run = ScenarioRun(scenario)
    await expect(widget.locator(".widget-html-content").first).to_contain_text(scenario.title)
    for index in winning_choices(scenario):
        choice = run.node.choices[index]
        await widget.get_by_role("button", name=exactly(choice.text)).click()
        run.choose(index)
        await expect(widget).to_contain_text(snippet(choice.feedback))
    assert run.finished, f"{scenario.id}: the scripted choices do not reach an ending"
    await expect(widget.locator(".smmkit-debrief")).to_contain_text(
        snippet(run.node.ending.debrief)
    )
    return {"ending": run.node.id}


async def fill_self_assessment(widget, item, rating: int = 4) -> dict[str, int]:
    await widget.scroll_into_view_if_needed()
    labels = item.scale or [t(f"likert.scale.{i}") for i in range(5)]
    scales = widget.locator(".smmkit-likert-scale")
    await expect(scales).to_have_count(len(item.statements))
    for index in range(len(item.statements)):
        await click_radio(scales.nth(index), f"{rating} – {labels[rating - 1]}")
    await widget.get_by_role("button", name=t("button.save"), exact=True).click()
    await expect(widget.locator(".smmkit-status")).to_contain_text(t("likert.saved"))
    return {statement.id: rating for statement in item.statements}


# --- one participant ---------------------------------------------------------------------------


@dataclass
class Work:
    person: rk.Participant
    submitted: list[tuple[str, str | None]] = field(default_factory=list)  # (item id, phase)
    tti: dict[str, float] = field(default_factory=dict)  # "before"/"after" -> s
    rendered: dict[str, int] = field(default_factory=dict)
    click_s: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    recognised: bool | None = None
    resumed: bool | None = None


async def open_page(work: Work, base: str, module: str, expected: int, label: str) -> None:
    try:
        wall, _ = await rk.open_module(work.person, base, module)
        work.tti[label] = wall
    except Exception as exc:  # noqa: BLE001 - a page that never became interactive
        work.failures.append(f"{label}: page not interactive: {str(exc)[:200]}")
        return
    work.rendered[label] = await rk.wait_all_widgets(work.person, expected, timeout_ms=RENDER)
    if work.rendered[label] < expected:
        places = await work.person.page.evaluate(rk.ERROR_PLACES_JS)
        work.failures.append(
            f"{label}: {work.rendered[label]} of {expected} widgets rendered; error places {places}"
        )


DEADLINE = [float("inf")]  # perf_counter time after which participants stop working
GIVE_UP_AFTER = 3  # failed widgets in a row: the page is gone, stop this participant


async def work_through(work: Work, plan: list[Entry], indexes: range) -> None:
    roots = work.person.page.locator(rk.ROOTS)
    failed_in_a_row = 0
    for index in indexes:
        entry = plan[index]
        widget = roots.nth(index)
        if time.perf_counter() > DEADLINE[0] or failed_in_a_row >= GIVE_UP_AFTER:
            reason = "time limit" if time.perf_counter() > DEADLINE[0] else "page unusable"
            work.failures.append(f"stopped before widget {index} ({reason})")
            return
        failed_in_a_row += 1
        try:
            classes = await widget.get_attribute("class", timeout=RENDER) or ""
            assert entry.css[1:] in classes.split(), f"widget {index} is not a {entry.kind}"
            if entry.kind == "scenario":
                await play_scenario(widget, entry.item)
            elif entry.kind == "likert":
                await fill_self_assessment(widget, entry.item)
            else:
                _, seconds = await answer_item(widget, entry.item)
                work.click_s.append(seconds)
            work.submitted.append((entry.item.id, entry.phase))
            failed_in_a_row = 0
        except Exception as exc:  # noqa: BLE001 - reported; the participant goes on
            work.failures.append(
                f"{entry.item.id} ({entry.kind}): {str(exc).splitlines()[0][:200]}"
            )


async def check_after_restart(work: Work, plan: list[Entry], half: int) -> None:
    page = work.person.page
    name = work.person.name
    participant = page.locator(".smmkit-participant")
    try:
        await expect(participant).to_contain_text(name, timeout=RENDER)
        work.recognised = True
    except AssertionError:
        work.recognised = False
        work.failures.append(f"after restart: the page does not name {name}")
    first = next((i for i in range(half) if plan[i].kind in ANSWER), None)
    if first is None:
        return
    widget = page.locator(rk.ROOTS).nth(first)
    try:
        await expect(widget).to_contain_text(ANSWERED_BEFORE, timeout=RENDER)
        work.resumed = True
    except AssertionError:
        work.resumed = False
        work.failures.append(
            f"after restart: {plan[first].item.id} does not show its earlier answer"
        )


# --- the run -----------------------------------------------------------------------------------


async def run(args: argparse.Namespace, work_dir: Path) -> int:
    expect.set_options(timeout=RENDER)
    bank = load_bank(rk.REPO)
    plan = module_plan(rk.APP / args.module, bank)
    expected = len(plan)
    half = expected // 2
    kinds: dict[str, int] = {}
    for entry in plan:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    rk.log(f"{args.module}: {expected} widgets {kinds}; restart after widget {half}")
    env = rk.isolated_env(work_dir / "env")
    results = work_dir / "results"
    server = rk.Server("room", env, results, work_dir / "room.log")
    start = await asyncio.to_thread(server.start)
    rk.log(f"room serves {server.url} (start {start:.1f} s)")
    summary: dict[str, Any] = {}
    async with rk.chromium(env) as browser:
        people = await asyncio.gather(
            *(
                rk.new_participant(browser, f"Teilnehmer {i + 1:02d}")
                for i in range(args.participants)
            )
        )
        works = [Work(person) for person in people]
        try:
            await asyncio.gather(*(rk.browser_join(p, server.url) for p in people))
            rk.log(f"{len(people)} joined")
            trainer = rk.Trainer(server)
            trainer.announce(args.module)
            waited = await asyncio.to_thread(trainer.wait_until_warm, args.warm_limit)
            rk.log(f"announced; pool ready after {waited:.0f} s ({trainer.live()['room']['warm']})")
            trainer.close()

            rk.log("everyone opens the module …")
            meter = rk.CpuMeter(server)
            await asyncio.gather(
                *(open_page(w, server.url, args.module, expected, "before") for w in works)
            )
            tti = [w.tti["before"] for w in works if "before" in w.tti]
            rk.log(
                f"interactive: median {rk.median(tti):.1f} s, p95 {rk.percentile(tti, 95):.1f} s"
            )
            mem = rk.memory(server)
            rk.log(
                f"{mem.kernels} kernels, {rk.mb(mem.kernel_rss)} RSS; server {rk.mb(mem.server_rss)}"
            )
            started = time.perf_counter()
            await asyncio.gather(*(work_through(w, plan, range(0, half)) for w in works))
            rk.log(
                f"first half answered in {time.perf_counter() - started:.0f} s; CPU {meter.used()}"
            )

            rk.log("SIGKILL to the room (process group and kernels) …")
            killed = time.perf_counter()
            await asyncio.to_thread(server.kill)
            await asyncio.to_thread(server.start)
            downtime = time.perf_counter() - killed
            rk.log(f"room serves again after {downtime:.1f} s; everyone reloads …")
            await asyncio.gather(
                *(open_page(w, server.url, args.module, expected, "after") for w in works)
            )
            back = time.perf_counter() - killed
            tti_after = [w.tti["after"] for w in works if "after" in w.tti]
            rk.log(
                f"interactive again: median {rk.median(tti_after):.1f} s, "
                f"p95 {rk.percentile(tti_after, 95):.1f} s ({back:.0f} s after the kill)"
            )
            await asyncio.gather(*(check_after_restart(w, plan, half) for w in works))
            started = time.perf_counter()
            await asyncio.gather(*(work_through(w, plan, range(half, expected)) for w in works))
            rk.log(f"second half answered in {time.perf_counter() - started:.0f} s")
            summary.update(downtime=downtime, back=back, tti=tti, tti_after=tti_after, mem=mem)
        finally:
            for p in people:
                with contextlib.suppress(Exception):
                    await p.context.close()
            await asyncio.to_thread(server.stop)
    return report(args, works, plan, bank, results, summary)


def report(args, works: list[Work], plan, bank, results: Path, summary: dict) -> int:
    loaded = load_results(results, bank)
    frame = loaded.answers
    found = {
        (str(row.participant), str(row.item_id), None if row.phase != row.phase else row.phase)
        for row in frame[["participant", "item_id", "phase"]].itertuples()
    }
    submitted = [(w.person.name, item, phase) for w in works for item, phase in w.submitted]
    missing = [entry for entry in submitted if entry not in found]
    widget_errors = [(w.person.name, line) for w in works for line in w.person.widget_errors()]
    render_failures = [
        (w.person.name, f) for w in works for f in w.failures if "widgets rendered" in f
    ]
    other = [(w.person.name, f) for w in works for f in w.failures if "widgets rendered" not in f]
    external = sorted({url for w in works for url in w.person.external})
    clicks = [s for w in works for s in w.click_s]

    print()
    print(f"Room load test: {args.module}, {len(works)} participants, one chromium")
    print(f"  widgets per page            {len(plan)} (restart after {len(plan) // 2})")
    print(f"  answers submitted           {len(submitted)} (expected {len(works) * len(plan)})")
    print(f"  answers in results folder   {len(submitted) - len(missing)} of {len(submitted)} "
          f"({len(frame)} rows, {len(loaded.participants)} participants)")  # fmt: skip
    print(f"  restart downtime            {summary.get('downtime', float('nan')):.1f} s "
          f"(kill → serving); all pages interactive again {summary.get('back', float('nan')):.0f} s "
          f"after the kill")  # fmt: skip
    for label, key in (("before restart", "tti"), ("after restart", "tti_after")):
        values = summary.get(key, [])
        print(f"  time to interactive {label:<15} median {rk.median(values):5.1f} s   "
              f"p95 {rk.percentile(values, 95):5.1f} s   max {max(values, default=float('nan')):5.1f} s")  # fmt: skip
    print(f"  click → verdict (Playwright) median {rk.median(clicks):.2f} s, "
          f"p95 {rk.percentile(clicks, 95):.2f} s over {len(clicks)} checks")  # fmt: skip
    mem = summary.get("mem")
    if mem:
        print(f"  memory                      {mem.kernels} kernels, "
              f"{rk.mb((mem.kernel_rss + mem.server_rss) / len(works))} RSS per participant")  # fmt: skip
    recognised = sum(1 for w in works if w.recognised)
    resumed = sum(1 for w in works if w.resumed)
    print(f"  recognised after restart    {recognised} of {len(works)}; "
          f"earlier answer shown {resumed} of {len(works)}")  # fmt: skip
    fallback = sum(1 for w in works if w.person.fallback_frames)
    print(f"  pages on the 4 s fallback   {fallback} of {len(works)} (ipywidgets CONTROL_COMM_TIMEOUT "
          f"ran out; one request per widget model instead)")  # fmt: skip
    repaired = sum(w.person.repaired() for w in works)
    print(f"  widget render failures      {len(render_failures)} pages with missing widgets; "
          f"console 'model not found' errors {len(widget_errors)}, of which shown again by "
          f"smmkit's Voilà template {repaired}")  # fmt: skip
    print(f"  requests beyond 127.0.0.1   {len(external)}")
    for name, line in render_failures:
        print(f"    RENDER {name}: {line}")
    for name, line in widget_errors[:40]:
        print(f"    CONSOLE {name}: {line[:300]}")
    for name, item, phase in missing:
        print(f"    MISSING {name}: {item} {phase or ''}")
    for name, line in other[:60]:
        print(f"    FAILED {name}: {line}")
    ok = not missing and not render_failures and len(widget_errors) <= repaired
    ok = ok and len(submitted) == len(works) * len(plan) and recognised == resumed == len(works)
    ok = ok and not other
    print("RESULT:", "ok" if ok else "FAILED")
    return 0 if ok else 1


def main() -> None:
    global RENDER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=25)
    parser.add_argument("--module", default=rk.MODULE_03)
    parser.add_argument("--warm-limit", type=float, default=90.0)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    parser.add_argument("--render-seconds", type=float, default=RENDER / 1000,
                        help="how long a page may take to render every widget (25 chromium "
                        "pages on the server's 2 cores need minutes)")  # fmt: skip
    parser.add_argument("--minutes", type=float, default=30.0,
                        help="stop working through the module after this long (report anyway)")  # fmt: skip
    args = parser.parse_args()
    RENDER = round(args.render_seconds * 1000)
    DEADLINE[0] = time.perf_counter() + args.minutes * 60
    if not (rk.APP / args.module).is_file():
        raise SystemExit(f"{rk.APP / args.module}: build the app edition first")
    work_dir = Path(tempfile.mkdtemp(prefix="smmkit-room-load-"))
    rk.log(f"work folder {work_dir}")
    started = time.perf_counter()
    code = asyncio.run(run(args, work_dir))
    print(f"Total time {time.perf_counter() - started:.0f} s")
    if not args.keep:
        import shutil

        shutil.rmtree(work_dir, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
