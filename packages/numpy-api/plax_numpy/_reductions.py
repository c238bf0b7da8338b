"""Reductions (sum, mean, var, ...) with NumPy's signatures and JAX's dtype rules."""

from __future__ import annotations

from plax_core import lax, ops
from plax_core.core import get_aval

__all__ = [
    "sum", "prod", "product", "mean", "average", "var", "std", "max", "amax", "min", "amin",
    "all", "any", "alltrue", "sometrue", "argmax", "argmin", "ptp", "count_nonzero",
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
