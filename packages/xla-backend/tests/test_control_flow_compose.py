"""Control flow under jit composed with grad, jvp and vmap.

Oracles are Python loops on NumPy and finite differences; the transformations come
from the registry, so each test skips where the package providing one is absent.
"""

import re

import numpy as np
import pytest

from plax_core import lax
from plax_xla import jit

pytestmark = pytest.mark.skipif(not hasattr(lax, "scan"), reason="no control flow in core")


def _rnn_loss(W, xs):
    def step(h, x):
        h = lax.tanh(lax.add(lax.dot(h, W), x))
        return h, lax.reduce_sum(h, (0,))
    _, ys = lax.scan(step, np.zeros(W.shape[0], np.float32), xs)
    return lax.reduce_sum(ys, (0,))


def _rnn_loss_numpy(W, xs):
    h, total = np.zeros(W.shape[0]), 0.0
    for x in xs:
        h = np.tanh(h @ W + x)
        total += h.sum()
    return total


def _rnn_inputs(length, seed=0):
    rng = np.random.default_rng(seed)
    W = (rng.standard_normal((8, 8)) * 0.3).astype(np.float32)
    xs = rng.standard_normal((length, 8)).astype(np.float32)
    return W, xs


@pytest.mark.parametrize("length", [10, 1000])
def test_jit_grad_of_scan_rnn_matches_finite_differences(length, require):
    grad = require("grad")
    W, xs = _rnn_inputs(length)
    got = np.asarray(jit(grad(_rnn_loss))(W, xs))
    assert got.shape == W.shape
    np.testing.assert_allclose(float(jit(_rnn_loss)(W, xs)),
                               _rnn_loss_numpy(W.astype(np.float64), xs), rtol=1e-4)
    eps, W64 = 1e-4, W.astype(np.float64)
    for i, j in [(0, 0), (3, 5), (7, 2)]:
        up, down = W64.copy(), W64.copy()
        up[i, j] += eps
        down[i, j] -= eps
        fd = (_rnn_loss_numpy(up, xs) - _rnn_loss_numpy(down, xs)) / (2 * eps)
        np.testing.assert_allclose(got[i, j], fd, rtol=2e-3, atol=2e-3)


def test_scan_program_size_does_not_grow_with_length(require):
    """Compile time tracks program size: a 1000-step scan lowers to the 10-step program."""
    grad = require("grad")

    def op_count(length):
        text = jit(grad(_rnn_loss)).lower(*_rnn_inputs(length)).as_text()
        return len(re.findall(r"= stablehlo\.", text)), text.count("stablehlo.while")

    short, long = op_count(10), op_count(1000)
    assert short == long
    assert short[1] >= 2  # forward and backward loops, not unrolled


def _newton_sqrt(a):
    """sqrt(a) by Newton's method; the trip count depends on a."""
    def cond(state):
        x, i = state
        return lax.bitwise_and(lax.gt(lax.abs(lax.sub(lax.mul(x, x), a)), 1e-5 * a),
                               lax.lt(i, 100))

    def body(state):
        x, i = state
        return lax.mul(0.5, lax.add(x, lax.div(a, x))), lax.add(i, 1)

    return lax.while_loop(cond, body, (a, np.int32(0)))


def test_newton_while_loop_under_jit_and_vmap_has_per_element_trip_counts(require):
    vmap = require("vmap")
    a = np.array([1.0, 4.0, 2.0, 1e4, 0.25], np.float32)
    roots, trips = jit(vmap(_newton_sqrt))(a)
    np.testing.assert_allclose(np.asarray(roots), np.sqrt(a), rtol=1e-5)
    expected_trips = [int(_newton_sqrt(np.float32(v))[1]) for v in a]
    assert list(np.asarray(trips)) == expected_trips
    assert len(set(expected_trips)) > 2  # really different trip counts


def test_nested_jit_vmap_grad_of_cond_and_fori_loop(require):
    grad, vmap = require("grad"), require("vmap")

    def f(x):
        y = lax.cond(lax.gt(x, 0.0), lambda v: lax.mul(v, v), lambda v: lax.sin(v), x)
        return lax.fori_loop(0, 3, lambda i, acc: lax.add(lax.mul(acc, 1.5), y), y)

    xs = np.array([-1.0, -0.2, 0.3, 2.0], np.float32)
    got = np.asarray(jit(vmap(grad(f)))(xs))
    dy = np.where(xs > 0, 2 * xs, np.cos(xs))
    # acc_3 = y * (1.5**3 + 1.5**2 + 1.5 + 1)
    np.testing.assert_allclose(got, dy * (1.5 ** 3 + 1.5 ** 2 + 1.5 + 1), rtol=1e-5)


def test_jvp_of_jitted_scan_and_switch(require):
    jvp = require("jvp")

    def f(x):
        z = lax.switch(np.int32(1), [lambda v: v, lambda v: lax.exp(v)], x)
        c, _ = lax.scan(lambda c, _: (lax.mul(c, z), None), np.float32(1.0), None, length=3)
        return c

    primal, tangent = jvp(jit(f), (np.float32(0.5),), (np.float32(1.0),))
    np.testing.assert_allclose(float(primal), np.exp(1.5), rtol=1e-6)
    np.testing.assert_allclose(float(tangent), 3 * np.exp(1.5), rtol=1e-5)


def test_while_loop_reverse_mode_is_refused_with_the_fix(require):
    grad = require("grad")

    def f(x):
        return lax.while_loop(lambda v: lax.lt(v, 10.0), lambda v: lax.mul(v, 2.0), x)

    with pytest.raises(Exception, match="fori_loop|scan"):
        jit(grad(f))(np.float32(1.0))
