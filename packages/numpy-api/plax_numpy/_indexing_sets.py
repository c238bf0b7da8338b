"""Unique, set (``isin`` included), counting and histogram functions of ``plax.numpy``
(on scatter-add).

As in JAX: functions whose output size depends on the values (``unique``, the set
operations, ``bincount`` without ``length``) need concrete inputs and pad to ``size``
when it is given (with ``fill_value``, by default the smallest value); ``bincount``
clips negative values to 0 and drops those past ``length``; ``histogram`` and friends
count in the inexact dtype of their input, so they work under every transformation
once the edges are known (``bins`` given or ``range`` given).
"""

from __future__ import annotations

import builtins
import collections
import operator

import numpy as np

from plax_core import lax, ops
from plax_core.numpy_semantics import scatter_index

from ._indexing import _axis, _concrete, _full, _int_dtype, _int_indices, _pad, _rt

__all__ = [
    "unique", "unique_all", "unique_counts", "unique_inverse", "unique_values", "union1d",
    "intersect1d", "setdiff1d", "setxor1d", "bincount", "digitize", "histogram",
    "histogram_bin_edges", "histogram2d", "histogramdd",
    "isin",
]


# ------------------------------------------------------------------ unique & sets

def _host(fname, x, argnum=0):
    x = ops.operand(x, fname, argnum)
    return x, _concrete(fname, x, "values")


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
           *, equal_nan=True, size=None, fill_value=None, sorted=True):  # noqa: A002
    """The sorted unique elements of ``ar`` (concrete input; ``size`` pads)."""
    ar, value = _host("unique", ar)
    dt = ops.dtype_of(ar)
    if axis is not None:
        axis = _axis("unique", axis, value.ndim)
    res = np.unique(value, return_index=True, return_inverse=True, return_counts=True,
                    axis=axis, equal_nan=equal_nan)
    uniq, index, inverse, counts = res
    if axis is None and return_inverse:
        inverse = inverse.reshape(value.shape) if value.ndim else inverse.reshape(())
    if size is not None:
        if axis is not None and axis != 0:
            uniq = np.moveaxis(uniq, axis, 0)
        fill = fill_value if fill_value is not None else \
            (uniq[0] if uniq.shape[0] else 0)
        uniq = _pad("unique", uniq, size, None, dt)
        nu = builtins.min(res[0].shape[axis or 0], size)
        uniq[nu:] = fill
        if axis is not None and axis != 0:
            uniq = np.moveaxis(uniq, 0, axis)
        index = _pad("unique", index, size, 0, _int_dtype())
        counts = _pad("unique", counts, size, 0, _int_dtype())
    out = [ops.array(np.asarray(uniq).astype(dt, copy=False))]
    for flag, v in ((return_index, index), (return_inverse, inverse),
                    (return_counts, counts)):
        if flag:
            out.append(ops.array(np.asarray(v).astype(_int_dtype())))
    return out[0] if len(out) == 1 else tuple(out)


_UniqueAll = collections.namedtuple("UniqueAllResult",
                                    ["values", "indices", "inverse_indices", "counts"])
_UniqueCounts = collections.namedtuple("UniqueCountsResult", ["values", "counts"])
_UniqueInverse = collections.namedtuple("UniqueInverseResult",
                                        ["values", "inverse_indices"])


def unique_all(x, /, *, size=None, fill_value=None):
    """The array API's ``unique_all``: values, indices, inverse indices and counts."""
    return _UniqueAll(*unique(x, True, True, True, size=size, fill_value=fill_value))


def unique_counts(x, /, *, size=None, fill_value=None):
    """The array API's ``unique_counts``: the unique values and how often each occurs."""
    return _UniqueCounts(*unique(x, return_counts=True, size=size, fill_value=fill_value))


def unique_inverse(x, /, *, size=None, fill_value=None):
    """The array API's ``unique_inverse``: the unique values and the indices rebuilding ``x``."""
    return _UniqueInverse(*unique(x, return_inverse=True, size=size,
                                  fill_value=fill_value))


def unique_values(x, /, *, size=None, fill_value=None):
    """The array API's ``unique_values``: the sorted unique values of ``x``."""
    return unique(x, size=size, fill_value=fill_value)


def _set_result(fname, values, dt, size, fill_value):
    values = np.asarray(values).astype(dt, copy=False)
    if size is not None:
        fill = fill_value if fill_value is not None else \
            (values.min() if values.size else 0)
        values = _pad(fname, values, size, fill, dt)
    return ops.array(values)


def _two(fname, ar1, ar2):
    a1, v1 = _host(fname, ar1, 0)
    a2, v2 = _host(fname, ar2, 1)
    return v1.ravel(), v2.ravel(), _rt(a1, a2), ops.dtype_of(a1)


def union1d(ar1, ar2, *, size=None, fill_value=None):
    """The sorted unique values found in either ``ar1`` or ``ar2``."""
    v1, v2, dt, _ = _two("union1d", ar1, ar2)
    return _set_result("union1d", np.union1d(v1, v2), dt, size, fill_value)


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None,
                fill_value=None):
    """The sorted unique values found in both ``ar1`` and ``ar2``."""
    v1, v2, dt, _ = _two("intersect1d", ar1, ar2)
    res = np.intersect1d(v1, v2, assume_unique=assume_unique, return_indices=True)
    out = _set_result("intersect1d", res[0], dt, size, fill_value)
    if not return_indices:
        return out
    idx = [ops.array(_pad("intersect1d", i, size, 0, _int_dtype()).astype(_int_dtype()))
           for i in res[1:]]
    return (out, *idx)


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """The sorted unique values of ``ar1`` that are not in ``ar2``."""
    v1, v2, _, dt1 = _two("setdiff1d", ar1, ar2)
    return _set_result("setdiff1d", np.setdiff1d(v1, v2, assume_unique), dt1, size,
                       fill_value)


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """The sorted unique values in exactly one of ``ar1`` and ``ar2``."""
    v1, v2, dt, _ = _two("setxor1d", ar1, ar2)
    return _set_result("setxor1d", np.setxor1d(v1, v2, assume_unique), dt, size,
                       fill_value)


# ------------------------------------------------------------------ counting

def bincount(x, weights=None, minlength=0, *, length=None):
    """Counts (or summed ``weights``) of each non-negative integer in the 1-D ``x``."""
    x = _int_indices("bincount", x, 0)
    if ops.ndim(x) != 1:
        raise ValueError(f"bincount: x must be 1-dimensional, got shape {ops.shape(x)}")
    minlength = operator.index(minlength)
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    if length is None:
        value = _concrete("bincount", x, "values (pass length= under a transformation)")
        length = builtins.max(minlength, int(value.max()) + 1 if value.size else 0)
    length = operator.index(length)
    if weights is None:
        weights = lax.full(ops.shape(x), 1, _int_dtype())
    else:
        weights = ops.operand(weights, "bincount", 1)
        weights = ops.broadcast_to(weights, ops.shape(x), "bincount")
    zeros = lax.full((length,), 0, ops.dtype_of(weights))
    x = ops.maximum(x, ops.scalar_like(x, 0))
    return scatter_index(zeros, (x,), weights, "add", mode="drop")


def digitize(x, bins, right=False):
    """The index of the bin each value of ``x`` falls into (``bins`` monotonic)."""
    from ._sorting import searchsorted
    x = ops.operand(x, "digitize")
    bins = ops.operand(bins, "digitize", 1)
    if ops.ndim(bins) != 1:
        raise ValueError(f"digitize: bins must be 1-dimensional, got shape "
                         f"{ops.shape(bins)}")
    n = ops.shape(bins)[0]
    if n == 0:
        return lax.full(ops.shape(x), 0, _int_dtype())
    side = "left" if right else "right"
    inc = searchsorted(bins, x, side=side)
    dec = n - searchsorted(lax.rev(bins, (0,)), x, side="right" if right else "left")
    return lax.select(ops.broadcast_to(ops.greater_equal(bins[-1], bins[0]), ops.shape(x)),
                      inc, dec)


def _range(fname, a, range):  # noqa: A002
    if range is not None:
        lo, hi = range
        return lo, hi
    return ops.min(a), ops.max(a)


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002
    """The edges of ``histogram``'s bins (``bins`` an int or the edges themselves)."""
    from ._creation import linspace
    a = ops.ravel(ops.operand(a, "histogram_bin_edges"))
    dt = ops.to_inexact_dtype(ops.dtype_of(a))
    if not isinstance(bins, int) and not (isinstance(bins, np.integer)):
        edges = ops.astype(ops.operand(bins, "histogram_bin_edges", 1), dt)
        if ops.ndim(edges) != 1:
            raise ValueError("histogram_bin_edges: bins must be an int or a 1-D array")
        return edges
    if bins < 1:
        raise ValueError(f"histogram_bin_edges: bins must be positive, got {bins}")
    a = ops.astype(a, dt)
    lo, hi = _range("histogram_bin_edges", a, range)
    lo, hi = ops.astype(ops.as_array(lo), dt), ops.astype(ops.as_array(hi), dt)
    same = ops.equal(lo, hi)
    lo = lax.select(same, ops.subtract(lo, ops.scalar_like(lo, 0.5)), lo)
    hi = lax.select(same, ops.add(hi, ops.scalar_like(hi, 0.5)), hi)
    return linspace(lo, hi, int(bins) + 1, dtype=dt)


def histogram(a, bins=10, range=None, weights=None, density=None):  # noqa: A002
    """``(counts, edges)``: counts (or summed weights) of ``a`` in each bin."""
    edges = histogram_bin_edges(a, bins, range, weights)
    a = ops.ravel(ops.operand(a, "histogram"))
    dt = ops.dtype_of(edges)
    a = ops.astype(a, dt)
    if weights is None:
        weights = lax.full(ops.shape(a), 1, dt)
    else:
        weights = ops.ravel(ops.operand(weights, "histogram", 1))
        if ops.shape(weights) != ops.shape(a):
            raise ValueError(f"histogram: weights should have the same shape as a, got "
                             f"{ops.shape(weights)} and {ops.shape(a)}")
        weights = ops.astype(weights, _rt(weights, edges))
    nb = ops.shape(edges)[0]
    counts = bincount(_bin_index(a, edges), weights, length=nb + 1)[1:-1]
    if density:
        widths = ops.subtract(edges[1:], edges[:-1])
        counts = ops.true_divide(ops.true_divide(counts, widths), ops.sum(counts))
    return counts, edges


def _bin_index(x, edges):
    """1 + the bin of each value (0 below, ``len(edges)`` above; the last edge is in)."""
    from ._sorting import searchsorted
    nb = ops.shape(edges)[0]
    idx = searchsorted(edges, x, side="right")
    return lax.select(ops.equal(x, edges[-1]), _full(idx, nb - 1), idx)


def histogramdd(sample, bins=10, range=None, weights=None, density=None):  # noqa: A002
    """``(counts, edges)`` of the ``(N, D)`` ``sample`` in a D-dimensional grid of bins."""
    sample = ops.operand(sample, "histogramdd")
    if ops.ndim(sample) == 1:
        sample = ops.reshape(sample, (-1, 1))
    if ops.ndim(sample) != 2:
        raise ValueError(f"histogramdd: sample must be (N, D), got shape "
                         f"{ops.shape(sample)}")
    n, d = ops.shape(sample)
    bins = [bins] * d if isinstance(bins, (int, np.integer)) else list(bins)
    ranges = [None] * d if range is None else list(range)
    if len(bins) != d or len(ranges) != d:
        raise ValueError(f"histogramdd: bins and range must have one entry per dimension "
                         f"({d})")
    cols = [ops.reshape(sample[:, k], (n,)) for k in builtins.range(d)]
    edges = [histogram_bin_edges(c, b, r) for c, b, r in zip(cols, bins, ranges)]
    sizes = [ops.shape(e)[0] + 1 for e in edges]
    flat = None
    for c, e, size in zip(cols, edges, sizes):
        idx = _bin_index(ops.astype(c, ops.dtype_of(e)), e)
        flat = idx if flat is None else ops.add(ops.multiply(flat, size), idx)
    dt = ops.dtype_of(edges[0])
    if weights is None:
        weights = lax.full((n,), 1, dt)
    else:
        weights = ops.operand(weights, "histogramdd", 3)
        weights = ops.astype(weights, _rt(weights, edges[0]))
    counts = ops.reshape(bincount(flat, weights, length=int(np.prod(sizes))), tuple(sizes))
    counts = counts[tuple(slice(1, -1) for _ in sizes)]
    if density:
        counts = ops.true_divide(counts, ops.sum(counts))
        for k, e in enumerate(edges):
            shape = [1] * d
            shape[k] = ops.shape(e)[0] - 1
            counts = ops.true_divide(counts, ops.reshape(ops.subtract(e[1:], e[:-1]),
                                                         tuple(shape)))
    return counts, edges


def histogram2d(x, y, bins=10, range=None, weights=None, density=None):  # noqa: A002
    """``(counts, xedges, yedges)`` of the points ``(x, y)``."""
    x, y = ops.promote_dtypes(ops.operand(x, "histogram2d"), ops.operand(y, "histogram2d", 1))
    if np.ndim(bins) == 1 and len(bins) != 2:  # one array of edges for both axes
        bins = [bins, bins]
    sample = lax.concatenate([ops.reshape(ops.ravel(x), (-1, 1)),
                              ops.reshape(ops.ravel(y), (-1, 1))], 1)
    counts, (ex, ey) = histogramdd(sample, bins, range, weights, density)
    return counts, ex, ey


def isin(element, test_elements, assume_unique=False, invert=False, *, method="auto"):
    """Whether each element is in ``test_elements`` (one comparison per pair)."""
    e = ops.operand(element, "isin")
    t = ops.ravel(ops.operand(test_elements, "isin", 1))
    hit = ops.any(ops.equal(ops.expand_dims(e, -1), t), axis=-1)
    return ops.logical_not(hit) if invert else hit
