"""Handing memory back to the system once start-up is done, and keeping threads from
holding more of it."""

from __future__ import annotations

import ctypes
import gc

_M_ARENA_MAX = -8  # mallopt's parameter (glibc's malloc.h)
ARENAS = 1  # every thread's allocations in the main arena


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def limit_arenas() -> None:
    """glibc gives each thread that allocates an arena of its own (up to 8 a core), and
    what the database's two threads freed (the pages of the catalogue's text read at
    start-up, say) stays in theirs for later: one arena for all keeps the bot's peak some
    5 MB lower, and bench/e2e.py's replies are no slower for the threads sharing it. Called
    at import, before the database opens its threads: a thread's arena is chosen when it
    first allocates. Elsewhere (musl, macOS) nothing is done."""
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is not None:
        mallopt(_M_ARENA_MAX, ARENAS)


def release_freed() -> None:
    """Loading the catalogue and building the search index free some 10 MB that the C
    allocator keeps for later; glibc's ``malloc_trim`` hands it back, so a ward's small
    server sees what the bot really holds. Elsewhere (musl, macOS) nothing is done."""
    gc.collect()
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


limit_arenas()
