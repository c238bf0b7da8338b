"""NumPy indexing and ``x.at[idx]`` updates on plax arrays, against NumPy.

Advanced (integer array, list, boolean mask) indices mixed with ints, slices (with
steps), None and Ellipsis; NumPy's placement of the advanced dimensions; traced
indices under ``make_jaxpr``; the JAX-style error for traced boolean masks; the
modes of ``.at[].get`` and of the updates.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_core import ops
from plax_core.ops import NonConcreteBooleanIndexError

X = np.arange(3 * 4 * 5 * 6, dtype=np.float32).reshape(3, 4, 5, 6)
I = np.array([[0, 2], [1, -1]])
CASES = [
    (I,), (slice(None), I), (0, slice(None), [1, 2]),
    (slice(None), [0, 1], slice(1, 3), [2, 3]), (Ellipsis, [0, -1]),
    (None, [1], slice(None), None, 2), ([1, 0], [2, 1], [3, 0], [4, 4]),
    (X[:, :, 0, 0] > 100,), (X[:, :, :, 0] > 30,), (1, X[0, :, :, 0] > 30),
    (slice(None), slice(None, None, -2), [0, 3]), ([[0]], 1, slice(None), np.array([[1, 2]])),
    (np.array([], np.int32),), (0, [True, False, True, True]), ([0, 1], Ellipsis, None, [2, 3]),
    ([2, 0, 2],), (slice(1, None), 2, [0, 1]), (-1, [1], -2),
]
UPDATES = [("set", None), ("add", np.add), ("multiply", np.multiply), ("min", np.minimum),
           ("max", np.maximum)]


def _has_mask(c):
    return any(isinstance(k, np.ndarray) and k.dtype == bool or
               isinstance(k, list) and k and isinstance(k[0], bool) for k in c)


@pytest.mark.parametrize("idx", CASES, ids=range(len(CASES)))
def test_getitem_matches_numpy(idx):
    got = ops.array(X)[idx]
    want = X[idx]
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.asarray(got), want)
    np.testing.assert_array_equal(np.asarray(ops.array(X).at[idx].get()), want)


@pytest.mark.parametrize("op,np_op", UPDATES, ids=[u[0] for u in UPDATES])
@pytest.mark.parametrize("idx", CASES, ids=range(len(CASES)))
def test_at_updates_match_numpy(idx, op, np_op):
    want_shape = X[idx].shape
    y = np.random.RandomState(0).randn(*want_shape).astype(np.float32)
    ref = X.copy()
    if np_op is None:
        ref[idx] = y
    elif _has_mask(idx):
        ref[idx] = np_op(ref[idx], y)           # masks select each element once
    else:
        np_op.at(ref, idx, y)                   # repeated indices accumulate, as in JAX
    got = getattr(ops.array(X).at[idx], op)(y)
    np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-6)


def test_other_updates_and_scalars():
    x = ops.array(np.ones(5, np.float32))
    np.testing.assert_allclose(np.asarray(x.at[np.array([1, 3])].subtract(2.0)),
                               [1, -1, 1, -1, 1])
    np.testing.assert_allclose(np.asarray(x.at[1:].divide(4.0)), [1, .25, .25, .25, .25])
    np.testing.assert_allclose(np.asarray((x * 3).at[0].power(2)), [9, 3, 3, 3, 3])
    np.testing.assert_allclose(np.asarray(x.at[::2].apply(lambda v: v * 10)),
                               [10, 1, 10, 1, 10])
    np.testing.assert_allclose(np.asarray(x.at[...].set(7)), [7] * 5)
    xi = ops.array(np.arange(4, dtype=np.int32))
    assert np.asarray(xi.at[2].set(9)).tolist() == [0, 1, 9, 3]
    out = xi.at[0].divide(2)                  # true division, as in JAX: float32 result
    assert out.dtype == np.float32 and np.asarray(out).tolist() == [0, 1, 2, 3]


def test_modes():
    x = ops.array(np.arange(4, dtype=np.float32))
    assert float(x[np.array([7])][0]) == 3.0                       # reads clamp
    assert np.isnan(np.asarray(x.at[np.array([7])].get(mode="fill"))[0])
    assert float(x.at[np.array([7])].get(mode="fill", fill_value=-1)[0]) == -1
    np.testing.assert_array_equal(np.asarray(x.at[np.array([7])].set(9)), [0, 1, 2, 3])
    np.testing.assert_array_equal(np.asarray(x.at[np.array([7])].set(9, mode="clip")),
                                  [0, 1, 2, 9])
    np.testing.assert_array_equal(
        np.asarray(x.at[np.array([0, 1])].add(1, indices_are_sorted=True,
                                               unique_indices=True)), [1, 2, 2, 3])


def test_traced_indices_and_masks():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)

    def f(x, i):
        return x[i, 1:], x.at[:, i].add(1.0)

    i = np.array([2, 0], np.int32)
    closed = plax_core.make_jaxpr(f)(x, i)
    text = str(closed)
    assert "gather" in text and "scatter-add" in text
    a, b = plax_core.jaxpr.eval_jaxpr(closed.jaxpr, closed.consts, x, i)
    np.testing.assert_array_equal(np.asarray(a), x[i, 1:])
    ref = x.copy()
    np.add.at(ref, (slice(None), i), 1.0)
    np.testing.assert_array_equal(np.asarray(b), ref)
    with pytest.raises(NonConcreteBooleanIndexError, match="must be concrete"):
        plax_core.make_jaxpr(lambda x: x[x > 3])(x)
    assert issubclass(NonConcreteBooleanIndexError, IndexError)


def test_errors():
    x = ops.array(np.zeros((2, 3), np.float32))
    with pytest.raises(IndexError, match="too many indices"):
        x[[0], 0, 0]
    with pytest.raises(TypeError, match="integer or boolean"):    # JAX's class
        x[np.array([0.5])]
    with pytest.raises(TypeError, match="non-tuple sequence"):
        x[[0, 1]]
    with pytest.raises(TypeError, match="does not support item assignment"):
        x[0] = 1


def test_2019_index_ops_aliases():
    from plax_core import index_ops
    x = ops.array(np.zeros((2, 3), np.float32))
    idx = index_ops.index[:, [0, 2]]
    assert idx == (slice(None), [0, 2])
    np.testing.assert_array_equal(np.asarray(index_ops.index_update(x, idx, 5.0)),
                                  [[5, 0, 5], [5, 0, 5]])
    np.testing.assert_array_equal(np.asarray(index_ops.index_add(x, (0, 0), 2.0))[0, 0], 2)
    y = ops.array(np.ones((2, 3), np.float32))
    assert float(index_ops.index_mul(y, (1, 1), 3.0)[1, 1]) == 3
    assert float(index_ops.index_min(y, (1, 1), -3.0)[1, 1]) == -3
    assert float(index_ops.index_max(y, (1, 1), 4.0)[1, 1]) == 4


def test_scatter_into_an_empty_operand_drops_every_update():
    empty = plax_core.device_put(np.zeros((0,), np.int32))
    out = empty.at[np.array([0, 1, 2])].set(np.array([1, 2, 3], np.int32), mode="drop")
    assert out.shape == (0,) and out.dtype == np.int32
