"""Replies rendered once and reused while what they were made from stays the same.

Procedures, the catalogue's references to them and the unit profile are replaced, never
changed in place, when an admin edits them, so "made from the very same objects" is a cheap
and exact test of freshness."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Rendered(Generic[T]):
    """At most ``limit`` renderings, the least recently used dropped first."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: OrderedDict[Hashable, tuple[tuple[object, ...], T]] = OrderedDict()

    def get(self, key: Hashable, sources: tuple[object, ...], make: Callable[[], T]) -> T:
        kept = self.kept(key, sources)
        return kept if kept is not None else self.keep(key, sources, make())

    def kept(self, key: Hashable, sources: tuple[object, ...]) -> T | None:
        """What was made for ``key`` from these very sources, if it is still kept."""
        kept = self._items.get(key)
        if kept is not None and all(a is b for a, b in zip(kept[0], sources, strict=True)):
            self._items.move_to_end(key)
            return kept[1]
        return None

    def keep(self, key: Hashable, sources: tuple[object, ...], value: T) -> T:
        self._items[key] = (sources, value)
        self._items.move_to_end(key)
        if len(self._items) > self._limit:
            self._items.popitem(last=False)
        return value
