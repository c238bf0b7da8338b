"""gather and the scatter family against XLA's definition, one index vector at a time.

The cases (``plax_core.testing_indexing``) draw dimension numbers with collapsed and
batching dims, permuted start index maps, offset dims anywhere, and out-of-bounds
indices in every mode; values, dtypes, weak types, jaxprs and errors are checked.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
from plax_core import lax, testing
from plax_core.core import ShapedArray
from plax_core.testing import num_generated_cases
from plax_core.testing_indexing import (
    gather_oracle,
    random_gather,
    random_scatter,
    scatter_oracle,
)

DTYPES = [np.dtype(d) for d in (np.float32, np.int32, np.bool_, np.uint8, np.complex64,
                                np.float16)]

COMBINE = {
    "scatter": (lax.scatter, lambda a, b: b),
    "scatter-add": (lax.scatter_add, lambda a, b: a | b if a.dtype == np.bool_ else a + b),
    "scatter-mul": (lax.scatter_mul, lambda a, b: a & b if a.dtype == np.bool_ else a * b),
    "scatter-min": (lax.scatter_min, lambda a, b: np.minimum(a, b)),
    "scatter-max": (lax.scatter_max, lambda a, b: np.maximum(a, b)),
}


def _array(rng, shape, dtype):
    return np.asarray(testing.random_array(rng, shape, dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_gather_matches_oracle(dtype):
    rng = testing.rng(0)
    for _ in range(num_generated_cases() * 3):
        c = random_gather(rng)
        x = _array(rng, c.operand_shape, dtype)
        got = lax.gather(x, c.indices, c.dimension_numbers, c.slice_sizes, mode=c.mode)
        want = gather_oracle(x, c.indices, c.dimension_numbers, c.slice_sizes, c.mode)
        assert got.shape == c.out_shape and got.dtype == x.dtype
        np.testing.assert_array_equal(np.asarray(got), want, err_msg=str(c))


def test_gather_fill_value_and_defaults():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    dn = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
                                    start_index_map=(0,))
    idx = np.array([[1], [3], [-1]])
    got = lax.gather(x, idx, dn, (1, 2))                       # default mode: fill, NaN
    np.testing.assert_array_equal(np.asarray(got), [[2, 3], [np.nan] * 2, [np.nan] * 2])
    got = lax.gather(x, idx, dn, (1, 2), mode="fill", fill_value=-7)
    np.testing.assert_array_equal(np.asarray(got), [[2, 3], [-7, -7], [-7, -7]])
    got = lax.gather(x, idx, dn, (1, 2), mode=lax.GatherScatterMode.CLIP)
    np.testing.assert_array_equal(np.asarray(got), [[2, 3], [4, 5], [0, 1]])
    xi = np.arange(3, dtype=np.int32)
    dn1 = lax.GatherDimensionNumbers((), (0,), (0,))
    assert int(lax.gather(xi, np.array([5]), dn1, (1,))) == np.iinfo(np.int32).min


@pytest.mark.parametrize("name", sorted(COMBINE))
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_scatter_matches_oracle(name, dtype):
    fn, combine = COMBINE[name]
    rng = testing.rng(1)
    for _ in range(num_generated_cases() * 2):
        shape, idx, ushape, dn, mode = random_scatter(rng, unique=name == "scatter")
        x, u = _array(rng, shape, dtype), _array(rng, ushape, dtype)
        got = fn(x, idx, u, dn, mode=mode)
        want = scatter_oracle(x, idx, u, dn, mode, combine)
        assert got.dtype == x.dtype
        if dtype.kind in "fc":
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-2, atol=1e-2)
        else:
            np.testing.assert_array_equal(np.asarray(got), want)


def test_scatter_repeated_indices_accumulate():
    dn = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
                                     scatter_dims_to_operand_dims=(0,))
    idx = np.array([[1], [1], [3], [9]])
    x = np.zeros(4, np.float32)
    got = lax.scatter_add(x, idx, np.ones(4, np.float32), dn)
    np.testing.assert_array_equal(np.asarray(got), [0, 2, 0, 1])       # 9: dropped
    got = lax.scatter_add(x, idx, np.ones(4, np.float32), dn, mode="clip")
    np.testing.assert_array_equal(np.asarray(got), [0, 2, 0, 2])


def test_abstract_eval_and_weak_types():
    dn = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
                                    start_index_map=(0,))
    aval = lax.gather_p.abstract_eval(
        ShapedArray((5, 3), np.dtype(np.float32), True), ShapedArray((7, 1), np.int32),
        dimension_numbers=dn, slice_sizes=(1, 3), indices_are_sorted=False,
        unique_indices=False, mode=lax.GatherScatterMode.CLIP, fill_value=None)
    assert aval.shape == (7, 3) and aval.weak_type
    closed = plax_core.make_jaxpr(
        lambda x, i: lax.gather(x, i, dn, (1, 3), mode="clip"))(np.ones((5, 3)),
                                                                np.zeros((2, 1), np.int32))
    assert "gather" in str(closed)


def test_errors_name_the_op_and_shapes():
    dn = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,),
                                    start_index_map=(0,))
    x = np.ones((5, 3), np.float32)
    with pytest.raises(TypeError, match="gather: the last dimension of indices"):
        lax.gather(x, np.zeros((2, 2), np.int32), dn, (1, 3))
    with pytest.raises(TypeError, match="gather: indices must have an integer dtype"):
        lax.gather(x, np.zeros((2, 1), np.float32), dn, (1, 3))
    with pytest.raises(TypeError, match="slice size at most 1"):
        lax.gather(x, np.zeros((2, 1), np.int32), dn, (2, 3))
    sdn = lax.ScatterDimensionNumbers((1,), (0,), (0,))
    with pytest.raises(TypeError, match="scatter_add: .*same dtype|scatter-add: .*dtype"):
        lax.scatter_add(x, np.zeros((2, 1), np.int32), np.ones((2, 3), np.int32), sdn)
    with pytest.raises(TypeError, match="scatter dims of updates"):
        lax.scatter_add(x, np.zeros((2, 1), np.int32), np.ones((4, 3), np.float32), sdn)
    with pytest.raises(ValueError, match="Unknown gather mode"):
        lax.gather(x, np.zeros((2, 1), np.int32), dn, (1, 3), mode="wrap")
    with pytest.raises(TypeError, match="GatherDimensionNumbers"):
        lax.gather(x, np.zeros((2, 1), np.int32), sdn, (1, 3))
