"""check_grads (orders 1 and 2, forward and reverse) for gather and the scatters.

Random dimension numbers come from ``plax_core.testing_indexing``; ``fill`` gathers
use a finite fill value (NaN would defeat finite differences), ``promise_in_bounds``
cases keep their indices in bounds, and ``scatter-mul`` differentiates its updates
with repeated indices too (JAX only with ``unique_indices``).
"""

from __future__ import annotations

import numpy as np
import pytest

from plax_autodiff import grad
from plax_autodiff.test_util import check_grads
from plax_core import lax, testing
from plax_core.testing import num_generated_cases
from plax_core.testing_indexing import random_gather, random_scatter


def _f32(rng, shape):
    return np.asarray(testing.random_array(rng, shape, np.float32))


def test_gather_grads():
    rng = testing.rng(0)
    for _ in range(num_generated_cases()):
        c = random_gather(rng)

        def f(x, c=c):
            return lax.gather(x, c.indices, c.dimension_numbers, c.slice_sizes,
                              mode=c.mode, fill_value=0.5)

        check_grads(f, (_f32(rng, c.operand_shape),), 2)


@pytest.mark.parametrize("name", ["scatter", "scatter_add", "scatter_min", "scatter_max",
                                  "scatter_mul"])
def test_scatter_grads(name):
    fn = getattr(lax, name)
    rng = testing.rng(1)
    unique = name == "scatter"     # scatter-mul: repeated indices, updates differentiated
    for _ in range(num_generated_cases()):
        shape, idx, ushape, dn, mode = random_scatter(rng, unique=unique)

        def f(x, u, dn=dn, mode=mode, idx=idx):
            return fn(x, idx, u, dn, mode=mode, unique_indices=unique)

        check_grads(f, (_f32(rng, shape), _f32(rng, ushape)), 2)


def test_scatter_with_repeated_indices_gives_the_winner_the_gradient():
    dn = lax.ScatterDimensionNumbers((), (0,), (0,))
    idx = np.array([[1], [1], [2]])

    def f(x, u):
        return lax.scatter(x, idx, u, dn).sum()

    x, u = np.ones(3, np.float32), np.array([1.0, 2.0, 3.0], np.float32)
    gx, gu = grad(f, argnums=(0, 1))(x, u)
    np.testing.assert_array_equal(np.asarray(gx), [1, 0, 0])
    assert float(np.asarray(gu).sum()) == 2.0 and float(np.asarray(gu)[2]) == 1.0


def test_scatter_mul_updates_with_repeated_indices():
    # JAX 0.10.2 raises NotImplementedError here; plax differentiates: d/du_k of
    # x[1] * u_0 * u_1 is x[1] times the other update
    dn = lax.ScatterDimensionNumbers((), (0,), (0,))
    idx = np.array([[1], [1]])
    f = lambda x, u: lax.scatter_mul(x, idx, u, dn).sum()   # noqa: E731
    x, u = np.ones(3, np.float32), np.array([2.0, 5.0], np.float32)
    np.testing.assert_array_equal(np.asarray(grad(f)(x, u)), [1, 10, 1])
    np.testing.assert_array_equal(np.asarray(grad(f, argnums=1)(x, u)), [5, 2])


# ------------------------------------------------------- NumPy indexing and x.at

X = np.random.RandomState(0).randn(3, 4, 5).astype(np.float32)
INDICES = [(np.array([2, 0, 2]),), (slice(None), np.array([[1, -1]]), 1),
           (0, slice(None), np.array([3, 0])), (Ellipsis, np.array([1, 1])),
           (slice(None, None, -1), None, np.array([0, 2])), (X[:, :, 0] > 0,)]


@pytest.mark.parametrize("idx", INDICES, ids=range(len(INDICES)))
def test_getitem_grads(idx):
    from plax_core import ops
    check_grads(lambda x: ops.getitem(x, idx), (X,), 2)


@pytest.mark.parametrize("op", ["set", "add", "subtract", "multiply", "min", "max",
                                "divide", "power", "apply", "get"])
@pytest.mark.parametrize("idx", INDICES[:5], ids=range(5))
def test_at_grads(idx, op):
    from plax_core import ops
    shape = X[idx].shape
    y = np.random.RandomState(1).uniform(0.5, 1.5, shape).astype(np.float32)
    unique = not any(isinstance(i, np.ndarray) and len(set(i.ravel().tolist())) < i.size
                     for i in idx)
    if op == "get":
        check_grads(lambda x: ops.array(x).at[idx].get(), (X,), 2)
        return
    if op == "apply":
        check_grads(lambda x: ops.array(x).at[idx].apply(lambda v: v * v), (X,), 2)
        return
    xp = np.abs(X) + 0.5 if op == "power" else X
    check_grads(lambda x, y: getattr(ops.array(x).at[idx], op)(
        y, unique_indices=unique and op in ("multiply", "divide")), (xp, y), 2)
