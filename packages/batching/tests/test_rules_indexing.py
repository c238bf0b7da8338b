"""vmap of gather and the scatters against the unbatched call in a Python loop.

Every operand is batched or not, at a random axis; random dimension numbers (with
batching dims and out-of-bounds indices) come from ``plax_core.testing_indexing``.
Also: dynamic_slice/dynamic_update_slice with batched start indices (now gathers and
scatters, not a per-example loop).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from plax_batching import vmap
from plax_core import lax, testing
from plax_core.testing import num_generated_cases
from plax_core.testing_indexing import random_gather, random_scatter

PRIMS = {"scatter": lax.scatter_p, "scatter-add": lax.scatter_add_p,
         "scatter-mul": lax.scatter_mul_p, "scatter-min": lax.scatter_min_p,
         "scatter-max": lax.scatter_max_p}


def _loop(fun, examples, axes, size):
    outs = [fun(*[ex[b] if a is not None else ex[0] for ex, a in zip(examples, axes)])
            for b in range(size)]
    return np.stack([np.asarray(o) for o in outs])


def _check(fun, makers, rng, size=3):
    examples = [[m() for _ in range(size)] for m in makers]
    for axes in itertools.product(*[[None, 0, -1] for _ in makers]):
        if all(a is None for a in axes):
            continue
        args = [ex[0] if a is None else np.stack(ex, axis=a) for ex, a in zip(examples, axes)]
        want = _loop(fun, examples, axes, size)
        got = np.asarray(vmap(fun, in_axes=axes)(*args))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=str(axes))


def test_gather_vmap():
    rng = testing.rng(0)
    for _ in range(num_generated_cases()):
        c = random_gather(rng)

        def fun(x, i, c=c):
            return lax.gather_p.bind(x, i, dimension_numbers=c.dimension_numbers,
                                     slice_sizes=c.slice_sizes, indices_are_sorted=False,
                                     unique_indices=False, mode=c.mode, fill_value=None)

        hi = max(c.operand_shape)
        _check(fun, [lambda c=c: np.asarray(testing.random_array(rng, c.operand_shape,
                                                                 np.float32)),
                     lambda c=c, hi=hi: rng.integers(-1, hi + 1, c.indices.shape).astype(np.int32)],
               rng)


@pytest.mark.parametrize("name", sorted(PRIMS))
def test_scatter_vmap(name):
    rng = testing.rng(1)
    for _ in range(num_generated_cases()):
        shape, idx, ushape, dn, mode = random_scatter(rng, unique=name == "scatter")
        prim = PRIMS[name]

        def fun(x, i, u, dn=dn, mode=mode, prim=prim):
            return prim.bind(x, i, u, dimension_numbers=dn, indices_are_sorted=False,
                             unique_indices=False, mode=mode)

        def indices(idx=idx, shape=shape):
            if name == "scatter":       # keep the winners deterministic: a permutation
                return idx[rng.permutation(len(idx))] if idx.ndim > 1 else idx
            return rng.integers(-1, max(shape) + 1, idx.shape).astype(np.int32)

        _check(fun, [lambda shape=shape: np.asarray(testing.random_array(rng, shape,
                                                                     np.float32)),
                     indices,
                     lambda ushape=ushape: np.asarray(testing.random_array(rng, ushape,
                                                                          np.float32))],
               rng)


def test_dynamic_slices_with_batched_indices_are_one_gather():
    x = np.arange(20.0, dtype=np.float32).reshape(4, 5)
    starts = np.array([0, 3, -1, 7], np.int32)
    f = vmap(lambda x, i: lax.dynamic_slice(x, (i,), (2,)))
    want = np.stack([np.asarray(lax.dynamic_slice(x[b], (starts[b],), (2,)))
                     for b in range(4)])
    np.testing.assert_array_equal(np.asarray(f(x, starts)), want)
    import plax_core
    jaxpr = str(plax_core.make_jaxpr(f)(x, starts))
    assert jaxpr.count("gather[") == 1 and "concatenate[dimension=0]" not in jaxpr
    g = vmap(lambda x, u, i: lax.dynamic_update_slice(x, u, (i, 1)), in_axes=(None, 0, 0))
    u = np.ones((4, 2, 3), np.float32)
    want = np.stack([np.asarray(lax.dynamic_update_slice(x, u[b], (starts[b], 1)))
                     for b in range(4)])
    np.testing.assert_array_equal(np.asarray(g(x, u, starts)), want)
    assert "scatter" in str(plax_core.make_jaxpr(g)(x, u, starts))


def test_vmap_of_numpy_indexing_and_at():
    from plax_core import ops
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    i = rng.integers(-4, 4, (3, 2)).astype(np.int32)
    y = rng.standard_normal((3, 2, 5)).astype(np.float32)
    f = vmap(lambda x, i, y: (ops.getitem(x, (i, slice(None))),
                              ops.array(x).at[i].add(y), ops.array(x).at[:, i[0]].set(1.0)))
    outs = f(x, i, y)
    for b in range(3):
        ref = x[b].copy()
        np.add.at(ref, i[b], y[b])
        ref2 = x[b].copy()
        ref2[:, i[b, 0]] = 1.0
        np.testing.assert_allclose(np.asarray(outs[0])[b], x[b][i[b]], rtol=1e-6)
        np.testing.assert_allclose(np.asarray(outs[1])[b], ref, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(outs[2])[b], ref2, rtol=1e-6)
