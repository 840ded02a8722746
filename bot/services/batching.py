"""Write-behind for facts nobody waits on (who wrote lately, how often a card was opened):
collected in memory and stored in one transaction every second, or sooner when many pile up.
A crash loses at most the last second of them; a clean stop loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")


class WriteBehind(Generic[K, V]):
    def __init__(
        self,
        store: Callable[[dict[K, V]], Awaitable[None]],
        merge: Callable[[V | None, V], V],
        *,
        every: float = 1.0,
        batch: int = 200,
    ) -> None:
        self._store = store
        self._merge = merge
        self._every = every
        self._batch = batch
        self._pending: dict[K, V] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def put(self, key: K, value: V) -> None:
        self._pending[key] = self._merge(self._pending.get(key), value)
        if len(self._pending) >= self._batch:
            self._wake.set()

    async def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        try:
            await self._store(batch)
        except BaseException:
            for key, value in batch.items():  # keep them for the next try
                self._pending[key] = (
                    self._merge(value, self._pending[key]) if key in self._pending else value
                )
            raise

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="write-behind")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._every)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("write-behind failed; will retry")


def latest(_: V | None, new: V) -> V:
    return new


def total(old: int | None, new: int) -> int:
    return (old or 0) + new
