"""Pictures and files drawn by a library the bot should not carry (matplotlib, openpyxl):
each is made by a short-lived child process, ``python -m <module>``, given its input on
stdin and giving the file on stdout, so the serving process stays small."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Mapping, Sequence

# One drawing at a time: the machine's other core keeps answering citizens. The figures a
# leader waits for do not queue behind a picture.
_DRAWING = asyncio.Semaphore(1)
_COUNTING = asyncio.Semaphore(1)
# A drawing runs at a lower priority: a citizen's reply comes before a leader's picture.
_NICE = ("nice", "-n", "10") if shutil.which("nice") else ()


class ChildFailed(RuntimeError):
    """The child could not make the file; what needed it goes on without it, or says so.
    Its message is the exit status only: what the child printed may quote personal data."""


def child_env(**settings: str) -> dict[str, str]:
    """The environment a child is given: never a token (nor any secret of ours), the
    ``settings`` it needs as ``BOT_*`` variables."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("BOT_") or name in ("BOT_TIMEZONE", "BOT_DEFAULT_LANGUAGE")
    }
    return kept | settings


async def made_by(
    module: str,
    given: bytes,
    within_s: float,
    magic: bytes,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    awaited: bool = False,
) -> bytes:
    """The file ``python -m module args`` makes from ``given``; it must start with
    ``magic``. ``awaited``: what a person is waiting for as the answer itself (the figures),
    made at the bot's own priority and beside a drawing."""
    async with _COUNTING if awaited else _DRAWING:
        process = await asyncio.create_subprocess_exec(
            *(() if awaited else _NICE), sys.executable, "-m", module, *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, env=dict(env if env is not None else child_env()),
        )  # fmt: skip
        try:
            made, _ = await asyncio.wait_for(process.communicate(given), within_s)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise ChildFailed(f"{module} took longer than {within_s:.0f} s") from None
    if process.returncode != 0 or not made.startswith(magic):
        raise ChildFailed(f"{module} {' '.join(args[:1])} ended with {process.returncode}")
    return made
