"""vmap of control flow (cond/switch, while_loop/fori_loop, scan/map) against loops.

The oracle is the unbatched function applied to each example in a Python loop.
Covered: batched operands, batched predicates and indices (cond becomes a select,
while_loop runs every example for exactly its own trip count), batched consts,
carries and scanned-over values at any axis, and nesting.  Tests that also need
differentiation reach it through the registry and skip where plax-autodiff is not
installed (``nox -s batching`` installs core and batching only).
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_batching import vmap
from plax_core import lax, testing
from plax_core.jaxpr import make_jaxpr

F32 = np.float32
N = testing.num_generated_cases(10)
T = plax_core.transformations


def close(a, b, **kw):
    kw.setdefault("rtol", 1e-5)
    kw.setdefault("atol", 1e-6)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), **kw)


def loop_oracle(f, in_axes, *args, out_axis=0):
    """``f`` applied example by example (``in_axes`` as vmap's), results stacked."""
    leaves = plax_core.tree_util.tree_leaves
    size = next(np.shape(leaves(a)[0])[ax] for a, ax in zip(args, in_axes) if ax is not None)
    outs = []
    for i in range(size):
        ex = [a if ax is None else plax_core.tree_util.tree_map(
            lambda v, ax=ax, i=i: np.take(np.asarray(v), i, axis=ax), a)
            for a, ax in zip(args, in_axes)]
        outs.append(f(*ex))
    return plax_core.tree_util.tree_map(
        lambda *xs: np.stack([np.asarray(x) for x in xs], out_axis), *outs)


def check_vmap(f, in_axes, *args, **kw):
    got = vmap(f, in_axes=in_axes)(*args)
    want = loop_oracle(f, in_axes, *args)
    for g, w in zip(plax_core.tree_util.tree_leaves(got),
                    plax_core.tree_util.tree_leaves(want)):
        close(g, w, **kw)


def rand(rng, *shape):
    return rng.uniform(-1, 1, shape).astype(F32)


# --------------------------------------------------------------------------- cond

def branchy(p, x, y):
    return lax.cond(p, lambda x, y: (lax.sin(x) * y, y), lambda x, y: (x * 2.0, x), x, y)


@pytest.mark.parametrize("in_axes", [(None, 0, 0), (None, 0, None), (None, None, 1),
                                     (0, 0, 0), (0, None, None), (0, 1, None)])
def test_cond(in_axes):
    rng = np.random.default_rng(0)
    p = np.array([True, False, True, False, False])

    def arg(ax):
        return rand(rng, 3) if ax is None else np.moveaxis(rand(rng, 5, 3), 0, ax)

    x, y = arg(in_axes[1]), arg(in_axes[2])
    if in_axes[0] is None:
        check_vmap(lambda x, y: branchy(True, x, y), in_axes[1:], x, y)
        check_vmap(lambda x, y: branchy(False, x, y), in_axes[1:], x, y)
    else:
        check_vmap(branchy, in_axes, p, x, y)


def test_cond_batched_predicate_is_a_select():
    closed = make_jaxpr(vmap(branchy))(np.array([True, False]), np.ones((2, 3), F32),
                                       np.ones((2, 3), F32))
    names = [e.primitive.name for e in closed.jaxpr.eqns]
    assert "cond" not in names and "select_n" in names


def test_cond_unbatched_predicate_stays_a_cond():
    closed = make_jaxpr(vmap(lambda x: branchy(True, x, x)))(np.ones((2, 3), F32))
    assert "cond" in [e.primitive.name for e in closed.jaxpr.eqns]


@pytest.mark.parametrize("index", [np.array([-3, 0, 1, 2, 5]), np.array([2, 2, 1, 0, 0])])
def test_switch_batched_index(index):
    branches = [lambda x: x + 1.0, lambda x: lax.sin(x), lambda x: x * x]
    x = rand(np.random.default_rng(1), 5, 2)
    check_vmap(lambda i, x: lax.switch(i, branches, x), (0, 0), index, x)
    check_vmap(lambda i, x: lax.switch(i, branches, x), (0, None), index, x[0])


def test_cond_one_branch_batched_the_other_not():
    w = np.float32(3.0)
    f = lambda p, x: lax.cond(p, lambda x: x * 2.0, lambda x: w, x)   # noqa: E731
    x = np.arange(4, dtype=F32)
    check_vmap(lambda x: f(True, x), (0,), x)
    check_vmap(lambda x: f(False, x), (0,), x)
    check_vmap(f, (0, 0), np.array([True, False, False, True]), x)


# -------------------------------------------------------------------------- while

def newton_sqrt(a):
    """sqrt(a) by Newton's iteration, and how many steps it took."""
    def cond(c):
        x, _ = c
        return lax.abs(x * x - a) > 1e-4 * a

    def body(c):
        x, n = c
        return 0.5 * (x + a / x), n + 1

    return lax.while_loop(cond, body, (a, 0))


def test_newton_per_example_trip_counts():
    a = np.array([1.0, 4.0, 100.0, 1e4, 2.0, 0.25], F32)
    roots, steps = vmap(newton_sqrt)(a)
    close(roots, np.sqrt(a), rtol=1e-4)
    want = [int(newton_sqrt(ai)[1]) for ai in a]
    np.testing.assert_array_equal(np.asarray(steps), want)
    assert len(set(want)) > 2                     # the trip counts really differ


def test_while_unbatched_predicate():
    def f(x):
        return lax.while_loop(lambda c: c[0] < 4, lambda c: (c[0] + 1, lax.sin(c[1]) + 1.0),
                              (0, x))

    check_vmap(f, (0,), rand(np.random.default_rng(2), 3, 2))
    closed = make_jaxpr(vmap(f))(np.ones((3, 2), F32))
    eqn, = [e for e in closed.jaxpr.eqns if e.primitive.name == "while"]
    assert "reduce_or" not in str(eqn.params["cond_jaxpr"])


def test_while_batched_consts_and_init():
    def f(lim, x, scale):
        return lax.while_loop(lambda c: c[0] < lim, lambda c: (c[0] + 1, c[1] * scale),
                              (0, x))

    rng = np.random.default_rng(3)
    lim = np.array([0, 3, 1, 5])
    x, scale = rand(rng, 4, 2), rand(rng, 4)
    check_vmap(f, (0, 0, 0), lim, x, scale)
    check_vmap(f, (0, None, None), lim, x[0], scale[0])
    check_vmap(f, (None, 0, 0), 2, x, scale)


def test_fori_loop_batched_bounds():
    f = lambda n, x: lax.fori_loop(0, n, lambda i, c: c + i * x, 0.0 * x)   # noqa: E731
    check_vmap(f, (0, 0), np.array([0, 1, 4, 2]), np.arange(4, dtype=F32))
    g = lambda x: lax.fori_loop(0, 3, lambda i, c: c * x + i, x)          # noqa: E731
    check_vmap(g, (0,), np.arange(4, dtype=F32))


# --------------------------------------------------------------------------- scan

def rnn(W, h0, xs):
    def step(h, x):
        h = lax.tanh(lax.dot(W, h) + x)
        return h, h * 2.0
    return lax.scan(step, h0, xs)


@pytest.mark.parametrize("in_axes", [(None, None, 0), (None, 0, None), (0, None, None),
                                     (0, 0, 0), (None, 0, 1), (1, None, 2)])
def test_scan(in_axes):
    rng = np.random.default_rng(4)
    for _ in range(N):
        B, L, D = int(rng.integers(1, 4)), int(rng.integers(1, 5)), int(rng.integers(1, 4))
        shapes = {0: (D, D), 1: (D,), 2: (L, D)}
        args = []
        for k, ax in enumerate(in_axes):
            s = list(shapes[k])
            if ax is not None:
                s.insert(ax, B)
            args.append(rand(rng, *s))
        check_vmap(rnn, in_axes, *args, rtol=1e-4)


def test_scan_reverse_pytree_and_out_axes():
    def f(c0, xs):
        return lax.scan(lambda c, x: ((c[0] + x["a"], c[1] * 2), {"y": c[0] * x["a"]}),
                        (c0, 1), xs, reverse=True)

    rng = np.random.default_rng(5)
    c0, a = rand(rng, 3), rand(rng, 3, 4)
    check_vmap(f, (0, 0), c0, {"a": a})
    check_vmap(f, (None, 0), c0[0], {"a": a})
    got = vmap(f, out_axes=((0, 0), {"y": 1}))(c0, {"a": a})
    want = loop_oracle(f, (0, 0), c0, {"a": a})
    close(got[1]["y"], np.moveaxis(want[1]["y"], 0, 1))


def test_scan_carry_batched_only_by_the_body():
    # the carry starts unbatched and becomes batched through a batched x
    f = lambda xs: lax.scan(lambda c, x: (c + x, c), 0.0, xs)   # noqa: E731
    check_vmap(f, (0,), np.arange(12, dtype=F32).reshape(3, 4))


def test_map_and_associative_scan():
    x = np.arange(24, dtype=F32).reshape(4, 3, 2)
    check_vmap(lambda x: lax.map(lambda r: lax.reduce_sum(r, (0,)), x), (0,), x)
    check_vmap(lambda x: lax.associative_scan(lax.add, x), (0,), x)
    check_vmap(lambda x: lax.associative_scan(lax.add, x, axis=1), (2,), x)


# ------------------------------------------------------------------------ nesting

def test_nested_control_flow_and_vmaps():
    def f(p, x):
        def step(c, t):
            c = lax.cond(p > t, lambda c: c * 0.5, lambda c: c + t, c)
            return c, lax.fori_loop(0, 2, lambda i, v: v * c, c)
        return lax.scan(step, x, np.arange(3, dtype=F32))

    rng = np.random.default_rng(6)
    p, x = rand(rng, 4) * 3, rand(rng, 4, 2)
    check_vmap(f, (0, 0), p, x)
    check_vmap(f, (0, None), p, x[0])
    got = vmap(vmap(f, (None, 0)), (0, None))(p, x)
    want = np.stack([loop_oracle(lambda x, pi=pi: f(pi, x), (0,), x)[0] for pi in p])
    close(got[0], want)
    check_vmap(lambda p, x: newton_sqrt(lax.abs(p * x) + 1.0), (0, None), p, x[0, 0])


# ------------------------------------------------------------ with differentiation

needs_autodiff = pytest.mark.skipif("grad" not in plax_core.get_registry().transformations,
                                    reason="plax-autodiff is not installed")


def loss(W, h0, xs):
    h, ys = rnn(W, h0, xs)
    return lax.reduce_sum(h, (0,)) + lax.reduce_sum(ys * ys, (0, 1))


@needs_autodiff
def test_per_example_gradients_of_a_scan():
    rng = np.random.default_rng(7)
    W, h0, xs = rand(rng, 3, 3) * 0.5, rand(rng, 4, 3), rand(rng, 4, 5, 3)
    got = vmap(T.grad(loss), in_axes=(None, 0, 0))(W, h0, xs)
    want = loop_oracle(T.grad(loss), (None, 0, 0), W, h0, xs)
    close(got, want, rtol=1e-4)


@needs_autodiff
def test_grad_of_vmapped_cond_and_scan():
    rng = np.random.default_rng(8)
    p, x = np.array([True, False, True]), rand(rng, 3, 2)

    def batched_total(x):
        out = vmap(lambda p, x: branchy(p, x, x * 2.0)[0])(p, x)
        return lax.reduce_sum(out, (0, 1))

    def looped_total(x):
        s = 0.0
        for i in range(3):
            s = s + lax.reduce_sum(branchy(bool(p[i]), x[i], x[i] * 2.0)[0], (0,))
        return s

    close(T.grad(batched_total)(x), T.grad(looped_total)(x), rtol=1e-4)
    W, h0, xs = rand(rng, 3, 3) * 0.5, rand(rng, 3), rand(rng, 2, 4, 3)
    g = T.grad(lambda W: lax.reduce_sum(vmap(loss, (None, None, 0))(W, h0, xs), (0,)))(W)
    ref = sum(np.asarray(T.grad(loss)(W, h0, xs[i])) for i in range(2))
    close(g, ref, rtol=1e-4)


@needs_autodiff
def test_jvp_of_batched_while():
    a = np.array([1.0, 4.0, 9.0], F32)
    _, t = T.jvp(lambda a: vmap(newton_sqrt)(a)[0], (a,), (np.ones(3, F32),))
    want = [T.jvp(lambda a: newton_sqrt(a)[0], (ai,), (np.float32(1),))[1] for ai in a]
    close(t, want)
    close(t[1:], 0.5 / np.sqrt(a[1:]), rtol=1e-3)   # a=1 takes no step: dx/da = 1
