"""The room's kernels: who owns each, how many a participant may keep, warming a module.

Voilà starts a kernel per module page, or hands out one it warmed in advance from a pool
(``VoilaKernelManager``, pool sizes per notebook). The room records the participant each
kernel belongs to, so that only their browser reaches it, and warms kernels only for the
module the trainer announced.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import TYPE_CHECKING, Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from ..kernel.session import PARTICIPANT_ENV

if TYPE_CHECKING:
    from .handlers import Room

PAGES_PER_PARTICIPANT = 3  # open module pages (kernels) per browser; older ones are shut down

# The participant whose page request is being served: read when Voilà hands out a warmed kernel.
REQUESTING = contextvars.ContextVar("smmkit_requesting_participant", default=None)


class RoomKernelManager(AsyncMappingKernelManager):
    """Knows which participant each kernel belongs to (from the page request that started or
    claimed it), so that only that participant's browser may talk to it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owners: dict[str, str] = {}

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id = await super().start_kernel(*args, **kwargs)
        owner = (kwargs.get("env") or {}).get(PARTICIPANT_ENV)
        if owner:  # a page's own kernel; a warmed one gets its owner when claimed
            self.owners[kernel_id] = owner
        return kernel_id

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        self.owners.pop(kernel_id, None)
        await super().shutdown_kernel(kernel_id, *args, **kwargs)

    def kernels_of(self, key: str) -> list[str]:
        return [kernel for kernel, owner in self.owners.items() if owner == key]


async def close_oldest_pages(kernel_manager: RoomKernelManager, key: str) -> None:
    """Keep at most PAGES_PER_PARTICIPANT kernels per participant: shut down the oldest."""
    kernels = kernel_manager.kernels_of(key)
    for kernel_id in kernels[: max(0, len(kernels) - PAGES_PER_PARTICIPANT + 1)]:
        await kernel_manager.shutdown_kernel(kernel_id)


def warm_kernels(kernel_manager: Any) -> dict[str, dict[str, int]]:
    """Warmed kernels per notebook: ready (the module has run in them) and still starting."""
    result = {}
    for name, pool in getattr(kernel_manager, "_pools", {}).items():
        ready = sum(1 for entry in pool if _has_run(entry))
        if pool:
            result[name] = {"ready": ready, "starting": len(pool) - ready}
    return result


def _has_run(entry: asyncio.Future) -> bool:
    """A pool entry whose kernel started and executed the whole notebook."""
    if not entry.done() or entry.cancelled() or entry.exception() is not None:
        return False
    return entry.result()["task"].done()


def announce(kernel_manager: Any, room: Room, path: str | None) -> int:
    """Warm kernels for the announced module page, one per participant not yet on it (at
    least 3), and none for any other page. Returns the pool size."""
    size = 0
    if path is not None:
        already = {key for key, where in room.whereabouts.items() if where == path}
        waiting = len(room.roster.members) - len(already)
        size = min(max(waiting, 3), room.max_participants)
    kernel_manager.kernel_pools_config = {"default": {"pool_size": 0}}
    if path is not None:
        kernel_manager.kernel_pools_config[path] = {"pool_size": size}
    # Voilà keeps pools in a private dict; unclaimed kernels of other pages are shut down.
    for name, pool in list(getattr(kernel_manager, "_pools", {}).items()):
        if name != path:
            kernel_manager._pools[name] = []
            for task in pool:
                asyncio.ensure_future(_shutdown_when_started(kernel_manager, task))
    if path is not None:
        kernel_manager.fill_if_needed(delay=0, notebook_name=path)
    return size


async def _shutdown_when_started(kernel_manager: Any, task: asyncio.Future) -> None:
    try:
        kernel_id = (await task)["kernel_id"]
    except Exception:  # noqa: BLE001 - a kernel that failed to start needs no shutdown
        return
    await kernel_manager.shutdown_kernel(kernel_id)


def claims_with_owner(kernel_manager: Any) -> None:
    """Record the requesting participant as owner when Voilà hands out a warmed kernel, and
    shrink that pool by one so that it is not refilled beyond the room's need."""
    original = kernel_manager.get_rendered_notebook

    async def get_rendered_notebook(notebook_name: str, *args: Any, **kwargs: Any) -> Any:
        config = kernel_manager.kernel_pools_config.get(notebook_name)
        if config:
            config["pool_size"] = max(1, config["pool_size"] - 1)
        render_task, cache, kernel_id = await original(notebook_name, *args, **kwargs)
        owner = REQUESTING.get()
        if owner:
            kernel_manager.owners[kernel_id] = owner
        return render_task, cache, kernel_id

    kernel_manager.get_rendered_notebook = get_rendered_notebook
