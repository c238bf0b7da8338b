"""Lowering rules of core's reductions (family ``reductions``, ``dot_general`` included).

Reductions are ``stablehlo.reduce`` with a one-op region and XLA's init values;
float16/bfloat16 sums and products accumulate in float32 and round once, as the
NumPy kernels do.  ``argmax``/``argmin`` are a variadic reduce over (value, index)
pairs whose region picks the first extremum and the first NaN, associatively (XLA
may reduce in any order).  ``dot_general`` accumulates float16/bfloat16 products in
float32, computes boolean products as integer counts, and contracts in the input
type when the requested result type would narrow it.
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes, lax
from plax_core.extend import LOWERING

from ..mlir import i64_array, ty
from ._helpers import (
    BOOL,
    F32,
    HALF,
    MAX_BODY,
    MIN_BODY,
    compare,
    convert,
    iota,
    max_identity,
    min_identity,
    op_body,
    out_ty,
    precision_attr,
    reduce,
    select,
)


def _reduction(body, identity, widen: bool = False):
    def rule(ctx, x, *, axes):
        dtype = ctx.ty_of(x).dtype
        if widen and dtype in HALF:
            return convert(ctx, reduce(ctx, convert(ctx, x, F32), identity(F32), axes, body),
                           dtype)
        return reduce(ctx, x, identity(dtype), axes, body)
    return rule


def _all_ones(dtype):
    return True if dtype == BOOL else (-1 if dtype.kind == "i" else np.iinfo(dtype).max)


def _argminmax(direction: str):
    """argmax (``GT``) / argmin (``LT``): first extremum, NaN counts as the extremum."""
    def rule(ctx, x, *, axes, index_dtype):
        t = ctx.ty_of(x)
        (axis,) = axes
        work = np.dtype(np.int32 if t.shape[axis] < 2**31 else np.int64)
        index = iota(ctx, t.shape, work, axis)
        init_v = (max_identity if direction == "GT" else min_identity)(t.dtype)
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
        "precision_config": precision_attr(precision)}
    inp = np.dtype(ctx.avals_in[0].dtype)
    if _narrowing(inp, np.dtype(out.dtype)):
        # float -> int, complex -> real or a narrower float: contract in the input type,
        # then convert (XLA's conversion), as XLA's dot with that result type computes.
        acc = F32 if inp in HALF else inp
        lhs, rhs = convert(ctx, lhs, acc), convert(ctx, rhs, acc)
        wide = ctx.op("stablehlo.dot_general", [lhs, rhs], ty(out.shape, acc), attrs)
        return convert(ctx, wide, out.dtype)
    if out.dtype == BOOL:
        lhs, rhs = convert(ctx, lhs, np.int32), convert(ctx, rhs, np.int32)
        counts = ctx.op("stablehlo.dot_general", [lhs, rhs], ty(out.shape, np.int32), attrs)
        return compare(ctx, counts, ctx.constant(0, np.int32, out.shape), "NE")
    if out.dtype in HALF:
        lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
        wide = ctx.op("stablehlo.dot_general", [lhs, rhs], ty(out.shape, F32), attrs)
        return convert(ctx, wide, out.dtype)
    lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
    return ctx.op("stablehlo.dot_general", [lhs, rhs], out, attrs)


RULES = {
    lax.reduce_sum_p: _reduction(op_body("stablehlo.add"), lambda d: 0, widen=True),
    lax.reduce_prod_p: _reduction(op_body("stablehlo.multiply"), lambda d: 1, widen=True),
    lax.reduce_max_p: _reduction(MAX_BODY, max_identity),
    lax.reduce_min_p: _reduction(MIN_BODY, min_identity),
    lax.reduce_and_p: _reduction(op_body("stablehlo.and"), _all_ones),
    lax.reduce_or_p: _reduction(op_body("stablehlo.or"), lambda d: 0),
    lax.reduce_xor_p: _reduction(op_body("stablehlo.xor"), lambda d: 0),
    lax.argmax_p: _argminmax("GT"), lax.argmin_p: _argminmax("LT"),
    lax.dot_general_p: _dot_general,
}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
