"""Lowering rules for core's structural and reduction primitives
(control flow and windowed primitives: ``lower_control``).

Structural primitives map one-to-one onto StableHLO (``squeeze``/``expand_dims`` are
reshapes; ``reshape`` with ``dimensions`` transposes first).  Reductions are
``stablehlo.reduce`` with a one-op region and XLA's init values; float16/bfloat16
sums and products accumulate in float32 and round once, as the NumPy kernels do.
``argmax``/``argmin`` are a variadic reduce over (value, index) pairs whose region
picks the first extremum and the first NaN, associatively (XLA may reduce in any
order).  ``dot_general`` accumulates float16/bfloat16 products in float32 and
computes boolean products as integer counts.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from plax_core import dtypes, lax
from plax_core.ad_util import stop_gradient_p

from .lower_elementwise import _complex_minmax, compare, convert, out_ty, select
from .mlir import FunctionBuilder, i64_array, ty

_F32 = np.dtype(np.float32)
_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))
_BOOL = np.dtype(np.bool_)


# ------------------------------------------------------------------ shapes

def _broadcast_in_dim(ctx, x, *, shape, broadcast_dimensions, sharding):
    return ctx.op("stablehlo.broadcast_in_dim", [x], out_ty(ctx),
                  {"broadcast_dimensions": i64_array(broadcast_dimensions)})


def transpose(ctx: FunctionBuilder, x: str, perm) -> str:
    t = ctx.ty_of(x)
    if tuple(perm) == tuple(range(t.ndim)):
        return x
    return ctx.op("stablehlo.transpose", [x], ty([t.shape[p] for p in perm], t.dtype),
                  {"permutation": i64_array(perm)})


def reshape(ctx: FunctionBuilder, x: str, shape) -> str:
    t = ctx.ty_of(x)
    if tuple(shape) == t.shape:
        return x
    return ctx.op("stablehlo.reshape", [x], ty(shape, t.dtype))


def _reshape(ctx, x, *, new_sizes, dimensions, sharding):
    if dimensions is not None:
        x = transpose(ctx, x, dimensions)
    return reshape(ctx, x, new_sizes)


def _reshape_to_out(ctx, x, **params):
    return reshape(ctx, x, ctx.avals_out[0].shape)


def _transpose(ctx, x, *, permutation):
    return transpose(ctx, x, permutation)


def _rev(ctx, x, *, dimensions):
    if not dimensions:
        return x
    return ctx.op("stablehlo.reverse", [x], ctx.ty_of(x),
                  {"dimensions": i64_array(dimensions)})


def _slice(ctx, x, *, start_indices, limit_indices, strides):
    strides = (1,) * len(start_indices) if strides is None else strides
    return ctx.op("stablehlo.slice", [x], out_ty(ctx),
                  {"start_indices": i64_array(start_indices),
                   "limit_indices": i64_array(limit_indices),
                   "strides": i64_array(strides)})


def _dynamic_slice(ctx, x, *indices, slice_sizes):
    return ctx.op("stablehlo.dynamic_slice", [x, *indices], out_ty(ctx),
                  {"slice_sizes": i64_array(slice_sizes)})


def _dynamic_update_slice(ctx, x, update, *indices):
    return ctx.op("stablehlo.dynamic_update_slice", [x, update, *indices], out_ty(ctx))


def _pad(ctx, x, padding_value, *, padding_config):
    lo, hi, interior = zip(*padding_config) if padding_config else ((), (), ())
    return ctx.op("stablehlo.pad", [x, padding_value], out_ty(ctx),
                  {"edge_padding_low": i64_array(lo), "edge_padding_high": i64_array(hi),
                   "interior_padding": i64_array(interior)})


def _concatenate(ctx, *xs, dimension):
    return ctx.op("stablehlo.concatenate", list(xs), out_ty(ctx),
                  {"dimension": f"{dimension} : i64"})


_IOTA_NATIVE = {np.dtype(t) for t in (np.int32, np.int64, np.uint32, np.uint64,
                                      np.float32, np.float64)}


def iota(ctx: FunctionBuilder, shape, dtype, dimension: int) -> str:
    dtype = np.dtype(dtype)
    work = dtype if dtype in _IOTA_NATIVE else np.dtype(np.int64)
    out = ctx.op("stablehlo.iota", [], ty(shape, work),
                 {"iota_dimension": f"{dimension} : i64"})
    return convert(ctx, out, dtype)


def _iota(ctx, *, dtype, shape, dimension, sharding):
    return iota(ctx, shape, dtype, dimension)


def _identity(ctx, x, **params):
    return x


# ------------------------------------------------------------------ reductions

def reduce(ctx: FunctionBuilder, x: str, init_value, axes, body) -> str:
    """``x`` reduced over ``axes`` by ``body(ctx, a, b)`` from ``init_value``."""
    t = ctx.ty_of(x)
    if not axes:
        return x
    scalar = ty((), t.dtype)
    init = ctx.constant(init_value, t.dtype)
    region = ctx.region([scalar, scalar], lambda a, b: [body(ctx, a, b)])
    out_shape = tuple(d for i, d in enumerate(t.shape) if i not in axes)
    return ctx.op("stablehlo.reduce", [x, init], ty(out_shape, t.dtype),
                  {"dimensions": i64_array(sorted(axes))}, regions=[region])


def _op_body(name):
    def body(ctx, a, b):
        return ctx.op(name, [a, b], ctx.ty_of(a))
    return body


def _minmax_body(direction, bool_op, float_op):
    def body(ctx, a, b):
        dtype = ctx.ty_of(a).dtype
        if dtype == _BOOL:
            return ctx.op(bool_op, [a, b], ctx.ty_of(a))
        if dtype.kind == "c":
            return _complex_minmax(ctx, a, b, direction)
        return ctx.op(float_op, [a, b], ctx.ty_of(a))
    return body


def _max_identity(dtype):
    if dtype.kind in "fcV":
        return -np.inf
    return False if dtype == _BOOL else np.iinfo(dtype).min


def _min_identity(dtype):
    if dtype.kind in "fcV":
        return np.inf
    return True if dtype == _BOOL else np.iinfo(dtype).max


def _reduction(body, identity, widen: bool = False):
    def rule(ctx, x, *, axes):
        dtype = ctx.ty_of(x).dtype
        if widen and dtype in _HALF:
            return convert(ctx, reduce(ctx, convert(ctx, x, _F32), identity(_F32), axes, body),
                           dtype)
        return reduce(ctx, x, identity(dtype), axes, body)
    return rule


def _all_ones(dtype):
    return True if dtype == _BOOL else (-1 if dtype.kind == "i" else np.iinfo(dtype).max)


def _argminmax(direction: str):
    """argmax (``GT``) / argmin (``LT``): first extremum, NaN counts as the extremum."""
    def rule(ctx, x, *, axes, index_dtype):
        t = ctx.ty_of(x)
        (axis,) = axes
        work = np.dtype(np.int32 if t.shape[axis] < 2**31 else np.int64)
        index = iota(ctx, t.shape, work, axis)
        init_v = (_max_identity if direction == "GT" else _min_identity)(t.dtype)
        sv, si = ty((), t.dtype), ty((), work)

        def body(av, ai, bv, bi):
            a_nan, b_nan = compare(ctx, av, av, "NE"), compare(ctx, bv, bv, "NE")
            both_nan = ctx.op("stablehlo.and", [a_nan, b_nan], ctx.ty_of(a_nan))
            only_a_nan = ctx.op("stablehlo.and", [a_nan, ctx.op("stablehlo.not", [b_nan],
                                                                ctx.ty_of(b_nan))],
                                ctx.ty_of(a_nan))
            a_better = ctx.op("stablehlo.or", [compare(ctx, av, bv, direction), only_a_nan],
                              ctx.ty_of(a_nan))
            tie = ctx.op("stablehlo.or", [compare(ctx, av, bv, "EQ"), both_nan],
                         ctx.ty_of(a_nan))
            first = ctx.op("stablehlo.and", [tie, compare(ctx, ai, bi, "LT")],
                           ctx.ty_of(a_nan))
            take_a = ctx.op("stablehlo.or", [a_better, first], ctx.ty_of(a_nan))
            return [select(ctx, take_a, av, bv), select(ctx, take_a, ai, bi)]

        region = ctx.region([sv, si, sv, si], body)
        out_shape = tuple(d for i, d in enumerate(t.shape) if i != axis)
        inits = [ctx.constant(init_v, t.dtype), ctx.constant(0, work)]
        _, idx = ctx.op("stablehlo.reduce", [x, index, *inits],
                        [ty(out_shape, t.dtype), ty(out_shape, work)],
                        {"dimensions": i64_array([axis])}, regions=[region])
        return convert(ctx, idx, index_dtype)
    return rule


# ------------------------------------------------------------------ dot_general

_PRECISION = {0: "DEFAULT", 1: "HIGH", 2: "HIGHEST"}


def _precision_attr(precision) -> str:
    names = ["DEFAULT", "DEFAULT"] if precision is None else [
        _PRECISION.get(getattr(p, "value", 0), "DEFAULT") for p in precision]
    return "[" + ", ".join(f"#stablehlo<precision {n}>" for n in names) + "]"


def _narrowing(inp: np.dtype, out: np.dtype) -> bool:
    """Does converting the inputs to ``out`` first lose what XLA's dot keeps?"""
    if not dtypes.is_inexact(inp):
        return False
    if dtypes.is_complex(inp):
        return not dtypes.is_complex(out)
    return not dtypes.is_inexact(out) or (not dtypes.is_complex(out)
                                          and out.itemsize < inp.itemsize)


def _dot_general(ctx, lhs, rhs, *, dimension_numbers, precision, preferred_element_type):
    (lc, rc), (lb, rb) = dimension_numbers
    out = out_ty(ctx)
    attrs = {"dot_dimension_numbers": (
        f"#stablehlo.dot<lhs_batching_dimensions = [{', '.join(map(str, lb))}], "
        f"rhs_batching_dimensions = [{', '.join(map(str, rb))}], "
        f"lhs_contracting_dimensions = [{', '.join(map(str, lc))}], "
        f"rhs_contracting_dimensions = [{', '.join(map(str, rc))}]>"),
        "precision_config": _precision_attr(precision)}
    inp = np.dtype(ctx.avals_in[0].dtype)
    if _narrowing(inp, np.dtype(out.dtype)):
        # float -> int, complex -> real or a narrower float: contract in the input type,
        # then convert (XLA's conversion), as XLA's dot with that result type computes.
        acc = _F32 if inp in _HALF else inp
        lhs, rhs = convert(ctx, lhs, acc), convert(ctx, rhs, acc)
        wide = ctx.op("stablehlo.dot_general", [lhs, rhs], ty(out.shape, acc), attrs)
        return convert(ctx, wide, out.dtype)
    if out.dtype == _BOOL:
        lhs, rhs = convert(ctx, lhs, np.int32), convert(ctx, rhs, np.int32)
        counts = ctx.op("stablehlo.dot_general", [lhs, rhs], ty(out.shape, np.int32), attrs)
        return compare(ctx, counts, ctx.constant(0, np.int32, out.shape), "NE")
    if out.dtype in _HALF:
        lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
        wide = ctx.op("stablehlo.dot_general", [lhs, rhs], ty(out.shape, _F32), attrs)
        return convert(ctx, wide, out.dtype)
    lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
    return ctx.op("stablehlo.dot_general", [lhs, rhs], out, attrs)


# ------------------------------------------------------------------ the table

def structural_rules() -> dict:
    """primitive -> lowering rule, for core's structural and reduction primitives."""
    return {
        lax.broadcast_in_dim_p: _broadcast_in_dim, lax.reshape_p: _reshape,
        lax.squeeze_p: _reshape_to_out, lax.expand_dims_p: _reshape_to_out,
        lax.transpose_p: _transpose, lax.rev_p: _rev, lax.slice_p: _slice,
        lax.dynamic_slice_p: _dynamic_slice,
        lax.dynamic_update_slice_p: _dynamic_update_slice, lax.pad_p: _pad,
        lax.concatenate_p: _concatenate, lax.iota_p: _iota,
        stop_gradient_p: _identity,
        lax.reduce_sum_p: _reduction(_op_body("stablehlo.add"), lambda d: 0, widen=True),
        lax.reduce_prod_p: _reduction(_op_body("stablehlo.multiply"), lambda d: 1,
                                      widen=True),
        lax.reduce_max_p: _reduction(_minmax_body("GT", "stablehlo.or", "stablehlo.maximum"),
                                     _max_identity),
        lax.reduce_min_p: _reduction(_minmax_body("LT", "stablehlo.and", "stablehlo.minimum"),
                                     _min_identity),
        lax.reduce_and_p: _reduction(_op_body("stablehlo.and"), _all_ones),
        lax.reduce_or_p: _reduction(_op_body("stablehlo.or"), lambda d: 0),
        lax.reduce_xor_p: _reduction(_op_body("stablehlo.xor"), lambda d: 0),
        lax.argmax_p: _argminmax("GT"), lax.argmin_p: _argminmax("LT"),
        lax.dot_general_p: _dot_general,
    }
