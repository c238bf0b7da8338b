"""Lowering rules for sorting and cumulative primitives (``plax_core.prims.sorting`` and
``plax_core.prims.cumulative``).

- ``sort`` is ``stablehlo.sort`` with a comparator region that compares the keys
  lexicographically.  Float keys are canonicalised first (``-0.0`` to ``0.0``, every
  NaN to the positive quiet NaN) and compared with ``TOTALORDER``, which gives JAX's
  order; complex keys compare (real, imag).  The sort is always stable, as the NumPy
  kernel is, so both backends permute ties (and their tangents) identically.
- ``top_k`` is a stable descending sort of ``(x, iota)`` along the last axis, then a
  slice of the first ``k``: ties go to the lower index, NaN counts as the largest.
- cumulative ops are ``stablehlo.reduce_window`` with a window the length of the axis,
  padded by ``n - 1`` identities on the side the scan comes from (JAX's lowering on
  TPU; it costs O(n^2) work per row).  float16/bfloat16 sums, products and
  log-sum-exps accumulate in float32, as the NumPy kernels do.
- ``reduce_precision``, ``population_count`` and ``clz`` are one op each.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from .lower_elementwise import convert, out_ty
from .lower_structural import _max_identity, _min_identity, _minmax_body, iota
from .mlir import i64_array, ty

_F32 = np.dtype(np.float32)
_I32 = np.dtype(np.int32)
_BOOL = np.dtype(np.bool_)
_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


# ------------------------------------------------------------------ comparator

def _cmp(ctx, x, y, direction, kind):
    return ctx.op("stablehlo.compare", [x, y], ty((), _BOOL),
                  {"comparison_direction": f"#stablehlo<comparison_direction {direction}>",
                   "compare_type": f"#stablehlo<comparison_type {kind}>"})


def _canonical_float(ctx, x):
    t = ctx.ty_of(x)
    zero = ctx.constant(0, t.dtype, t.shape)
    x = ctx.op("stablehlo.select", [_cmp(ctx, x, zero, "EQ", "FLOAT"), zero, x], t)
    nan = ctx.constant(np.nan, t.dtype, t.shape)
    return ctx.op("stablehlo.select", [_cmp(ctx, x, x, "NE", "FLOAT"), nan, x], t)


def _keys(ctx, x):
    """``(value, comparison type)`` pieces whose lexicographic order is JAX's."""
    dtype = ctx.ty_of(x).dtype
    if dtype == _BOOL:
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
        less = _cmp(ctx, a, b, direction, kind)
        if result is None:
            result = less
        else:
            eq = _cmp(ctx, a, b, "EQ", kind)
            both = ctx.op("stablehlo.and", [eq, result], ty((), _BOOL))
            result = ctx.op("stablehlo.or", [less, both], ty((), _BOOL))
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
        return [ctx.constant(0, vt.dtype, vt.shape), ctx.constant(0, _I32, it.shape)]
    last = t.ndim - 1
    idx = iota(ctx, t.shape, _I32, last)
    values, indices = _sort_op(ctx, [x, idx], last, 1, direction="GT")
    attrs = {"start_indices": i64_array((0,) * t.ndim),
             "limit_indices": i64_array(t.shape[:-1] + (k,)),
             "strides": i64_array((1,) * t.ndim)}
    return [ctx.op("stablehlo.slice", [values], vt, attrs),
            ctx.op("stablehlo.slice", [indices], it, attrs)]


# ------------------------------------------------------------------ cumulative

def _add(ctx, a, b):
    return ctx.op("stablehlo.add", [a, b], ctx.ty_of(a))


def _mul(ctx, a, b):
    return ctx.op("stablehlo.multiply", [a, b], ctx.ty_of(a))


def _logaddexp(ctx, a, b):
    t = ctx.ty_of(a)
    m = ctx.op("stablehlo.maximum", [a, b], t)
    d = ctx.op("stablehlo.subtract", [a, b], t)
    neg = ctx.op("stablehlo.negate", [ctx.op("stablehlo.abs", [d], t)], t)
    r = ctx.op("stablehlo.add", [m, ctx.op("stablehlo.log_plus_one",
                                           [ctx.op("stablehlo.exponential", [neg], t)], t)], t)
    isnan = _cmp(ctx, d, d, "NE", "FLOAT")
    return ctx.op("stablehlo.select", [isnan, _add(ctx, a, b), r], t)


def _cumulative(body, identity, widen: bool):
    def rule(ctx, x, *, axis, reverse):
        t = ctx.ty_of(x)
        n = t.shape[axis]
        if n < 2 or 0 in t.shape:
            return x
        work = _F32 if widen and t.dtype in _HALF else t.dtype
        x = convert(ctx, x, work)
        scalar = ty((), work)
        init = ctx.constant(identity(work), work)
        region = ctx.region([scalar, scalar], lambda a, b: [body(ctx, a, b)])
        window = [1] * t.ndim
        window[axis] = n
        pads = [[0, 0] for _ in range(t.ndim)]
        pads[axis] = [0, n - 1] if reverse else [n - 1, 0]
        rows = ", ".join(f"[{lo}, {hi}]" for lo, hi in pads)
        attrs = {"window_dimensions": i64_array(window),
                 "window_strides": i64_array((1,) * t.ndim),
                 "base_dilations": i64_array((1,) * t.ndim),
                 "window_dilations": i64_array((1,) * t.ndim),
                 "padding": f"dense<[{rows}]> : tensor<{t.ndim}x2xi64>"}
        out = ctx.op("stablehlo.reduce_window", [x, init], ty(t.shape, work), attrs,
                     regions=[region])
        return convert(ctx, out, t.dtype)
    return rule


# ------------------------------------------------------------------ small ops

def _reduce_precision(ctx, x, *, exponent_bits, mantissa_bits):
    return ctx.op("stablehlo.reduce_precision", [x], ctx.ty_of(x),
                  {"exponent_bits": f"{int(exponent_bits)} : i32",
                   "mantissa_bits": f"{int(mantissa_bits)} : i32"})


def _unary(name):
    def rule(ctx, x):
        return ctx.op(name, [x], ctx.ty_of(x))
    return rule


def sorting_rules(primitives: dict) -> dict:
    """Rules for whichever of these primitives ``primitives`` (name -> primitive) has."""
    rules = {
        "sort": _sort, "top_k": _top_k,
        "cumsum": _cumulative(_add, lambda d: 0, widen=True),
        "cumprod": _cumulative(_mul, lambda d: 1, widen=True),
        "cummax": _cumulative(_minmax_body("GT", "stablehlo.or", "stablehlo.maximum"),
                              _max_identity, widen=False),
        "cummin": _cumulative(_minmax_body("LT", "stablehlo.and", "stablehlo.minimum"),
                              _min_identity, widen=False),
        "cumlogsumexp": _cumulative(_logaddexp, lambda d: -np.inf, widen=True),
        "reduce_precision": _reduce_precision,
        "population_count": _unary("stablehlo.popcnt"),
        "clz": _unary("stablehlo.count_leading_zeros"),
    }
    return {primitives[name]: rule for name, rule in rules.items() if name in primitives}
