"""smmkit on a real JupyterHub: three participants and a trainer, real system users, the
shipped deploy/jupyterhub/jupyterhub_config.py, the Python configurable-http-proxy, logins
and servers through the hub's REST API, answers given in each participant's own kernel.

Checks: each participant's answers land in their own file of the shared folder, readable by
them and the trainer group only (modes, owners, and real reads attempted as the other users);
the trainer's report, run in the trainer's own kernel, lists all three; an nbgitpuller link
from `smmkit hub link` hands a participant the module and the Voilà app view renders it.

Needs root (it creates users). Without root the test is skipped, except with CI=true, where
it fails: CI runs as root and must not go green without it.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import REPO, Hub, as_user, run_async

from smmkit.bank import load_bank
from smmkit.store import participant_key

pytestmark = [pytest.mark.hub, pytest.mark.xdist_group("hub")]

MODULE = "01_offenheit_kommunikation"
ANSWER = r"""
import json, smmkit
from smmkit.kernel.session import get_session
session = get_session()
display_name = {display!r}
if display_name:  # as a participant does it: "Anzeigename ändern", type, save
    box = smmkit.participant()
    box.change_button.click()
    box.name.value = display_name
    box.save_button.click()
bank = session.bank
items = [i for i in bank.modules[{module!r}].item_ids if bank.items[i].type == "single_choice"]
for item_id in items:
    widget = smmkit.quiz(item_id)
    wanted = {correct!r}
    widget.radio.value = next(n for n, o in enumerate(widget.item.options) if o.correct == wanted)
    widget.check_button.click()
    assert "Gespeichert" in widget.status.value, widget.status.value
person = session.participant
print(json.dumps({{"name": person.name, "key": person.key, "file": str(session.store().path),
                  "answered": len(items)}}))
"""
TRAINER_REPORT = r"""
import os, subprocess, sys
out = os.path.expanduser("~/bericht.html")
done = subprocess.run([sys.executable, "-m", "smmkit.cli", "results", "report", {results!r},
                       "--out", out, "--root", {root!r}], capture_output=True, text=True)
print(done.returncode, done.stdout, done.stderr)
print("REPORT", out)
"""


def _require_root() -> None:
    if os.geteuid() == 0:
        return
    reason = "the hub test creates system users and runs JupyterHub as root"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI runs as root, so this must not be skipped there")
    pytest.skip(f"{reason}: run as root (or with CI=true as root)")


@pytest.fixture(scope="module")
def running_hub():
    _require_root()
    started = time.monotonic()
    with Hub(participants=3, trainers=1) as hub:
        for account in [*hub.users, *hub.trainer_accounts]:
            hub.login(account)
        for account in [*hub.users, *hub.trainer_accounts]:  # the hub spawns them in parallel
            hub.request_server(account)
        for account in [*hub.users, *hub.trainer_accounts]:
            hub.start_server(account, request=False)
        hub.timings = {"hub and four servers": time.monotonic() - started}
        yield hub


@pytest.fixture(scope="module")
def answered(running_hub):
    """Each participant answers module 01's single-choice items in their own kernel; the
    second picks a display name first."""
    hub = running_hub
    displays = ["", "Fuchs-17", ""]

    async def everyone():
        return await asyncio.gather(
            *(
                hub.execute(
                    account,
                    ANSWER.format(display=display, module=MODULE, correct=index != 2),
                )
                for index, (account, display) in enumerate(zip(hub.users, displays, strict=True))
            )
        )

    started = time.monotonic()
    outputs = run_async(everyone())
    hub.timings["three participants answer"] = time.monotonic() - started
    print(hub.timings)
    return [json.loads(output.strip().splitlines()[-1]) for output in outputs]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_every_participant_writes_their_own_file_keyed_by_the_hub_user(running_hub, answered):
    hub = running_hub
    bank = load_bank(REPO)
    single_choice = [
        i for i in bank.modules[MODULE].item_ids if bank.items[i].type == "single_choice"
    ]
    for account, result in zip(hub.users, answered, strict=True):
        assert result["key"] == participant_key(account.name)
        assert result["file"] == str(hub.results / account.name / f"{result['key']}.json")
        assert result["answered"] == len(single_choice) > 0
    assert [r["name"] for r in answered] == [hub.users[0].name, "Fuchs-17", hub.users[2].name]
    files = sorted(hub.results.glob("*/*.json"))
    assert files == sorted(Path(r["file"]) for r in answered)
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert sorted(document["answers"]["item_id"]) == sorted(single_choice)


def test_results_are_readable_by_owner_and_trainer_group_only(running_hub, answered):
    hub = running_hub
    trainer_gid = int(subprocess.run(["getent", "group", hub.group], capture_output=True,
                                     text=True, check=True).stdout.split(":")[2])  # fmt: skip
    root_info = os.lstat(hub.results)
    assert (root_info.st_uid, root_info.st_gid, mode(hub.results)) == (0, trainer_gid, 0o751)
    for account, result in zip(hub.users, answered, strict=True):
        folder = hub.results / account.name
        info = os.lstat(folder)
        assert (info.st_uid, info.st_gid, mode(folder)) == (account.uid, trainer_gid, 0o2750)
        for path in (Path(result["file"]), Path(result["file"] + ".lock")):
            info = os.lstat(path)
            assert (info.st_uid, info.st_gid, mode(path)) == (account.uid, trainer_gid, 0o640)
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []

    a, b, c = hub.users
    b_file = answered[1]["file"]
    # The owner reads their own file; the trainer reads everyone's.
    assert as_user(b, "cat", b_file).returncode == 0
    trainer = hub.trainer_accounts[0]
    for result in answered:
        seen = as_user(trainer, "cat", result["file"])
        assert seen.returncode == 0 and result["key"] in seen.stdout
    assert as_user(trainer, "ls", str(hub.results)).stdout.split() == sorted(
        u.name
        for u in [*hub.users, trainer]  # every user's server got a folder
    )
    # Another participant can neither read, nor list, nor write anywhere but at home.
    for other in (a, c):
        denied = as_user(other, "cat", b_file)
        assert denied.returncode != 0 and "Permission denied" in denied.stderr
        assert as_user(other, "ls", str(hub.results)).returncode != 0
        assert as_user(other, "ls", str(hub.results / b.name)).returncode != 0
        assert as_user(other, "touch", str(hub.results / "planted.json")).returncode != 0
        assert as_user(other, "touch", str(hub.results / b.name / "planted.json")).returncode != 0
        assert as_user(other, "python3", "-c", f"open({b_file!r}).read()").returncode != 0


def test_a_participants_kernel_cannot_read_another_participants_answers(running_hub, answered):
    hub = running_hub
    code = f"""
try:
    open({answered[1]["file"]!r}).read()
    print("READ")
except PermissionError as error:
    print("DENIED", error.errno)
"""
    assert run_async(hub.execute(hub.users[0], code)).split() == ["DENIED", "13"]


def test_the_trainers_report_lists_all_three(running_hub, answered):
    hub = running_hub
    trainer = hub.trainer_accounts[0]
    output = run_async(
        hub.execute(trainer, TRAINER_REPORT.format(results=str(hub.results), root=str(REPO)))
    )
    assert output.startswith("0 "), output
    assert "3 Teilnehmende" in output and "Warnung" not in output, output
    report = Path(output.split("REPORT")[-1].strip())
    assert os.lstat(report).st_uid == trainer.uid
    html = report.read_text(encoding="utf-8")
    for name in (hub.users[0].name, "Fuchs-17", hub.users[2].name):
        assert name in html


def test_a_link_hands_out_the_module_and_the_app_view_renders_it(running_hub):
    hub = running_hub
    account = hub.users[2]
    repo = hub.serve_repository()
    link = subprocess.run(
        [sys.executable, "-m", "smmkit.cli", "hub", "link", "--hub", hub.url, "--repo", repo,
         "--view", "app", "--module", MODULE, "--urls-only", "--root", str(REPO)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert link.startswith(f"{hub.url}/hub/user-redirect/git-pull?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    # What the link's page then asks the user's server for (a static git server allows no
    # shallow clone, hence depth=0).
    pulled = hub.get(
        account,
        "git-pull/api?"
        + "&".join(f"{k}={v}" for k, v in {**query, "depth": "0"}.items() if k != "urlpath"),
    ).decode()
    assert '"phase": "finished"' in pulled, pulled[-2000:]
    notebook = Path(f"~{account.name}").expanduser() / query["urlpath"].split("/", 2)[2]
    assert notebook.is_file() and os.lstat(notebook).st_uid == account.uid
    page = hub.get(account, query["urlpath"]).decode()
    assert '<html lang="de">' in page and "application/vnd.jupyter.widget-view+json" in page
    assert "Traceback" not in page and "Error" not in page.split("</head>")[1][:2000]
