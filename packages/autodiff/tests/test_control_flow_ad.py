"""Differentiating control flow: cond/switch, scan, fori_loop, while_loop.

Derivatives are checked against finite differences (``check_grads``, orders 1-2,
forward and reverse) and against the same computation written as a Python loop.
Also: reverse mode of a ``while_loop`` is refused with JAX's explanation; ``scan``
saves its residuals stacked (loop-invariant ones once); ``checkpoint`` inside a
scan body recomputes; custom rules inside loop bodies are kept.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_autodiff as ad
import plax_core
from plax_autodiff.partial_eval import linearize_flat
from plax_autodiff.test_util import check_grads
from plax_core import lax, testing
from plax_core.config import config

N = testing.num_generated_cases(10)


@pytest.fixture(autouse=True)
def x64():
    with config.override(enable_x64=True):
        yield


def close(a, b, **kw):
    kw.setdefault("rtol", 1e-6)
    kw.setdefault("atol", 1e-8)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), **kw)


def total(f):
    """``f`` summed to a scalar (every output, every element)."""
    def g(*args):
        outs = plax_core.tree_util.tree_leaves(f(*args))
        s = 0.0
        for o in outs:
            s = s + lax.reduce_sum(o, tuple(range(np.ndim(o))))
        return s
    return g


def rng_arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, s) for s in shapes]


# --------------------------------------------------------------------------- cond

def branchy(p, x, y):
    return lax.cond(p, lambda x, y: lax.sin(x) * y, lambda x, y: (x * x, y)[0] + lax.cos(y),
                    x, y)


@pytest.mark.parametrize("pred", [True, False])
def test_cond_grads(pred):
    x, y = rng_arrays(0, (3,), (3,))
    check_grads(lambda x, y: branchy(pred, x, y), (x, y), order=2)
    g = ad.grad(total(lambda x, y: branchy(pred, x, y)), argnums=(0, 1))(x, y)
    ref = (np.cos(x) * y, np.sin(x)) if pred else (2 * x, -np.sin(y))
    close(g[0], ref[0])
    close(g[1], ref[1])


def test_cond_jvp_with_a_zero_tangent_branch():
    # only one branch depends on y: the other's tangent output is a symbolic zero
    f = lambda p, x, y: lax.cond(p, lambda x, y: x * y, lambda x, y: x, x, y)  # noqa: E731
    x, y = np.float64(2.0), np.float64(3.0)
    _, t = ad.jvp(lambda y: f(False, x, y), (y,), (1.0,))
    close(t, 0.0)
    _, t = ad.jvp(lambda y: f(True, x, y), (y,), (1.0,))
    close(t, 2.0)
    check_grads(lambda x, y: f(True, x, y), (x, y), order=2)


@pytest.mark.parametrize("index", [-1, 0, 1, 2, 7])
def test_switch_grads(index):
    branches = [lambda x: lax.exp(x), lambda x: x * x * x, lambda x: lax.sin(x) + x]
    x, = rng_arrays(1, (4,))
    check_grads(lambda x: lax.switch(index, branches, x), (x,), order=2)
    which = min(max(index, 0), 2)
    ref = [np.exp(x), 3 * x * x, np.cos(x) + 1][which]
    close(ad.grad(total(lambda x: lax.switch(index, branches, x)))(x), ref)


def test_cond_closed_over_values_are_differentiated():
    x, w = rng_arrays(2, (3,), (3,))
    f = lambda w: lax.cond(True, lambda x: x * w, lambda x: x, x)   # noqa: E731
    close(ad.grad(total(f))(w), x)
    check_grads(f, (w,), order=2)


def test_cond_integer_outputs_and_operands():
    def f(x, n):
        return lax.cond(n > 1, lambda x, n: (x * n, n + 1), lambda x, n: (x, n), x, n)

    x, = rng_arrays(3, (2,))
    y, k = f(x, 3)
    g = ad.grad(lambda x: lax.reduce_sum(f(x, 3)[0], (0,)))(x)
    close(g, 3.0 * np.ones(2))
    check_grads(lambda x: f(x, 3)[0], (x,), order=2)


# --------------------------------------------------------------------------- scan

def rnn(W, h0, xs):
    def step(h, x):
        h = lax.tanh(lax.dot(W, h) + x)
        return h, lax.sin(h)
    return lax.scan(step, h0, xs)


def rnn_python(W, h0, xs):
    h, ys = h0, []
    for x in xs:
        h = lax.tanh(lax.dot(W, h) + x)
        ys.append(lax.sin(h))
    return h, lax.concatenate([lax.expand_dims(y, (0,)) for y in ys], 0)


def test_scan_grads_match_python_loop():
    for seed in range(N):
        W, h0, xs = rng_arrays(seed, (3, 3), (3,), (5, 3))
        g = ad.grad(total(rnn), argnums=(0, 1, 2))(W, h0, xs)
        ref = ad.grad(total(rnn_python), argnums=(0, 1, 2))(W, h0, xs)
        for a, b in zip(g, ref):
            close(a, b)


def test_scan_check_grads_order_2():
    W, h0, xs = rng_arrays(4, (3, 3), (3,), (4, 3))
    check_grads(rnn, (W, h0, xs), order=2)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_reverse_pytree_and_int_carry(reverse):
    def f(a, xs):
        def step(c, x):
            (s, k), (u, v) = c, x
            return (s * u + v * a, k + 1), {"y": s * v, "k": k}
        return lax.scan(step, (a, 0), xs, reverse=reverse)

    a, u, v = rng_arrays(5, (), (4,), (4,))
    check_grads(lambda a, u, v: f(a, (u, v))[0][0], (a, u, v), order=2)
    check_grads(lambda a, u, v: f(a, (u, v))[1]["y"], (a, u, v), order=2)


def test_scan_hessian_matches_python_loop():
    W, h0, xs = rng_arrays(6, (2, 2), (2,), (3, 2))
    h = ad.hessian(lambda h0: total(rnn)(W, h0, xs))(h0)
    ref = ad.hessian(lambda h0: total(rnn_python)(W, h0, xs))(h0)
    close(h, ref)


def test_scan_constant_carry_init():
    # the carry starts as a constant: its tangent is an instantiated zero
    xs, = rng_arrays(7, (5,))
    f = lambda w: lax.scan(lambda c, x: (c * 0.5 + x * w, c), 0.0, xs)  # noqa: E731
    check_grads(lambda w: f(w)[0], (np.float64(1.3),), order=2)
    ref = sum(x * 0.5 ** (4 - i) for i, x in enumerate(xs))
    close(ad.grad(lambda w: f(w)[0])(1.3), ref)


def test_scan_residuals_stacked_and_invariants_hoisted():
    W, h0, xs = rng_arrays(8, (3, 3), (3,), (50, 3))
    _, _, res, _, _ = linearize_flat(lambda W, h0: [rnn(W, h0, xs)[0]], [W, h0],
                                     [True, True])
    shapes = [np.shape(r) for r in res]
    assert (50, 3, 3) not in shapes           # W is saved once, not once per step
    assert set(shapes) <= {(3, 3), (3,), (), (50, 3)}
    stacked = [s for s in shapes if s and s[0] == 50]
    assert stacked and len(stacked) <= 4       # O(length) memory: a few arrays per step


def test_backward_scan_is_one_scan():
    W, h0, xs = rng_arrays(9, (3, 3), (3,), (20, 3))
    closed = plax_core.make_jaxpr(ad.grad(total(rnn)))(W, h0, xs)
    scans = [e for e in closed.jaxpr.eqns if e.primitive.name == "scan"]
    assert len(scans) == 2
    assert [e.params["reverse"] for e in scans] == [False, True]
    assert len(closed.jaxpr.eqns) < 40         # nothing unrolled


def test_nested_scan_and_cond_in_scan():
    def f(x, xs):
        def outer(c, row):
            inner, _ = lax.scan(lambda a, v: (lax.sin(a) * v, a), c, row)
            c = lax.cond(lax.reduce_sum(row, (0,)) > 0, lambda c: c * inner,
                         lambda c: c + inner, c)
            return c, inner
        return lax.scan(outer, x, xs)

    x, xs = rng_arrays(10, (), (3, 4))
    check_grads(f, (x, xs), order=2)


def test_scan_in_cond():
    f = lambda p, x: lax.cond(p, lambda x: lax.scan(lambda c, _: (c * x, c), x, None,  # noqa
                                                    length=3)[0], lambda x: -x, x)
    x, = rng_arrays(11, (2,))
    close(ad.grad(total(lambda x: f(True, x)))(x), 4 * x ** 3)
    check_grads(lambda x: f(True, x), (x,), order=2)


# ----------------------------------------------------------------------- fori_loop

def test_fori_loop_static_bounds_grads():
    f = lambda x: lax.fori_loop(1, 4, lambda i, c: lax.sin(c) * i, x)   # noqa: E731
    x, = rng_arrays(12, (3,))
    check_grads(f, (x,), order=2)
    ref = lambda x: lax.sin(lax.sin(lax.sin(x) * 1) * 2) * 3            # noqa: E731
    close(ad.grad(total(f))(x), ad.grad(total(ref))(x))


# -------------------------------------------------------------------------- while

def doubling(x):
    return lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, lax.sin(c[1]) * 1.5),
                          (0, x))[1]


def test_while_forward_mode():
    x, = rng_arrays(13, (3,))
    check_grads(doubling, (x,), order=2, modes=["fwd"])
    ref = lambda x: lax.sin(lax.sin(lax.sin(x) * 1.5) * 1.5) * 1.5      # noqa: E731
    _, t = ad.jvp(doubling, (x,), (np.ones(3),))
    _, t_ref = ad.jvp(ref, (x,), (np.ones(3),))
    close(t, t_ref)
    close(ad.jacfwd(doubling)(x), ad.jacfwd(ref)(x))
    _, f_jvp = ad.linearize(doubling, x)
    close(f_jvp(np.ones(3)), t_ref)


def test_while_reverse_mode_is_refused_with_the_fix():
    x, = rng_arrays(14, (3,))
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for "
                                         "lax.while_loop or lax.fori_loop with dynamic "
                                         "start/stop values.*scan"):
        ad.grad(total(doubling))(x)


def test_fori_loop_traced_bounds_reverse_mode_refused():
    x, = rng_arrays(15, (3,))

    def f(n):
        return ad.grad(total(lambda x: lax.fori_loop(0, n, lambda i, c: c * 2.0, x)))(x)

    with pytest.raises(ValueError, match="fori_loop with static start/stop"):
        plax_core.make_jaxpr(f)(3)


def test_while_without_differentiated_carry_is_fine_under_grad():
    # the loop only counts; the differentiated value does not flow through it
    def f(x):
        n = lax.while_loop(lambda i: i < 4, lambda i: i + 1, 0)
        return x * lax.convert_element_type(n, np.float64)

    close(ad.grad(f)(2.0), 4.0)


# --------------------------------------------------------------------- checkpoint

def test_checkpoint_in_scan_body_recomputes():
    def chain(c):
        return lax.sin(lax.sin(lax.sin(c)))

    def f(body_fn):
        return lambda c, xs: lax.scan(lambda c, x: (body_fn(c) * x, c), c, xs)[0]

    c, xs = rng_arrays(16, (3,), (6, 3))
    plain, remat = f(chain), f(ad.checkpoint(chain))
    close(ad.grad(total(remat))(c, xs), ad.grad(total(plain))(c, xs))
    check_grads(remat, (c, xs), order=2)

    def stacked(fun):
        _, _, res, _, _ = linearize_flat(lambda c: [fun(c, xs)], [c], [True])
        return [np.shape(r) for r in res if np.shape(r)[:1] == (6,)]

    assert len(stacked(remat)) < len(stacked(plain))
    backward = str(plax_core.make_jaxpr(ad.grad(total(remat)))(c, xs))
    assert backward.count(" sin ") > str(
        plax_core.make_jaxpr(ad.grad(total(plain)))(c, xs)).count(" sin ")


# --------------------------------------------------------------- custom rules kept

def marked_sin():
    """sin whose custom derivative is 2*cos (wrong on purpose, to be recognised)."""
    @ad.custom_jvp
    def f(x):
        return lax.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return lax.sin(x), 2.0 * lax.cos(x) * t

    return f


def marked_square():
    """x*x whose custom VJP is 3x (wrong on purpose)."""
    @ad.custom_vjp
    def f(x):
        return x * x

    f.defvjp(lambda x: (x * x, x), lambda x, g: (3.0 * x * g,))
    return f


def test_custom_jvp_inside_control_flow():
    s = marked_sin()
    x, xs = rng_arrays(17, (3,), (4, 3))
    in_cond = lambda x: lax.cond(True, s, lambda x: x, x)                  # noqa: E731
    close(ad.grad(total(in_cond))(x), 2 * np.cos(x))
    close(ad.jvp(in_cond, (x,), (np.ones(3),))[1], 2 * np.cos(x))
    in_scan = lambda x: lax.scan(lambda c, _: (s(c), c), x, None, length=2)[0]  # noqa: E731
    ref = 2 * np.cos(np.sin(x)) * 2 * np.cos(x)
    close(ad.grad(total(in_scan))(x), ref)
    in_while = lambda x: lax.while_loop(lambda c: c[0] < 2,                 # noqa: E731
                                        lambda c: (c[0] + 1, s(c[1])), (0, x))[1]
    close(ad.jvp(in_while, (x,), (np.ones(3),))[1], ref)


def test_custom_vjp_inside_control_flow():
    sq = marked_square()
    x, = rng_arrays(18, (3,))
    in_scan = lambda x: lax.scan(lambda c, _: (sq(c), c), x, None, length=2)[0]  # noqa: E731
    close(ad.grad(total(in_scan))(x), 3 * (x * x) * 3 * x)
    in_cond = lambda x: lax.switch(1, [lambda x: x, sq], x)               # noqa: E731
    close(ad.grad(total(in_cond))(x), 3 * x)


def test_differentiated_inputs_that_no_output_depends_on():
    xs, = rng_arrays(19, (4,))
    f = lambda xs: lax.scan(lambda c, x: (c * 2.0, c), 1.0, xs)[0]       # noqa: E731
    close(ad.grad(f)(xs), np.zeros(4))
    g = lambda x: lax.cond(True, lambda x: 3.0, lambda x: 4.0, x)        # noqa: E731
    close(ad.grad(g)(np.float64(1.0)), 0.0)
    closed = plax_core.make_jaxpr(ad.grad(f))(xs)
    assert len([e for e in closed.jaxpr.eqns if e.primitive.name == "scan"]) == 1
