"""vmap of sort, top_k, the cumulative primitives and the bit-level elementwise ones
against applying the function to each example in a Python loop."""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_batching import vmap
from plax_core import lax
from plax_core.testing import num_generated_cases

N = num_generated_cases(10)


def check(f, args, axes, size):
    got = vmap(f, in_axes=tuple(axes))(*args)
    got = [np.asarray(g) for g in plax_core.tree_util.tree_leaves(got)]
    outs = []
    for b in range(size):
        ex = [x if a is None else np.take(x, b, axis=a) for x, a in zip(args, axes)]
        outs.append([np.asarray(o) for o in plax_core.tree_util.tree_leaves(f(*ex))])
    for i, g in enumerate(got):
        want = np.stack([o[i] for o in outs])
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-5, err_msg=str(axes))


def _batched(rng, shape, axis, size, dtype=np.float32, ints=False):
    full = (size,) + shape
    x = rng.integers(0, 3, size=full) if ints else rng.normal(size=full)
    x = x.astype(dtype)
    return np.moveaxis(x, 0, axis) if axis is not None else x[0]


@pytest.mark.parametrize("case", range(N))
def test_sort_vmap(case):
    rng = np.random.default_rng(case)
    rank = int(rng.integers(1, 3))
    shape = tuple(int(d) for d in rng.integers(1, 5, size=rank))
    size = int(rng.integers(1, 4))
    dim = int(rng.integers(0, rank))
    axes = [None if rng.integers(3) == 0 else int(rng.integers(0, rank + 1)) for _ in range(2)]
    if axes == [None, None]:
        axes[0] = 0
    k = _batched(rng, shape, axes[0], size, np.int32, ints=True)
    v = _batched(rng, shape, axes[1], size)
    check(lambda a, b: lax.sort((a, b), dimension=dim, num_keys=1), (k, v), axes, size)
    bd = int(rng.integers(0, rank + 1))
    check(lambda a: lax.sort(a, dim), (_batched(rng, shape, bd, size),), [bd], size)


@pytest.mark.parametrize("case", range(N))
def test_top_k_and_cumulative_vmap(case):
    rng = np.random.default_rng(100 + case)
    rank = int(rng.integers(1, 3))
    shape = tuple(int(d) for d in rng.integers(1, 5, size=rank))
    size = int(rng.integers(1, 4))
    bd = int(rng.integers(0, rank + 1))
    x = _batched(rng, shape, bd, size)
    k = int(rng.integers(0, shape[-1] + 1))
    check(lambda a: lax.top_k(a, k), (x,), [bd], size)
    axis = int(rng.integers(0, rank))
    for name in ("cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"):
        check(lambda a, name=name: getattr(lax, name)(a, axis, bool(case % 2)), (x,), [bd],
              size)
    check(lambda a: lax.reduce_precision(a, 5, 10), (x,), [bd], size)
    xi = _batched(rng, shape, bd, size, np.int32, ints=True)
    check(lambda a: (lax.population_count(a), lax.clz(a)), (xi,), [bd], size)
