"""Gradients of ``scatter_mul`` (``x.at[idx].multiply/divide/power``) with respect to the
updates, with repeated indices.

JAX 0.10.2 raises NotImplementedError for these unless ``unique_indices=True`` (or the
index is static ints/slices); plax computes them.  Three oracles: the closed form (the
derivative of ``x[j] * prod u_k`` in ``u_k`` is ``x[j]`` times the product of the other
updates at ``j``, computed here with NumPy by brute force), finite differences
(``check_grads``, orders 1 and 2, forward and reverse), and values pinned from JAX
0.10.2 (run outside the repository) where JAX computes them.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_autodiff import grad, jvp
from plax_autodiff.test_util import check_grads
from plax_core import lax, ops

X = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
W = np.array([1.0, -2.0, 3.0, 0.5], np.float32)


def _loss(idx, mode=None, unique=False):
    def f(x, u):
        out = ops.array(x).at[idx].multiply(u, mode=mode, unique_indices=unique)
        return ops.sum(ops.multiply(out, W))
    return f


def _closed_form(x, w, idx, u, size):
    """d/du_k of sum(w * x.at[idx].multiply(u)) by brute force; out-of-bounds updates
    are dropped (None) or land on the clamped index ('clip')."""
    g = np.zeros_like(u)
    for k, j in enumerate(idx):
        if not 0 <= j < size:
            continue
        others = np.prod([u[q] for q, jq in enumerate(idx) if jq == j and q != k])
        g[k] = w[j] * x[j] * others
    return g


# (indices, updates): repeated locations, a zero update, two zeros at one location,
# an out-of-bounds index
REPEATED = [
    (np.array([0, 2, 0, 2, 1]), np.array([2.0, 3.0, -1.0, 0.5, 4.0], np.float32)),
    (np.array([0, 2, 0, 2, 1]), np.array([2.0, 0.0, -1.0, 0.5, 4.0], np.float32)),
    (np.array([0, 2, 0, 2, 1]), np.array([0.0, 3.0, 0.0, 0.5, 4.0], np.float32)),
    (np.array([3, 3, 3]), np.array([1.5, -2.0, 0.5], np.float32)),
    (np.array([1, 9, 1, -9]), np.array([1.5, -2.0, 0.5, 3.0], np.float32)),
]


@pytest.mark.parametrize("k", range(len(REPEATED)))
def test_repeated_indices_against_closed_form(k):
    idx, u = REPEATED[k]
    want = _closed_form(X, W, np.where(idx < 0, idx + 4, idx), u, 4)
    got = grad(_loss(idx), argnums=1)(X, u)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    # the operand's gradient: w times the product of the updates landing there
    gx = np.asarray(grad(_loss(idx))(X, u))
    prod = np.ones(4, np.float32)
    np.multiply.at(prod, [j for j in np.where(idx < 0, idx + 4, idx) if 0 <= j < 4],
                   u[[q for q, j in enumerate(np.where(idx < 0, idx + 4, idx))
                      if 0 <= j < 4]])
    np.testing.assert_allclose(gx, W * prod, rtol=1e-6)


@pytest.mark.parametrize("mode", [None, "clip", "drop", "promise_in_bounds"])
@pytest.mark.parametrize("k", range(len(REPEATED)))
def test_repeated_indices_finite_differences(k, mode):
    idx, u = REPEATED[k]
    if mode == "promise_in_bounds" and (np.any(idx >= 4) or np.any(idx < -4)):
        return
    check_grads(_loss(idx, mode), (X, u + 0.25), 2)


def test_update_windows_and_jvp():
    # rows of a 2-d operand updated by whole-row windows, a row repeated
    x = np.arange(1.0, 13.0, dtype=np.float32).reshape(3, 4)
    u = np.linspace(0.5, 2.0, 12, dtype=np.float32).reshape(3, 4)
    idx = np.array([0, 2, 0])

    def f(x, u):
        return ops.array(x).at[idx].multiply(u)

    check_grads(f, (x, u), 2)
    t = np.ones_like(u)
    _, tan = jvp(lambda u: f(x, u), (u,), (t,))
    want = x.copy()
    want[0] *= u[0] + u[2]          # d(u0*u2) = u2 + u0 for unit tangents
    want[2] *= 1.0
    want[1] = 0.0
    np.testing.assert_allclose(np.asarray(tan), want, rtol=1e-6)


def test_lax_scatter_mul_and_divide_power():
    dn = lax.ScatterDimensionNumbers((), (0,), (0,))
    idx = np.array([[1], [1]])
    u = np.array([2.0, 5.0], np.float32)
    f = lambda u: ops.sum(lax.scatter_mul(X, idx, u, dn))   # noqa: E731
    np.testing.assert_allclose(np.asarray(grad(f)(u)), [10.0, 4.0])
    rep = np.array([1, 1])
    check_grads(lambda x, v: ops.array(x).at[rep].divide(v), (X, u), 2)
    check_grads(lambda x, v: ops.array(x).at[rep].power(v), (X, np.array([0.5, 1.5],
                                                                          np.float32)), 2)


# Pinned from JAX 0.10.2 (run outside the repository): the cases JAX computes.
JAX_VALUES = {
    "unique_gu": [2.0, 1.0, 9.0],
    "unique_gx": [-3.0, -2.0, 1.5, 1.0],
    "unique_jvp": [2.0, 0.0, 9.0, 4.0],
    "static_int": -4.0,
    "static_slice": [-4.0, 9.0],
    "static_divide": [1.0, -9.0],
    "static_power": [-5.545177459716797, 5.70855712890625],
    "clip_unique": [2.0, 1.0],
    "drop_unique": [0.0, 1.0],
}


def test_against_jax_where_jax_computes():
    u = np.array([2.0, -3.0, 0.5], np.float32)
    uniq = np.array([3, 0, 2])
    f = _loss(uniq, unique=True)
    two = np.array([2.0, -1.0], np.float32)

    def at(idx, op, v, **kw):
        return ops.sum(ops.multiply(getattr(ops.array(X).at[idx], op)(v, **kw), W))

    got = {
        "unique_gu": grad(f, argnums=1)(X, u),
        "unique_gx": grad(f)(X, u),
        "unique_jvp": jvp(lambda v: ops.array(X).at[uniq].multiply(v, unique_indices=True),
                          (u,), (np.array([1.0, 2.0, 3.0], np.float32),))[1],
        "static_int": grad(lambda s: at(1, "multiply", s))(np.float32(2.5)),
        "static_slice": grad(lambda v: at(slice(1, 3), "multiply", v))(two),
        "static_divide": grad(lambda v: at(slice(1, 3), "divide", v))(two),
        "static_power": grad(lambda v: at(slice(1, 3), "power", v))(
            np.array([2.0, 0.5], np.float32)),
        "clip_unique": grad(lambda v: at(np.array([7, 0]), "multiply", v, mode="clip"))(two),
        "drop_unique": grad(lambda v: at(np.array([7, 0]), "multiply", v, mode="drop"))(two),
    }
    for name, want in JAX_VALUES.items():
        np.testing.assert_allclose(np.asarray(got[name]), want, rtol=1e-6, err_msg=name)


def test_under_vmap_and_jit():
    transformations = plax_core.get_registry().transformations
    if "vmap" not in transformations:
        pytest.skip("plax-batching is not installed")
    idx, u = REPEATED[1]
    g = grad(_loss(idx), argnums=1)
    us = np.stack([u, 2 * u, u - 1])
    got = transformations["vmap"](g, in_axes=(None, 0))(X, us)
    for row, uu in zip(np.asarray(got), us):
        np.testing.assert_allclose(row, _closed_form(X, W, idx, uu, 4), rtol=1e-6)
    # per-example updates AND per-example indices
    idxs = np.stack([idx, idx[::-1], np.array([1, 1, 1, 1, 1])])
    got = transformations["vmap"](lambda i, v: grad(_loss(i), argnums=1)(X, v))(idxs, us)
    for row, i, uu in zip(np.asarray(got), idxs, us):
        np.testing.assert_allclose(row, _closed_form(X, W, i, uu, 4), rtol=1e-6)
    if "jit" in transformations:
        got = transformations["jit"](g)(X, u)
        np.testing.assert_allclose(np.asarray(got), _closed_form(X, W, idx, u, 4),
                                   rtol=1e-6)
