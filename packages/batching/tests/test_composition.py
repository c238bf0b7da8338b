"""vmap composed with differentiation (runs where plax-autodiff is installed too).

``nox -s batching`` installs plax-core and plax-batching only, so these tests skip
there; the whole-suite session runs them.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_batching import vmap
from plax_core import lax

ad = pytest.importorskip("plax_autodiff")
if not plax_core.get_registry().rules("jvp"):
    pytest.skip("plax-autodiff's plugin is not registered", allow_module_level=True)

F32 = np.float32


def predict(params, inputs):
    for w, b in params:
        outputs = lax.add(lax.dot(inputs, w), b)
        inputs = lax.tanh(outputs)
    return outputs


def loss(params, inputs, targets):
    err = lax.sub(predict(params, inputs), targets)
    return lax.reduce_sum(lax.mul(err, err), (0,))


def mlp_params(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(m, n)).astype(F32) / np.sqrt(m), rng.normal(size=n).astype(F32))
            for m, n in zip(sizes[:-1], sizes[1:])]


def assert_trees_close(a, b, **tol):
    la, ta = plax_core.tree_util.tree_flatten(a)
    lb, tb = plax_core.tree_util.tree_flatten(b)
    assert ta == tb
    for x, y in zip(la, lb):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), **tol)


def test_readme_per_example_gradients():
    params = mlp_params([4, 6, 3])
    rng = np.random.default_rng(1)
    inputs = rng.normal(size=(5, 4)).astype(F32)
    targets = rng.normal(size=(5, 3)).astype(F32)
    per_example_grads = vmap(ad.grad(loss), in_axes=(None, 0, 0))(params, inputs, targets)
    for i in range(5):
        ref = ad.grad(loss)(params, inputs[i], targets[i])
        got = plax_core.tree_util.tree_map(lambda g, i=i: np.asarray(g)[i], per_example_grads)
        assert_trees_close(got, ref, rtol=1e-4, atol=1e-5)


def test_grad_of_vmap():
    params = mlp_params([3, 4, 2])
    x = np.random.default_rng(2).normal(size=(6, 3)).astype(F32)

    def batch_loss(p):
        return lax.reduce_sum(vmap(predict, in_axes=(None, 0))(p, x), (0, 1))

    def loop_loss(p):
        total = 0.0
        for row in x:
            total = lax.add(total, lax.reduce_sum(predict(p, row), (0,)))
        return total

    assert_trees_close(ad.grad(batch_loss)(params), ad.grad(loop_loss)(params),
                       rtol=1e-4, atol=1e-5)


def test_vmap_of_jvp_and_jacobians():
    def f(x):
        return lax.mul(lax.sin(x), x)

    xs = np.random.default_rng(3).normal(size=(4, 3)).astype(F32)
    ts = np.ones_like(xs)
    primal, tangent = vmap(lambda x, t: ad.jvp(f, (x,), (t,)))(xs, ts)
    np.testing.assert_allclose(primal, np.sin(xs) * xs, rtol=1e-5)
    np.testing.assert_allclose(tangent, np.cos(xs) * xs + np.sin(xs), rtol=1e-5)
    expected = np.stack([np.diag(np.cos(x) * x + np.sin(x)) for x in xs])
    np.testing.assert_allclose(vmap(ad.jacfwd(f))(xs), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(vmap(ad.jacrev(f))(xs), expected, rtol=1e-5, atol=1e-6)
