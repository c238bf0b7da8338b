"""Lowering rules of core's sorting primitives (family ``sorting``: ``sort``, ``top_k``).

- ``sort`` is ``stablehlo.sort`` with a comparator region that compares the keys
  lexicographically.  Float keys are canonicalised first (``-0.0`` to ``0.0``, every
  NaN to the positive quiet NaN) and compared with ``TOTALORDER``, which gives JAX's
  order; complex keys compare (real, imag).  The sort is always stable, as the NumPy
  kernel is, so both backends permute ties (and their tangents) identically.
- ``top_k`` is a stable descending sort of ``(x, iota)`` along the last axis, then a
  slice of the first ``k``: ties go to the lower index, NaN counts as the largest.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import LOWERING

from ..mlir import i64_array, ty
from ._helpers import BOOL, I32, compare, iota, out_ty


def _canonical_float(ctx, x):
    t = ctx.ty_of(x)
    zero = ctx.constant(0, t.dtype, t.shape)
    x = ctx.op("stablehlo.select", [compare(ctx, x, zero, "EQ", "FLOAT"), zero, x], t)
    nan = ctx.constant(np.nan, t.dtype, t.shape)
    return ctx.op("stablehlo.select", [compare(ctx, x, x, "NE", "FLOAT"), nan, x], t)


def _keys(ctx, x):
    """``(value, comparison type)`` pieces whose lexicographic order is JAX's."""
    dtype = ctx.ty_of(x).dtype
    if dtype == BOOL:
        return [(x, "UNSIGNED")]
    if dtype.kind in "iu":
        return [(x, "SIGNED" if dtype.kind == "i" else "UNSIGNED")]
    if dtype.kind == "c":
        part = ty((), np.dtype(np.float32 if dtype.itemsize == 8 else np.float64))
        re = ctx.op("stablehlo.real", [x], part)
        im = ctx.op("stablehlo.imag", [x], part)
        return _keys(ctx, re) + _keys(ctx, im)
    return [(_canonical_float(ctx, x), "TOTALORDER")]


def _lex_less(ctx, lhs, rhs, direction="LT"):
    pieces = [(a, b, k) for x, y in zip(lhs, rhs)
              for (a, k), (b, _) in zip(_keys(ctx, x), _keys(ctx, y))]
    result = None
    for a, b, kind in reversed(pieces):
        less = compare(ctx, a, b, direction, kind)
        if result is None:
            result = less
        else:
            eq = compare(ctx, a, b, "EQ", kind)
            both = ctx.op("stablehlo.and", [eq, result], ty((), BOOL))
            result = ctx.op("stablehlo.or", [less, both], ty((), BOOL))
    return result


def _sort_op(ctx, operands, dimension, num_keys, direction="LT"):
    types = [ctx.ty_of(o) for o in operands]
    scalars = [ty((), t.dtype) for t in types for _ in range(2)]

    def body(*args):
        return [_lex_less(ctx, args[0:2 * num_keys:2], args[1:2 * num_keys:2], direction)]

    region = ctx.region(scalars, body)
    return ctx.op("stablehlo.sort", list(operands), types,
                  {"dimension": f"{int(dimension)} : i64", "is_stable": "true"},
                  regions=[region])


def _sort(ctx, *operands, dimension, is_stable, num_keys):
    if ctx.ty_of(operands[0]).shape[dimension] < 2:
        return list(operands)
    return _sort_op(ctx, operands, dimension, num_keys)


def _top_k(ctx, x, *, k):
    t = ctx.ty_of(x)
    vt, it = out_ty(ctx, 0), out_ty(ctx, 1)
    if k == 0 or 0 in t.shape:
        return [ctx.constant(0, vt.dtype, vt.shape), ctx.constant(0, I32, it.shape)]
    last = t.ndim - 1
    idx = iota(ctx, t.shape, I32, last)
    values, indices = _sort_op(ctx, [x, idx], last, 1, direction="GT")
    attrs = {"start_indices": i64_array((0,) * t.ndim),
             "limit_indices": i64_array(t.shape[:-1] + (k,)),
             "strides": i64_array((1,) * t.ndim)}
    return [ctx.op("stablehlo.slice", [values], vt, attrs),
            ctx.op("stablehlo.slice", [indices], it, attrs)]


RULES = {lax.sort_p: _sort, lax.top_k_p: _top_k}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
