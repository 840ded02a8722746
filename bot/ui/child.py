"""Pictures and files drawn by a library the bot should not carry (matplotlib, openpyxl):
each is made by a short-lived child process, ``python -m <module>``, given its input on
stdin and giving the file on stdout, so the serving process stays small."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence


class ChildFailed(RuntimeError):
    """The child could not make the file; what needed it goes on without it, or says so."""


async def made_by(
    module: str,
    given: bytes,
    within_s: float,
    magic: bytes,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> bytes:
    """The file ``python -m module args`` makes from ``given``; it must start with
    ``magic``."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=None if env is None else dict(env),
    )  # fmt: skip
    try:
        made, error = await asyncio.wait_for(process.communicate(given), within_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ChildFailed(f"{module} took longer than {within_s:.0f} s") from None
    if process.returncode != 0 or not made.startswith(magic):
        raise ChildFailed(error.decode(errors="replace")[-500:])
    return made
