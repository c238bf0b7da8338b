"""Eager composites staged as one ``jit_p`` call (``plax_core.staging``): ``x[i]`` and
``x.at[i].<op>(v)`` against NumPy and against the same code traced op by op, one cached
jaxpr for every integer index value, and nothing staged under a transformation."""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_core import ops, staging
from plax_core.eval_control import disable_jit
from plax_core.jaxpr import make_jaxpr

X = np.arange(4 * 5, dtype=np.float32).reshape(4, 5)

INDICES = [3, -1, (1, 2), (-4, -5), (slice(1, None), 2), (Ellipsis, 0), (None, 2),
           (slice(None, None, -2), slice(1, 4)), (2, None, slice(0, 1))]


@pytest.mark.parametrize("idx", INDICES, ids=repr)
def test_getitem_and_updates_match_numpy_and_op_by_op(idx):
    x = plax_core.device_put(X)
    np.testing.assert_array_equal(np.asarray(x[idx]), X[idx])
    with disable_jit():   # op by op
        np.testing.assert_array_equal(np.asarray(x[idx]), X[idx])
    want = X.copy()
    want[idx] = 7
    np.testing.assert_array_equal(np.asarray(ops.at(x)[idx].set(7.0)), want)
    want = X.copy()
    np.add.at(want, idx, 2)
    np.testing.assert_array_equal(np.asarray(ops.at(x)[idx].add(2.0)), want)
    np.testing.assert_array_equal(np.asarray(ops.at(x)[idx].get()), X[idx])


def test_one_staged_jaxpr_for_every_integer_index():
    y = np.arange(4 * 5, dtype=np.int32).reshape(4, 5)     # types no other test stages
    x = plax_core.device_put(y)
    before = staging.cached_count()
    for i in range(-4, 4):
        np.testing.assert_array_equal(np.asarray(x[i]), y[i])
        want = y.copy()
        want[i] = 1
        np.testing.assert_array_equal(np.asarray(ops.at(x)[i].set(1)), want)
    assert staging.cached_count() == before + 2      # x[i] and .at[i].set: one each
    for value in (2, -3, 7):                        # update values are operands too
        want = y.copy()
        want[1] = value
        np.testing.assert_array_equal(np.asarray(ops.at(x)[1].set(value)), want)
    assert staging.cached_count() == before + 2


def test_out_of_bounds_reads_clamp_and_updates_drop_as_before():
    x = plax_core.device_put(X)
    np.testing.assert_array_equal(np.asarray(x[7]), X[3])
    np.testing.assert_array_equal(np.asarray(x[-9]), X[0])
    np.testing.assert_array_equal(np.asarray(ops.at(x)[9].set(0.0)), X)
    with pytest.raises(IndexError):
        x[0, 0, 0]


def test_nothing_is_staged_under_a_transformation():
    jaxpr = make_jaxpr(lambda x: ops.at(x)[2].set(x[1]))(X)
    assert "jit" not in str(jaxpr)
