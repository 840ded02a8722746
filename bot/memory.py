"""Handing memory back to the system once start-up is done."""

from __future__ import annotations

import ctypes
import gc


def release_freed() -> None:
    """Loading the catalogue and building the search index free some 10 MB that the C
    allocator keeps for later; glibc's ``malloc_trim`` hands it back, so a ward's small
    server sees what the bot really holds. Elsewhere (musl, macOS) nothing is done."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
