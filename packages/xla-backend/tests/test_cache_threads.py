"""plax-xla's caches under many threads: every result right, nothing compiled twice.

Eight threads are released together (a barrier) onto the same new shapes, so that
they miss the same cache keys at the same moment: the jit trace cache, the eager
per-primitive cache and the compile cache must each build a key once, and a tiny
``executable_cache_size`` (evicting all the time) must not break anything.
"""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np

import plax_numpy as jnp
from plax_core import config
from plax_xla import jit

N_THREADS = 8


def _run_threads(work, n=N_THREADS):
    """Run ``work(i)`` in ``n`` threads started together; re-raise the first error."""
    barrier = threading.Barrier(n)
    errors = []

    def target(i):
        try:
            barrier.wait()
            work(i)
        except BaseException as e:  # noqa: BLE001 - reported in the main thread
            errors.append(e)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _count_calls(monkeypatch, obj, name):
    counts: Counter = Counter()
    original = getattr(obj, name)

    def counted(*args, **kwargs):
        counts[threading.get_ident()] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, counted)
    return counts


def test_threads_missing_the_same_jit_keys_compile_each_once(xla, monkeypatch):
    f = jit(lambda x: x * 3.0 - 1.0)
    traces = _count_calls(monkeypatch, f, "_compile")
    compiles = _count_calls(monkeypatch, xla.context, "_load_or_compile")
    sizes = [1001 + k for k in range(6)]            # shapes no other test compiles

    def work(i):
        for n in sizes[i % 3:] + sizes[:i % 3]:
            x = np.arange(n, dtype=np.float32)
            np.testing.assert_allclose(np.asarray(f(x)), x * 3.0 - 1.0)
            np.testing.assert_allclose(np.asarray(f(jnp.asarray(x))), x * 3.0 - 1.0)

    _run_threads(work)
    assert sum(traces.values()) == len(sizes)
    assert sum(compiles.values()) == len(sizes)
    assert f._cache_size() == len(sizes)


def test_threads_missing_the_same_eager_keys_build_each_once(xla, monkeypatch):
    builds = _count_calls(monkeypatch, xla, "_build")
    sizes = [2001 + k for k in range(5)]

    def work(i):
        for n in sizes:
            x = jnp.asarray(np.full(n, float(i), np.float32))
            y = jnp.asarray(np.arange(n, dtype=np.float32))
            np.testing.assert_allclose(np.asarray(jnp.maximum(x, y)),
                                       np.maximum(float(i), np.arange(n)))

    _run_threads(work)
    # one build per (primitive, avals) key: maximum on each shape
    assert sum(builds.values()) == len(sizes)


def test_threads_with_a_tiny_cache_still_compute(xla):
    f = jit(lambda x, y: x @ y + 1.0)
    with config.override(executable_cache_size=2):
        def work(i):
            rng = np.random.default_rng(i)
            for k in range(12):
                n = 1 + (i + k) % 5
                a = rng.standard_normal((n, 3)).astype(np.float32)
                b = rng.standard_normal((3, 2)).astype(np.float32)
                np.testing.assert_allclose(np.asarray(f(a, b)), a @ b + 1.0, rtol=1e-5,
                                           atol=1e-5)
                np.testing.assert_allclose(np.asarray(jnp.asarray(a) * 2.0), a * 2.0)
                assert f._cache_size() <= 2 and len(xla.context._compiled) <= 2

        _run_threads(work)
