"""Sorting primitives: ``sort`` (multi-operand, lexicographic on the first ``num_keys``
operands) and ``top_k``.

The order is JAX's total order: for floats, ``-0.0`` and ``0.0`` compare equal (a
stable sort keeps their relative order) and every NaN, whatever its sign or payload,
sorts after ``+inf``; complex numbers sort lexicographically by (real, imag), each
part in that order; booleans as ``False < True``.  ``top_k`` returns the ``k`` largest
entries along the last axis in descending order of that same order (so NaN counts
as the largest value), ties broken by the lower index, and their int32 indices.

The NumPy implementations map each key to integers whose signed order is the total
order (:func:`total_order_keys`) and run a stable ``np.lexsort``; the sort is always
stable, whatever ``is_stable`` says (which XLA allows).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

from .. import dtypes
from ..core import Primitive, ShapedArray, get_aval
from .reductions import _ANY, _check_dtype
from .structural import canonical_axis, check_array

__all__ = ["sort", "sort_key_val", "top_k"]

_INT_OF_SIZE = {1: np.int8, 2: np.int16, 4: np.int32, 8: np.int64}


# ------------------------------------------------------------------ NumPy helpers

def canonical_float(x: np.ndarray) -> np.ndarray:
    """``x`` with ``-0.0`` replaced by ``0.0`` and every NaN by the positive quiet NaN."""
    x = np.array(x, copy=True)
    with np.errstate(invalid="ignore"):
        x[x == 0] = 0
    x[np.isnan(x)] = np.nan
    return x


def total_order_keys(x: np.ndarray) -> list[np.ndarray]:
    """Integer arrays whose lexicographic signed order is JAX's sort order of ``x``."""
    dtype = x.dtype
    if dtypes.is_bool(dtype):
        return [x.astype(np.int8)]
    if dtypes.is_int(dtype):
        return [x]
    if dtypes.is_complex(dtype):
        return total_order_keys(np.real(x)) + total_order_keys(np.imag(x))
    itype = _INT_OF_SIZE[dtype.itemsize]
    bits = canonical_float(x).view(itype)
    # sign-magnitude to two's complement order: flip the magnitude of negatives
    return [np.where(bits < 0, bits ^ np.array(np.iinfo(itype).max, itype), bits)]


def _sort_perm(keys: Sequence[np.ndarray], axis: int, descending: bool = False):
    int_keys = [k for x in keys for k in total_order_keys(np.asarray(x))]
    if descending:
        int_keys = [~k for k in int_keys]   # reverses the order, without overflow
    return np.lexsort(int_keys[::-1], axis=axis)


# ------------------------------------------------------------------ sort

def _sort_abstract_eval(*operands, dimension, is_stable, num_keys):
    name = "sort"
    if not operands:
        raise TypeError("sort requires at least one operand")
    shape = operands[0].shape
    for i, op in enumerate(operands):
        if op.shape != shape:
            raise TypeError(f"sort: all operands must have the same shape, got "
                            f"{[o.shape for o in operands]}")
        _check_dtype(name, op.dtype, _ANY, f" (operand {i})")
    if not 0 <= dimension < max(len(shape), 1) or not shape:
        raise ValueError(f"sort: dimension {dimension} is out of range for operands of "
                         f"shape {shape}")
    if not 1 <= num_keys <= len(operands):
        raise ValueError(f"sort: num_keys={num_keys} must be in [1, {len(operands)}] "
                         f"(the number of operands)")
    return [ShapedArray(op.shape, op.dtype, op.weak_type) for op in operands]


def _sort_impl(*operands, dimension, is_stable, num_keys):
    if operands[0].size == 0:
        return [np.array(op, copy=True) for op in operands]
    perm = _sort_perm(operands[:num_keys], dimension)
    return [np.take_along_axis(op, perm, axis=dimension) for op in operands]


sort_p = Primitive("sort", multiple_results=True)
sort_p.def_abstract_eval(_sort_abstract_eval)
sort_p.def_impl(_sort_impl)


def sort(operand, dimension: int = -1, is_stable: bool = True, num_keys: int = 1):
    """Sort ``operand`` (an array, or a sequence of arrays of one shape) along
    ``dimension``; a sequence is sorted lexicographically by its first ``num_keys``
    arrays, the others permuted alongside.  Floats: ``-0.0 == 0.0``, NaNs last."""
    single = not isinstance(operand, (list, tuple))
    operands = [operand] if single else list(operand)
    if not operands:
        raise TypeError("sort requires at least one operand")
    for i, op in enumerate(operands):
        check_array("sort", op, i)
    ndim = get_aval(operands[0]).ndim
    if ndim == 0:
        raise ValueError("sort: operands must have rank at least 1, got a scalar")
    dimension = canonical_axis("sort", dimension, ndim, "dimension")
    outs = sort_p.bind(*operands, dimension=dimension, is_stable=bool(is_stable),
                       num_keys=operator.index(num_keys))
    return outs[0] if single else tuple(outs)


def sort_key_val(keys, values, dimension: int = -1, is_stable: bool = True):
    """Sort ``keys`` along ``dimension`` and permute ``values`` alongside."""
    k, v = sort((keys, values), dimension=dimension, is_stable=is_stable, num_keys=1)
    return k, v


# ------------------------------------------------------------------ top_k

def _top_k_abstract_eval(operand, *, k):
    _check_dtype("top_k", operand.dtype, ("integer", "floating"))
    if operand.ndim == 0:
        raise ValueError("top_k operand must have >= 1 dimension, got a scalar")
    if k < 0:
        raise ValueError(f"top_k: k must be non-negative, got {k}")
    if k > operand.shape[-1]:
        raise ValueError(f"top_k: k={k} is larger than the last dimension of the operand "
                         f"(shape {operand.shape})")
    shape = operand.shape[:-1] + (k,)
    return [ShapedArray(shape, operand.dtype, operand.weak_type),
            ShapedArray(shape, np.dtype(np.int32), False)]


def _top_k_impl(x, *, k):
    if x.size == 0 or k == 0:
        shape = x.shape[:-1] + (k,)
        return [np.zeros(shape, x.dtype), np.zeros(shape, np.int32)]
    perm = _sort_perm([x], x.ndim - 1, descending=True)[..., :k]
    return [np.take_along_axis(x, perm, axis=-1), perm.astype(np.int32)]


top_k_p = Primitive("top_k", multiple_results=True)
top_k_p.def_abstract_eval(_top_k_abstract_eval)
top_k_p.def_impl(_top_k_impl)


def top_k(operand, k: int):
    """The ``k`` largest entries along the last axis (descending; NaN is the largest;
    ties by lower index) and their int32 indices."""
    check_array("top_k", operand)
    try:
        k = operator.index(k)
    except TypeError:
        raise TypeError(f"top_k: k must be an integer, got {k!r}") from None
    values, indices = top_k_p.bind(operand, k=k)
    return values, indices
