"""Sorting, searching, cumulative and order-statistic functions of ``plax.numpy``.

Built on the ``sort`` and ``cum*`` primitives.  As in JAX: sorts are stable and put
NaNs last (``-0.0 == 0.0``); ``descending`` reverses the order of the sorted result
(``argsort`` keeps ties in index order); cumulative sums and products of bool and small
integers accumulate in the default integer type; ``searchsorted`` compares in the same
total order (by comparing every pair, JAX's ``method='compare_all'``).  ``quantile``
and friends sort along the reduced axes and pick the order statistics with masks (no
gather), so they work under every transformation and with traced ``q``.
"""

from __future__ import annotations

import operator

import numpy as np

from plax_core import dtypes, lax, ops
from plax_core.numpy_semantics import check_out, promote_integer_dtype

__all__ = [
    "sort", "argsort", "lexsort", "sort_complex", "cumsum", "cumprod", "cumulative_sum",
    "cumulative_prod", "nancumsum", "nancumprod", "searchsorted", "quantile",
    "percentile", "median", "nanquantile", "nanpercentile", "nanmedian",
]


def _axis(fname, axis, ndim):
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"{fname}: axis must be an integer or None, got {axis!r}") from None
    if not -ndim <= a < ndim:
        raise ValueError(f"{fname}: axis {a} is out of bounds for an array of dimension "
                         f"{ndim}")
    return a % ndim


def _flat_or_axis(fname, a, axis):
    a = ops.operand(a, fname)
    if axis is None:
        return lax.reshape(a, (int(np.prod(ops.shape(a), dtype=int)),)), 0
    if ops.ndim(a) == 0:
        raise ValueError(f"{fname}: axis {axis} is out of bounds for a 0-d array")
    return a, _axis(fname, axis, ops.ndim(a))


def _check_sort_args(fname, kind, order):
    if order is not None:
        raise ValueError(f"{fname}: 'order' (structured arrays) is not supported")
    if kind not in (None, "quicksort", "mergesort", "heapsort", "stable"):
        raise ValueError(f"{fname}: unknown kind {kind!r}")


# ------------------------------------------------------------------ sorting

def sort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """A sorted copy of ``a`` along ``axis`` (flattened when None); NaNs last."""
    _check_sort_args("sort", kind, order)
    a, axis = _flat_or_axis("sort", a, axis)
    out = lax.sort(a, dimension=axis, is_stable=stable)
    return lax.rev(out, (axis,)) if descending else out


def _iota_like(a, axis):
    return lax.broadcasted_iota(dtypes.default_int_dtype(), ops.shape(a), axis)


def argsort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """The indices that sort ``a`` along ``axis`` (ties in index order, NaNs last)."""
    _check_sort_args("argsort", kind, order)
    a, axis = _flat_or_axis("argsort", a, axis)
    iota = _iota_like(a, axis)
    if descending:
        n = ops.shape(a)[axis]
        _, idx = lax.sort((lax.rev(a, (axis,)), iota), dimension=axis, is_stable=stable)
        return lax.sub(lax.full_like(idx, n - 1), lax.rev(idx, (axis,)))
    return lax.sort((a, iota), dimension=axis, is_stable=stable)[1]


def lexsort(keys, axis=-1):
    """Indices sorting by several keys, the last one primary (NumPy's ``lexsort``)."""
    keys = [ops.operand(k, "lexsort", i) for i, k in enumerate(keys)]
    if not keys:
        raise TypeError("lexsort: need a sequence of keys with len > 0")
    shape = ops.shape(keys[0])
    if any(ops.shape(k) != shape for k in keys):
        raise ValueError(f"lexsort: all keys need to be the same shape, got "
                         f"{[ops.shape(k) for k in keys]}")
    if not shape:
        raise TypeError("lexsort: keys must be at least 1-dimensional")
    axis = _axis("lexsort", axis, len(shape))
    iota = _iota_like(keys[0], axis)
    return lax.sort((*keys[::-1], iota), dimension=axis, num_keys=len(keys))[-1]


def sort_complex(a):
    """``a`` sorted (last axis) as complex numbers: by real part, then imaginary."""
    a = ops.operand(a, "sort_complex")
    dt = ops.dtype_of(a)
    if dt.kind != "c":
        dt, _ = ops.result_type_of(a, np.complex64)
        a = ops.convert(a, dt, False)
    return sort(a, axis=-1)


# ------------------------------------------------------------------ cumulative

def _cumulative(fname, prim_fn, a, axis, dtype, nan_value=None):
    a, axis = _flat_or_axis(fname, a, axis)
    dt = ops.dtype_of(a)
    if nan_value is not None and dt.kind in "fc":
        a = lax.select(lax.ne(a, a), lax.full_like(a, nan_value), a)
    target = promote_integer_dtype(dt) if dtype is None else dtypes.canonicalize_dtype(dtype)
    if target != dt:
        a = ops.convert(a, target, False)
    if ops.dtype_of(a).kind == "b":     # an explicit dtype=bool: sum is 'or', prod 'and'
        as_int = ops.convert(a, np.int32, False)
        return lax.ne(prim_fn(as_int, axis), lax.full_like(as_int, 0))
    return prim_fn(a, axis)


def cumsum(a, axis=None, dtype=None, out=None):
    """The cumulative sum along ``axis`` (of the flattened array when None)."""
    check_out("cumsum", out)
    return _cumulative("cumsum", lax.cumsum, a, axis, dtype)


def cumprod(a, axis=None, dtype=None, out=None):
    """The cumulative product along ``axis`` (of the flattened array when None)."""
    check_out("cumprod", out)
    return _cumulative("cumprod", lax.cumprod, a, axis, dtype)


def nancumsum(a, axis=None, dtype=None, out=None):
    """``cumsum`` with NaNs counted as zero."""
    check_out("nancumsum", out)
    return _cumulative("nancumsum", lax.cumsum, a, axis, dtype, nan_value=0)


def nancumprod(a, axis=None, dtype=None, out=None):
    """``cumprod`` with NaNs counted as one."""
    check_out("nancumprod", out)
    return _cumulative("nancumprod", lax.cumprod, a, axis, dtype, nan_value=1)


def _array_api_cumulative(fname, fn, identity, x, axis, dtype, include_initial):
    x = ops.operand(x, fname)
    if axis is None:
        if ops.ndim(x) > 1:
            raise ValueError(f"{fname}: axis must be specified for arrays of more than "
                             f"one dimension, got shape {ops.shape(x)}")
        axis = 0
    out = fn(x, axis=axis, dtype=dtype)
    if include_initial:
        axis = _axis(fname, axis, ops.ndim(out))
        shape = list(ops.shape(out))
        shape[axis] = 1
        out = lax.concatenate([lax.full(shape, identity, ops.dtype_of(out)), out], axis)
    return out


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    """The array-API cumulative sum (``include_initial`` prepends a zero)."""
    return _array_api_cumulative("cumulative_sum", cumsum, 0, x, axis, dtype,
                                 include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """The array-API cumulative product (``include_initial`` prepends a one)."""
    return _array_api_cumulative("cumulative_prod", cumprod, 1, x, axis, dtype,
                                 include_initial)


# ------------------------------------------------------------------ searching

def _lt(x, y):
    """``x < y`` in the sort order (NaNs after everything)."""
    lt = lax.lt(x, y)
    if ops.dtype_of(x).kind == "f":
        lt = lax.bitwise_or(lt, lax.bitwise_and(lax.eq(x, x), lax.ne(y, y)))
    return lt


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """Indices where the values ``v`` would be inserted into the sorted 1-D ``a``."""
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"searchsorted: invalid method {method!r}")
    a = ops.operand(a, "searchsorted")
    v = ops.operand(v, "searchsorted", 1)
    if ops.ndim(a) != 1:
        raise ValueError(f"searchsorted: a should be 1-dimensional, got shape "
                         f"{ops.shape(a)}")
    if sorter is not None:
        a = _take_1d(a, ops.operand(sorter, "searchsorted", 2))
    a, v = ops.promote_dtypes(a, v)
    vshape = ops.shape(v)
    n = ops.shape(a)[0]
    if ops.dtype_of(a).kind == "c":
        raise TypeError("searchsorted: complex arrays are not supported")
    av = lax.broadcast_in_dim(a, vshape + (n,), (len(vshape),))
    vv = lax.broadcast_in_dim(v, vshape + (n,), tuple(range(len(vshape))))
    before = _lt(av, vv) if side == "left" else lax.bitwise_not(_lt(vv, av))
    counts = ops.convert(before, dtypes.default_int_dtype(), False)
    if n == 0:
        return lax.full(vshape, 0, dtypes.default_int_dtype())
    return lax.reduce_sum(counts, (len(vshape),))


def _take_1d(a, idx):
    """``a[idx]`` for a permutation ``idx`` of a 1-D ``a``, gather-free (two sorts)."""
    n = ops.shape(a)[0]
    iota = lax.iota(ops.dtype_of(idx), n)
    inverse = lax.sort((idx, iota), num_keys=1)[1]
    return lax.sort((inverse, a), num_keys=1)[1]


# ------------------------------------------------------------------ quantiles

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf",
            "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
            "hazen", "weibull", "median_unbiased", "normal_unbiased")


def _reduce_axes(fname, a, axis):
    nd = ops.ndim(a)
    if axis is None:
        return tuple(range(nd))
    axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    axes = tuple(_axis(fname, x, nd) for x in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{fname}: repeated axis in {axis}")
    return axes


def _quantile(fname, a, q, axis, method, keepdims, ignore_nan):
    if method not in ("linear", "lower", "higher", "midpoint", "nearest"):
        if method in _METHODS:
            raise NotImplementedError(f"{fname}: method {method!r} is not supported; use "
                                      f"'linear', 'lower', 'higher', 'midpoint' or "
                                      f"'nearest'")
        raise ValueError(f"{fname}: unknown method {method!r}")
    a = ops.operand(a, fname)
    q = ops.operand(q, fname, 1)
    if ops.dtype_of(a).kind == "c":
        raise TypeError(f"{fname}: complex arrays are not supported")
    a, q = ops.promote_dtypes_inexact(a, q)
    shape = ops.shape(a)
    axes = _reduce_axes(fname, a, axis)
    keep = [d for d in range(len(shape)) if d not in axes]
    a = lax.transpose(a, keep + list(axes))
    kept_shape = tuple(shape[d] for d in keep)
    n = int(np.prod([shape[d] for d in axes], dtype=int))
    a = lax.reshape(a, kept_shape + (n,))
    if n == 0:
        raise ValueError(f"{fname}: cannot take a quantile over an empty axis")
    last = len(kept_shape)
    s = lax.sort(a, dimension=last)
    isnan = lax.ne(a, a)
    nans = lax.reduce_sum(ops.convert(isnan, ops.dtype_of(a), False), (last,))
    qshape = ops.shape(q)
    dt = ops.dtype_of(a)
    # shapes: q dims, then kept dims, then the sorted axis
    out_shape = qshape + kept_shape
    qb = lax.broadcast_in_dim(q, out_shape, tuple(range(len(qshape))))
    count = lax.full(kept_shape, float(n), dt)
    if ignore_nan:
        count = lax.sub(count, nans)
    cb = lax.broadcast_in_dim(count, out_shape, tuple(range(len(qshape), len(out_shape))))
    pos = lax.mul(qb, lax.sub(cb, lax.full_like(cb, 1)))
    zero, top = lax.full_like(pos, 0), lax.max(lax.sub(cb, lax.full_like(cb, 1)),
                                               lax.full_like(cb, 0))
    pos = lax.min(lax.max(pos, zero), top)
    lo = lax.floor(pos)
    hi = lax.ceil(pos)
    sb = lax.broadcast_in_dim(s, out_shape + (n,), tuple(range(len(qshape),
                                                                len(out_shape) + 1)))
    iota = lax.broadcasted_iota(dt, out_shape + (n,), len(out_shape))

    def pick(index):
        mask = lax.eq(iota, lax.broadcast_in_dim(index, out_shape + (n,),
                                                 tuple(range(len(out_shape)))))
        return lax.reduce_sum(lax.select(mask, sb, lax.full_like(sb, 0)), (len(out_shape),))

    if method == "lower":
        out = pick(lo)
    elif method == "higher":
        out = pick(hi)
    elif method == "nearest":
        out = pick(lax.round(pos, lax.RoundingMethod.TO_NEAREST_EVEN))
    else:
        vlo, vhi = pick(lo), pick(hi)
        if method == "midpoint":
            out = lax.mul(lax.add(vlo, vhi), lax.full_like(vlo, 0.5))
        else:
            frac = lax.sub(pos, lo)
            out = lax.add(vlo, lax.mul(lax.sub(vhi, vlo), frac))
    nan_b = lax.broadcast_in_dim(nans, out_shape, tuple(range(len(qshape), len(out_shape))))
    bad = lax.eq(cb, lax.full_like(cb, 0)) if ignore_nan else lax.gt(nan_b,
                                                                   lax.full_like(nan_b, 0))
    out = lax.select(bad, lax.full_like(out, np.nan), out)
    if keepdims:
        full = list(qshape)
        for d in range(len(shape)):
            full.append(1 if d in axes else shape[d])
        out = lax.reshape(out, tuple(full))
    return out


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, interpolation=None):
    """The ``q``-th quantiles (``q`` in [0, 1]) of ``a`` along ``axis``."""
    check_out("quantile", out)
    method = interpolation if interpolation is not None else method
    return _quantile("quantile", a, q, axis, method, keepdims, False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, interpolation=None):
    """``quantile`` ignoring NaNs."""
    check_out("nanquantile", out)
    method = interpolation if interpolation is not None else method
    return _quantile("nanquantile", a, q, axis, method, keepdims, True)


def _percent(q):
    q = ops.operand(q, "percentile", 1)
    q = ops.promote_dtypes_inexact(q)[0]
    return lax.div(q, lax.full_like(q, 100))


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, interpolation=None):
    """The ``q``-th percentiles (``q`` in [0, 100]) of ``a`` along ``axis``."""
    return quantile(a, _percent(q), axis, out, overwrite_input, method, keepdims,
                    interpolation=interpolation)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, interpolation=None):
    """``percentile`` ignoring NaNs."""
    return nanquantile(a, _percent(q), axis, out, overwrite_input, method, keepdims,
                       interpolation=interpolation)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median of ``a`` along ``axis`` (NaN if a NaN is present)."""
    return quantile(a, 0.5, axis, out, overwrite_input, "midpoint", keepdims)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median ignoring NaNs."""
    return nanquantile(a, 0.5, axis, out, overwrite_input, "midpoint", keepdims)
