# JupyterHub for smmkit on one server (in the style of The Littlest JupyterHub): company staff
# log in with their system accounts (PAM), each gets a Jupyter server running as their own
# system user (LocalProcessSpawner), and every participant's answers land in their own folder
# of one shared results folder, readable by them and the trainer group only.
# Documented in docs/jupyterhub.md; tests/hub/test_hub.py runs this file with a real hub.
#
# Settings come from environment variables of the hub process (defaults in brackets):
#   SMMKIT_HUB_RESULTS    shared results folder                      [/srv/smmkit/results]
#   SMMKIT_TRAINER_GROUP  system group of the trainers (read all)    [smmkit-trainer]
#   SMMKIT_HUB_GROUPS     system groups allowed to log in, comma-separated
#                                                                    [smmkit,smmkit-trainer]
#   SMMKIT_HUB_ADMINS     hub admins (manage users and servers), comma-separated   [none]
#   SMMKIT_USER_ENV       Python environment of the users' servers, with smmkit, voila,
#                         nbgitpuller                                [the hub's own: sys.prefix]
#   SMMKIT_ROOT           project folder with content/ for every kernel [unset: found above
#                         the notebook, e.g. in the nbgitpuller copy ~/smmkit]
#   SMMKIT_HUB_BIND_URL   where the hub listens                      [http://:8000]
#   SMMKIT_HUB_PROXY      the configurable-http-proxy command (Node.js from npm, or the
#                         Python one from PyPI)                      [configurable-http-proxy]
#
# Setting up the shared folder once (as root; docs/jupyterhub.md explains why):
#   groupadd smmkit-trainer; groupadd smmkit
#   usermod -aG smmkit-trainer TRAINER; usermod -aG smmkit PARTICIPANT ...
# The hub creates <results> (root:smmkit-trainer, 0751) and, before each server starts,
# <results>/<user> (<user>:smmkit-trainer, 2750), and repairs their modes if someone changed them.

import grp
import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file


def _setting(name, default):
    return os.environ.get(name, "").strip() or default


def _names(value):
    return {name.strip() for name in value.split(",") if name.strip()}


RESULTS = Path(_setting("SMMKIT_HUB_RESULTS", "/srv/smmkit/results"))
TRAINER_GROUP = _setting("SMMKIT_TRAINER_GROUP", "smmkit-trainer")
LOGIN_GROUPS = _names(_setting("SMMKIT_HUB_GROUPS", f"smmkit,{TRAINER_GROUP}"))
ADMINS = _names(_setting("SMMKIT_HUB_ADMINS", ""))
USER_ENV = Path(_setting("SMMKIT_USER_ENV", sys.prefix))
ROOT_MODE = 0o751  # root:trainers; trainers list the user folders, users only pass through
USER_MODE = 0o2750  # user:trainers, setgid: every new file gets the trainer group
FILE_MODE = "0640"  # SMMKIT_RESULTS_MODE: owner writes, trainers read, nobody else


def _trainer_gid():
    try:
        return grp.getgrnam(TRAINER_GROUP).gr_gid
    except KeyError:
        raise SystemExit(
            f"smmkit: the trainer group {TRAINER_GROUP!r} does not exist; create it with "
            f"`groupadd {TRAINER_GROUP}` (or set SMMKIT_TRAINER_GROUP)"
        ) from None


def _own(path, uid, gid, mode):
    """chown + chmod without following a symbolic link (refuses anything but a folder)."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise RuntimeError(f"smmkit: {path} must be a folder, not a link or a file")
    os.chown(path, uid, gid, follow_symlinks=False)
    os.chmod(path, mode)


def prepare_results_root():
    RESULTS.mkdir(parents=True, exist_ok=True)
    _own(RESULTS, 0, _trainer_gid(), ROOT_MODE)


def prepare_results_folder(spawner):
    """pre_spawn_hook: the user's own results folder, made by root before their server starts
    (users cannot create anything in the shared folder itself, so nobody can take another's
    name or plant a file for them)."""
    name = spawner.user.name
    if "/" in name or name in (".", "..") or name.startswith("."):
        raise RuntimeError(f"smmkit: user name {name!r} cannot name a results folder")
    folder = RESULTS / name
    folder.mkdir(mode=0o700, exist_ok=True)
    _own(folder, pwd.getpwnam(name).pw_uid, _trainer_gid(), USER_MODE)


def _smmkit_jupyter_path():
    """smmkit's Jupyter data folder in the users' environment (Voilà finds the smmkit_app
    template there); asked from that environment's Python, which may differ from the hub's."""
    python = USER_ENV / "bin" / "python"
    code = "from smmkit.publish.app import JUPYTER_DATA; print(JUPYTER_DATA)"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"smmkit: {python} cannot import smmkit (set SMMKIT_USER_ENV to the users' "
            f"environment):\n{done.stderr.strip()}"
        )
    return done.stdout.strip()


prepare_results_root()

# --- hub, login -----------------------------------------------------------------------------
c.JupyterHub.bind_url = _setting("SMMKIT_HUB_BIND_URL", "http://:8000")
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = LOGIN_GROUPS
c.Authenticator.admin_users = ADMINS
c.JupyterHub.admin_access = False  # admins manage servers but cannot open participants' ones
# An app page answers only when all of its module's cells have run: with many users starting
# at once that takes longer than the Python proxy's default of 20 s (measured: 503 errors).
c.ConfigurableHTTPProxy.command = [
    _setting("SMMKIT_HUB_PROXY", "configurable-http-proxy"),
    "--proxy-timeout=600000",  # ms
]

# --- the users' servers ---------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"  # or "systemdspawner.SystemdSpawner" (docs)
c.Spawner.cmd = [str(USER_ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
c.Spawner.pre_spawn_hook = prepare_results_folder
environment = {
    "SMMKIT_RESULTS_DIR": lambda spawner: str(RESULTS / spawner.user.name),
    "SMMKIT_RESULTS_MODE": FILE_MODE,
    "SMMKIT_LANG": "de",
    "JUPYTER_PATH": _smmkit_jupyter_path(),
}
if os.environ.get("SMMKIT_ROOT"):
    environment["SMMKIT_ROOT"] = os.environ["SMMKIT_ROOT"]
c.Spawner.environment = environment
c.Spawner.args = [
    # The app view at /user/<name>/voila/render/<notebook>: smmkit's offline template in German.
    "--VoilaConfiguration.template=smmkit_app",
    "--VoilaExporter.language_code=de",
    # Memory goes back when participants leave: idle kernels after 1 h, idle servers after 3 h.
    "--MappingKernelManager.cull_idle_timeout=3600",
    "--MappingKernelManager.cull_interval=300",
    "--MappingKernelManager.cull_connected=True",
    "--ServerApp.shutdown_no_activity_timeout=10800",
]
