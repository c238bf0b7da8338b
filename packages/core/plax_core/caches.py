"""Bounded, thread-safe caches and the one ``clear_caches()`` that empties them all.

Compiled programs are big (hundreds of KiB each on XLA's CPU client), so every
in-memory cache of them is an ``LRUCache``: it keeps at most ``maxsize`` entries
(an int, or a config option read on every insertion so that
``config.update("executable_cache_size", n)`` takes effect at once) and drops the
least recently used beyond that.  Many threads may use one cache at a time:
lookups and insertions take a lock, and ``get_or_create`` builds a missing entry
outside that lock while making other threads that want the same key wait for it,
so nothing is compiled twice and unrelated compiles run side by side.

``clear_caches()`` empties every live ``LRUCache`` (each registers itself, weakly)
and calls every function given to ``register_cache_clearer`` (plain
``functools.lru_cache`` functions register their ``cache_clear``).  Packages
register at import; users call ``plax.clear_caches()`` to free memory.

This module imports only ``config``, so every other module may import it.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["LRUCache", "clear_caches", "register_cache_clearer"]

_MISSING = object()
_caches: weakref.WeakSet = weakref.WeakSet()
_clearers: list[Callable[[], None]] = []
_registry_lock = threading.Lock()


class LRUCache:
    """A dict with a size bound, least-recently-used eviction, and a lock."""

    __slots__ = ("_data", "_lock", "_maxsize", "_pending", "__weakref__")

    def __init__(self, maxsize: int | Any = 1024):
        """``maxsize``: an int, or an object whose ``.value`` is one (a config
        ``Option``), read at each insertion."""
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._maxsize = maxsize
        self._pending: dict = {}          # key -> [RLock, waiters]: entries being built
        with _registry_lock:
            _caches.add(self)

    @property
    def maxsize(self) -> int:
        size = self._maxsize
        return int(getattr(size, "value", size))

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The entry for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is _MISSING:
                return default
            self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Insert (or refresh) ``key``; evicts the least recently used beyond maxsize."""
        limit = max(self.maxsize, 0)
        with self._lock:
            # evict first, so that len() (read without the lock) never sees limit + 1
            self._data.pop(key, None)
            while self._data and len(self._data) >= limit:
                self._data.popitem(last=False)
            if limit:
                self._data[key] = value

    __setitem__ = put

    def get_or_create(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The entry for ``key``, built by ``make()`` (once, even when many threads
        ask at the same time) if missing.  ``make`` runs without the cache's lock, so
        other keys stay usable meanwhile; if it raises, nothing is stored and the
        next caller tries again."""
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is not _MISSING:
                self._data.move_to_end(key)
                return value
            pending = self._pending.get(key)
            if pending is None:
                pending = self._pending[key] = [threading.RLock(), 0]
            pending[1] += 1
        try:
            with pending[0]:       # reentrant: a recursive build cannot deadlock
                value = self.get(key, _MISSING)
                if value is _MISSING:
                    value = make()
                    self.put(key, value)
                return value
        finally:
            with self._lock:
                pending[1] -= 1
                if pending[1] == 0 and self._pending.get(key) is pending:
                    del self._pending[key]

    def pop(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            return self._data.pop(key, default)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def keys(self) -> list:
        """A snapshot of the keys, least recently used first."""
        with self._lock:
            return list(self._data)

    def __repr__(self) -> str:
        return f"LRUCache(size={len(self._data)}, maxsize={self.maxsize})"


def register_cache_clearer(clear: Callable[[], None]) -> Callable[[], None]:
    """Have ``clear_caches()`` call ``clear`` (e.g. an ``lru_cache``'s ``cache_clear``);
    returns it, so it can decorate a function."""
    if not callable(clear):
        raise TypeError(f"register_cache_clearer: expected a callable, got {clear!r}")
    with _registry_lock:
        if clear not in _clearers:
            _clearers.append(clear)
    return clear


def clear_caches() -> None:
    """Empty every cache plax and its plugins keep in memory: compiled executables,
    jit traces, lowering and dtype tables.  Later calls recompile as needed."""
    with _registry_lock:
        caches = list(_caches)
        clearers = list(_clearers)
    for cache in caches:
        cache.clear()
    for clear in clearers:
        clear()
