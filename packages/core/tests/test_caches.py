"""plax_core.caches: the bounded LRU every in-memory cache uses, and clear_caches().

The threaded tests release many threads at once (a barrier) so that they contend on
the same keys: nothing may be built twice, nothing lost, the bound always held.
"""

from __future__ import annotations

import functools
import threading
import time

import pytest

from plax_core import caches, clear_caches, config, register_cache_clearer
from plax_core.caches import LRUCache


def test_lru_order_and_bound():
    c = LRUCache(3)
    for k in "abc":
        c.put(k, k.upper())
    assert c.get("a") == "A"                  # a is now the most recent
    c.put("d", "D")                           # evicts b, the least recently used
    assert c.keys() == ["c", "a", "d"]
    assert "b" not in c and c.get("b") is None and c.get("b", 0) == 0
    c.put("c", "C2")                          # refresh: c moves to the end
    assert c.keys() == ["a", "d", "c"] and len(c) == 3
    assert c.pop("a") == "A" and len(c) == 2


def test_bound_follows_the_config_option():
    c = LRUCache(config.options["executable_cache_size"])
    with config.override(executable_cache_size=2):
        for i in range(5):
            c.put(i, i)
        assert c.keys() == [3, 4] and c.maxsize == 2
    with config.override(executable_cache_size=0):
        c.put("x", 1)
        assert len(c) == 0                    # 0 keeps nothing


def test_get_or_create_builds_once_and_not_on_failure():
    c = LRUCache(4)
    calls = []
    assert c.get_or_create("k", lambda: calls.append(1) or "v") == "v"
    assert c.get_or_create("k", lambda: calls.append(1) or "w") == "v"
    assert calls == [1]

    def boom():
        raise RuntimeError("build failed")

    with pytest.raises(RuntimeError, match="build failed"):
        c.get_or_create("bad", boom)
    assert "bad" not in c and c._pending == {}
    assert c.get_or_create("bad", lambda: 7) == 7


def test_get_or_create_is_reentrant_for_the_same_key():
    c = LRUCache(4)
    inner = []

    def make():
        if not inner:
            inner.append(c.get_or_create("k", lambda: "inner"))
        return "outer"

    assert c.get_or_create("k", make) == "outer"   # no deadlock
    assert inner == ["inner"]


def test_many_threads_build_each_key_once():
    c = LRUCache(1000)
    built: list = []
    lock = threading.Lock()
    n_threads, keys = 8, list(range(20))
    barrier = threading.Barrier(n_threads)
    errors: list = []

    def make(k):
        with lock:
            built.append(k)
        time.sleep(0.002)                         # a slow "compile"
        return k * k

    def worker(seed):
        try:
            barrier.wait()
            for i in range(200):
                k = keys[(seed * 7 + i) % len(keys)]
                assert c.get_or_create(k, functools.partial(make, k)) == k * k
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(built) == keys                  # each key built exactly once
    assert c._pending == {}


def test_many_threads_keep_the_bound():
    c = LRUCache(16)
    n_threads = 8
    barrier = threading.Barrier(n_threads)
    sizes, errors = [], []

    def worker(seed):
        try:
            barrier.wait()
            for i in range(2000):
                k = (seed, i % 50)
                c.put(k, i)
                c.get((seed, (i * 3) % 50))
                c.get_or_create((seed, -(i % 30)), lambda: 0)
                sizes.append(len(c))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and max(sizes) <= 16 and len(c) == 16


def test_clear_caches_clears_every_cache_and_registered_function():
    a, b = LRUCache(4), LRUCache(4)
    a.put(1, 1)
    b.put(2, 2)

    @functools.cache
    def square(x):
        return x * x

    square(3)
    assert register_cache_clearer(square.cache_clear) == square.cache_clear
    register_cache_clearer(square.cache_clear)     # registering twice is harmless
    clear_caches()
    assert len(a) == len(b) == 0 and square.cache_info().currsize == 0
    caches._clearers.remove(square.cache_clear)
    with pytest.raises(TypeError, match="callable"):
        register_cache_clearer(42)


def test_caches_are_registered_weakly():
    import gc
    import weakref
    c = LRUCache(4)
    assert c in caches._caches
    ref = weakref.ref(c)
    del c
    gc.collect()
    assert ref() is None              # the registry does not keep a cache alive
