"""Reductions (sum, mean, var, ...) with NumPy's signatures and JAX's dtype rules; their
NaN-ignoring forms (nansum, nanmean, ...) and the covariance statistics (cov, corrcoef)."""

from __future__ import annotations

import numpy as np

from plax_core import lax, ops
from plax_core.core import get_aval

from ._linear import einsum
from ._math import isnan
from ._shape import concatenate

__all__ = [
    "sum", "prod", "product", "mean", "average", "var", "std", "max", "amax", "min", "amin",
    "all", "any", "alltrue", "sometrue", "argmax", "argmin", "ptp", "count_nonzero",
    "nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd", "nanargmax",
    "nanargmin", "cov", "corrcoef",
]

sum, prod, mean, var, std = ops.sum, ops.prod, ops.mean, ops.var, ops.std  # noqa: A001
max = amax = ops.max  # noqa: A001
min = amin = ops.min  # noqa: A001
all = alltrue = ops.all  # noqa: A001
any = sometrue = ops.any  # noqa: A001
argmax, argmin = ops.argmax, ops.argmin
product = prod


def ptp(a, axis=None, out=None, keepdims=False):
    """Range of values (maximum - minimum) along an axis."""
    return ops.subtract(ops.max(a, axis, out, keepdims), ops.min(a, axis, out, keepdims))


def count_nonzero(a, axis=None, keepdims=False):
    """The number of non-zero elements along ``axis`` (of the whole array when None)."""
    a = ops.operand(a, "count_nonzero")
    return ops.sum(ops.to_bool(a), axis, keepdims=keepdims)


def average(a, axis=None, weights=None, returned=False, keepdims=False):
    """Weighted mean; ``weights`` must have ``a``'s shape or be 1-d along ``axis``."""
    if weights is None:
        avg = ops.mean(a, axis, keepdims=keepdims)
        if not returned:
            return avg
        a = ops.operand(a, "average")
        shape = get_aval(a).shape
        axes = ops.reduction_axes(axis, len(shape), "average")
        count = 1
        for ax in axes:
            count *= shape[ax]
        return avg, lax.full_like(avg, count)
    a, w = ops.promote_args_inexact("average", a, weights) if get_aval(
        ops.operand(weights)).shape == get_aval(ops.operand(a)).shape else \
        _weights_along(a, weights, axis)
    total = ops.sum(ops.multiply(a, w), axis, keepdims=keepdims)
    norm = ops.sum(w, axis, keepdims=keepdims)
    avg = ops.true_divide(total, norm)
    return (avg, ops.broadcast_to(norm, get_aval(avg).shape)) if returned else avg


def _weights_along(a, weights, axis):
    a = ops.operand(a, "average")
    w = ops.operand(weights, "average", 1)
    shape, wshape = get_aval(a).shape, get_aval(w).shape
    if axis is None or len(wshape) != 1 or not isinstance(axis, int):
        raise TypeError(f"average: weights of shape {wshape} differ from a's shape {shape}; "
                        f"give an int axis and 1-d weights of that axis' length")
    ax = ops.canonicalize_axis(axis, len(shape), "average")
    if wshape[0] != shape[ax]:
        raise ValueError(f"average: length of weights {wshape[0]} differs from the length "
                         f"{shape[ax]} of axis {axis}")
    w = ops.reshape(w, tuple(wshape[0] if i == ax else 1 for i in range(len(shape))))
    a, w = ops.promote_dtypes_inexact(a, w)
    return a, ops.broadcast_to(w, shape, "average")


# ------------------------------------------------------------------ NaN-ignoring reductions

def _nan_replaced(fname, a, value):
    a = ops.operand(a, fname)
    if ops.dtype_kind(a) in "fc":
        return lax.select(isnan(a), lax.full_like(a, value), a), True
    return ops.as_array(a), False


def _all_nan(a, axis, keepdims):
    return ops.all(isnan(a), axis, keepdims=keepdims)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``sum`` treating NaN as zero."""
    a, _ = _nan_replaced("nansum", a, 0)
    return ops.sum(a, axis, dtype, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``prod`` treating NaN as one."""
    a, _ = _nan_replaced("nanprod", a, 1)
    return ops.prod(a, axis, dtype, out, keepdims, initial, where)


def _nan_extremum(fname, reducer, fill, a, axis, out, keepdims, initial, where):
    orig = ops.operand(a, fname)
    a, floating = _nan_replaced(fname, orig, fill)
    res = reducer(a, axis, out, keepdims, initial, where)
    if floating:
        res = lax.select(_all_nan(orig, axis, keepdims), lax.full_like(res, np.nan), res)
    return res


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """``max`` ignoring NaN (NaN where a slice is all NaN)."""
    return _nan_extremum("nanmax", ops.max, -np.inf, a, axis, out, keepdims, initial, where)


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """The minimum along ``axis``, ignoring NaNs (NaN where all are NaN)."""
    return _nan_extremum("nanmin", ops.min, np.inf, a, axis, out, keepdims, initial, where)


def _nan_count(orig, axis, keepdims, dt):
    return ops.sum(ops.convert(lax.bitwise_not(isnan(orig)), dt), axis, keepdims=keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """Mean of the non-NaN elements (NaN for an all-NaN slice)."""
    orig = ops.operand(a, "nanmean")
    if ops.dtype_kind(orig) not in "fc":
        return ops.mean(orig, axis, dtype, out, keepdims, where=where)
    if where is not None:
        raise NotImplementedError("nanmean: the 'where' argument is not supported")
    total = nansum(orig, axis, dtype, out, keepdims)
    count = _nan_count(orig, axis, keepdims, ops.dtype_of(total) if ops.dtype_kind(total) == "f"
                       else ops.dtype_of(ops.real(total)))
    return ops.true_divide(total, count)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    """The variance along ``axis``, ignoring NaNs."""
    orig = ops.operand(a, "nanvar")
    if ops.dtype_kind(orig) not in "fc":
        return ops.var(orig, axis, dtype, out, ddof, keepdims, where=where)
    if where is not None:
        raise NotImplementedError("nanvar: the 'where' argument is not supported")
    mean = nanmean(orig, axis, dtype, keepdims=True)
    dev = ops.subtract(orig, mean)
    sq = ops.real(ops.multiply(dev, ops.conj(dev)))
    total = nansum(sq, axis, keepdims=keepdims)
    count = _nan_count(orig, axis, keepdims, ops.dtype_of(total))
    dof = ops.subtract(count, ddof)
    return ops.true_divide(total, lax.max(dof, lax.full_like(dof, 0)))


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    """The standard deviation along ``axis``, ignoring NaNs."""
    return lax.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where))


def _nan_arg(fname, argfn, fill, a, axis, keepdims):
    orig = ops.operand(a, fname)
    a, floating = _nan_replaced(fname, orig, fill)
    res = argfn(a, axis, keepdims=keepdims)
    if floating:
        res = lax.select(_all_nan(orig, axis, bool(keepdims)), lax.full_like(res, -1), res)
    return res


def nanargmax(a, axis=None, out=None, keepdims=None):
    """``argmax`` ignoring NaN; -1 for an all-NaN slice (as JAX)."""
    return _nan_arg("nanargmax", ops.argmax, -np.inf, a, axis, keepdims)


def nanargmin(a, axis=None, out=None, keepdims=None):
    """The index of the minimum along ``axis``, ignoring NaNs."""
    return _nan_arg("nanargmin", ops.argmin, np.inf, a, axis, keepdims)


# ------------------------------------------------------------------ statistics

def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """Covariance matrix of the rows (variables) of ``m`` (NumPy's weights and ddof)."""
    (x,) = ops.promote_args_inexact("cov", m)
    if get_aval(x).ndim > 2:
        raise ValueError(f"cov: m has more than 2 dimensions (shape {get_aval(x).shape})")
    if get_aval(x).ndim < 2:
        x = ops.reshape(x, (1, -1))
    elif not rowvar:
        x = ops.transpose(x)
    if y is not None:
        (yy,) = ops.promote_args_inexact("cov", y)
        if get_aval(yy).ndim < 2:
            yy = ops.reshape(yy, (1, -1))
        elif not rowvar:
            yy = ops.transpose(yy)
        x, yy = ops.promote_dtypes(x, yy)
        x = concatenate([x, yy], 0)
    n = get_aval(x).shape[1]
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = ops.operand(fweights, "cov")
    if aweights is not None:
        aw = ops.operand(aweights, "cov")
        w = aw if w is None else ops.multiply(w, aw)
    if w is None:
        avg = ops.mean(x, axis=1, keepdims=True)
        fact = ops.convert(n - ddof, ops.dtype_of(ops.real(avg)))
        xw = ops.subtract(x, avg)
        xt = xw
    else:
        w = ops.convert(w, ops.dtype_of(ops.real(x)))
        w_sum = ops.sum(w)
        avg = ops.true_divide(ops.sum(ops.multiply(x, w), axis=1, keepdims=True), w_sum)
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = ops.subtract(w_sum, ddof)
        else:
            aw = ops.convert(ops.operand(aweights, "cov"), ops.dtype_of(w))
            fact = ops.subtract(w_sum, ops.true_divide(
                ops.multiply(ddof, ops.sum(ops.multiply(w, aw))), w_sum))
        xt = ops.subtract(x, avg)
        xw = ops.multiply(xt, w)
    c = ops.matmul(xw, ops.conj(ops.transpose(xt)))
    c = ops.true_divide(c, fact)
    return ops.squeeze(c) if get_aval(c).shape == (1, 1) else c


def corrcoef(x, y=None, rowvar=True):
    """Pearson correlation coefficients of the variables in the rows of ``x`` (and ``y``)."""
    c = cov(x, y, rowvar)
    if get_aval(c).ndim == 0:
        return ops.true_divide(c, c)
    d = ops.real(einsum("ii->i", c))
    s = lax.sqrt(d)
    c = ops.true_divide(ops.true_divide(c, ops.reshape(s, (-1, 1))), ops.reshape(s, (1, -1)))
    if ops.dtype_kind(c) == "c":
        return lax.complex(ops.clip(ops.real(c), -1, 1), ops.clip(ops.imag(c), -1, 1))
    return ops.clip(c, -1, 1)
