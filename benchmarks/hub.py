"""Capacity of a single-server hub (deploy/jupyterhub/): N users log in at the same moment,
each starts a server, pulls the training with an nbgitpuller link and opens module 01 as an app
(Voilà under the user's server, fetched over HTTP until the page is complete).

Measures per group size: seconds from the login (server requested) to the rendered module
(median and slowest), memory per user with the module open (PSS and RSS of the user's server
and kernel) and CPU seconds per user. Needs root (real system users); run on demand:

    sudo .venv/bin/python benchmarks/hub.py --users 5 10 [--proxy /path/to/configurable-http-proxy]

The default proxy is the Python configurable-http-proxy of the test extra; --proxy takes the
Node.js one (npm install configurable-http-proxy), which has no 10-request limit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests" / "hub"))

from harness import Hub  # noqa: E402

from smmkit.hub import nbgitpuller_link  # noqa: E402

MODULE = "exercises/de/01_offenheit_kommunikation.ipynb"


def one_user(hub: Hub, account, link: str) -> dict:
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    started = time.monotonic()
    hub.login(account)
    hub.start_server(account)
    server_ready = time.monotonic()
    pull = "&".join(f"{k}={v}" for k, v in {**query, "depth": "0"}.items() if k != "urlpath")
    pulled = hub.get(account, f"git-pull/api?{pull}").decode()
    if '"phase": "finished"' not in pulled:
        raise RuntimeError(f"nbgitpuller failed for {account.name}: {pulled[-1000:]}")
    page = hub.get(account, query["urlpath"], timeout=600).decode()
    if "application/vnd.jupyter.widget-view+json" not in page:
        raise RuntimeError(f"{account.name}: the module did not render")
    done = time.monotonic()
    return {"server": server_ready - started, "rendered": done - started}


def usage(hub: Hub, account) -> dict:
    pss = rss = cpu = 0.0
    for process in hub.user_processes():
        try:
            if process.uids().real != account.uid:
                continue
            memory = process.memory_full_info()
            times = process.cpu_times()
        except psutil.Error:
            continue
        pss, rss = pss + memory.pss, rss + memory.rss
        cpu += times.user + times.system
    return {"pss": pss / 2**20, "rss": rss / 2**20, "cpu": cpu}


def measure(users: int, proxy: str | None) -> dict:
    with Hub(participants=users, trainers=0, **({"proxy": proxy} if proxy else {})) as hub:
        repo = hub.serve_repository()
        link = nbgitpuller_link(hub.url, repo, "main", MODULE, view="app")
        load_before = os.getloadavg()[0]
        with ThreadPoolExecutor(users) as pool:
            times = list(pool.map(lambda a: one_user(hub, a, link), hub.users))
        time.sleep(2)  # let the kernels settle after their last cell
        used = [usage(hub, account) for account in hub.users]
        return {
            "users": users,
            "load_before": load_before,
            "server_median": statistics.median(t["server"] for t in times),
            "rendered_median": statistics.median(t["rendered"] for t in times),
            "rendered_max": max(t["rendered"] for t in times),
            "pss_mean": statistics.mean(u["pss"] for u in used),
            "rss_mean": statistics.mean(u["rss"] for u in used),
            "cpu_mean": statistics.mean(u["cpu"] for u in used),
            "pss_total": sum(u["pss"] for u in used),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--proxy", help="configurable-http-proxy command (default: the Python one)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        parser.error("needs root: it creates system users and runs JupyterHub")
    print(f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB")
    print("users  load  server(med)  rendered(med)  rendered(max)  PSS/user  RSS/user  "
          "CPU s/user  PSS total")  # fmt: skip
    for users in args.users:
        r = measure(users, args.proxy)
        print(
            f"{r['users']:>5}  {r['load_before']:4.1f}  {r['server_median']:10.1f}s"
            f"  {r['rendered_median']:12.1f}s  {r['rendered_max']:12.1f}s"
            f"  {r['pss_mean']:6.0f} MB  {r['rss_mean']:6.0f} MB  {r['cpu_mean']:9.1f}"
            f"  {r['pss_total']:7.0f} MB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
