"""plax under many threads: tracing, compiling, eager ops, grad, vmap and random at once.

Tracing state is per thread, so a thread tracing a ``jit`` function must never stage
another thread's eager operations, and every cache must tolerate concurrent use. The
switch interval is shortened so that threads interleave inside tracing (with Python's
default of 5 ms, an unsafe trace stack failed only now and then).
"""

import sys
import threading
import traceback

import numpy as np

import plax
import plax.numpy as jnp
from plax import grad, jit, random, vmap

THREADS = 8
ROUNDS = 25


def _one_round(tid, i):
    n = (tid * 7 + i) % 6 + 1                      # a handful of shapes: compiles and hits
    x = np.arange(n, dtype=np.float32) / 4 + tid
    fresh = jit(lambda y: jnp.sin(y) * 2.0 + y.sum())   # traced anew in every round
    np.testing.assert_allclose(fresh(x), np.sin(x) * 2 + x.sum(), rtol=1e-5)
    np.testing.assert_allclose(jnp.tanh(x) + 1.0, np.tanh(x) + 1, rtol=1e-5)
    np.testing.assert_allclose(grad(lambda y: jnp.sum(y ** 3))(x), 3 * x ** 2, rtol=1e-5)
    np.testing.assert_allclose(vmap(lambda y: y * y + 1.0)(x), x * x + 1, rtol=1e-6)
    np.testing.assert_allclose(jit(grad(lambda y: jnp.sum(jnp.exp(y))))(x), np.exp(x),
                               rtol=1e-5)
    key = random.PRNGKey(tid)
    k1, _ = random.split(key)
    np.testing.assert_array_equal(random.uniform(k1, (3,)), _EXPECTED_UNIFORM[tid])
    assert str(plax.make_jaxpr(_scale)(x)) == _EXPECTED_JAXPR[n]


def _scale(y):
    return y * 2.0


_EXPECTED_UNIFORM = {}
_EXPECTED_JAXPR = {}


def test_eight_threads_mixing_tracing_eager_grad_vmap_random():
    for tid in range(THREADS):               # the single-threaded oracle for random bits
        k1, _ = random.split(random.PRNGKey(tid))
        _EXPECTED_UNIFORM[tid] = np.asarray(random.uniform(k1, (3,)))
    for n in range(1, 7):
        _EXPECTED_JAXPR[n] = str(plax.make_jaxpr(_scale)(np.zeros(n, np.float32)))
    failures = []

    def worker(tid):
        for i in range(ROUNDS):
            try:
                _one_round(tid, i)
            except Exception:              # noqa: BLE001 - every failure is reported
                failures.append((tid, i, traceback.format_exc()))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
    finally:
        sys.setswitchinterval(old)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not failures, (f"{len(failures)} of {THREADS * ROUNDS} rounds failed; first:\n"
                          + failures[0][2])


def test_a_tracer_is_private_to_its_thread():
    """A value traced in one thread is invisible to eager code running in another."""
    started, release = threading.Event(), threading.Event()
    seen = {}

    def tracing():
        def f(y):
            started.set()
            release.wait(10)
            return y + 1.0
        seen["traced"] = plax.make_jaxpr(f)(1.0)

    t = threading.Thread(target=tracing)
    t.start()
    started.wait(10)
    try:
        eager = jnp.ones(3) * 2.0          # runs while the other thread is mid-trace
        seen["eager"] = np.asarray(eager)
    finally:
        release.set()
        t.join(10)
    np.testing.assert_array_equal(seen["eager"], [2.0, 2.0, 2.0])
    assert len(seen["traced"].jaxpr.eqns) == 1
