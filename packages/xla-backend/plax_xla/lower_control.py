"""Lowering rules for core's control flow (``cond``, ``while``, ``scan``) and windowed
primitives (``conv_general_dilated``, ``reduce_window_{sum,max,min}``).

Control flow: the jaxpr parameters are lowered inline into the regions of one
StableHLO op; regions of ``case`` and ``while`` may read values defined above them,
so constants and non-carried operands are not threaded through the loop.

- ``cond`` is ``stablehlo.case`` on its (already clamped) int32 index;
- ``while`` is ``stablehlo.while`` over the carry;
- ``scan`` is a ``stablehlo.while`` over ``(i, carry, ys)``: iteration ``i`` reads
  row ``i`` (``length - 1 - i`` when ``reverse``) of each ``xs`` with a dynamic slice
  and writes the same row of each ``ys`` with a dynamic update slice.

Windowed primitives map onto ``stablehlo.convolution`` and ``stablehlo.reduce_window``,
with the dtype handling of ``dot_general`` and of the reductions (bool products as
integer counts, float16/bfloat16 accumulated in float32).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from .lower_elementwise import compare, convert, out_ty
from .lower_structural import _max_identity, _min_identity, _minmax_body, _precision_attr
from .mlir import aval_ty, i64_array, lower_closed_call, ty

_I32 = np.dtype(np.int32)
_F32 = np.dtype(np.float32)
_BOOL = np.dtype(np.bool_)
_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


# ------------------------------------------------------------------ control flow

def _cond(ctx, index, *ops, branches):
    if len(branches) == 1:
        return lower_closed_call(ctx, branches[0], ops)
    types = [aval_ty(a) for a in ctx.avals_out]
    regions = [ctx.region([], lambda br=br: lower_closed_call(ctx, br, ops))
               for br in branches]
    return ctx.op("stablehlo.case", [index], types, regions=regions)


def _while(ctx, *args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cond_consts = args[:cond_nconsts]
    body_consts = args[cond_nconsts:cond_nconsts + body_nconsts]
    init = args[cond_nconsts + body_nconsts:]
    if not init:
        return []
    types = [ctx.ty_of(x) for x in init]
    cond = ctx.region(types, lambda *c: lower_closed_call(ctx, cond_jaxpr, [*cond_consts, *c]))
    body = ctx.region(types, lambda *c: lower_closed_call(ctx, body_jaxpr, [*body_consts, *c]))
    return ctx.op("stablehlo.while", list(init), types, regions=[cond, body])


def _row(ctx, x, index):
    """``x[index]`` for a scalar int32 ``index`` (a dynamic slice, then a reshape)."""
    t = ctx.ty_of(x)
    zero = ctx.constant(0, _I32)
    sliced = ctx.op("stablehlo.dynamic_slice", [x, index] + [zero] * (t.ndim - 1),
                    ty((1,) + t.shape[1:], t.dtype),
                    {"slice_sizes": i64_array((1,) + t.shape[1:])})
    return ctx.op("stablehlo.reshape", [sliced], ty(t.shape[1:], t.dtype))


def _set_row(ctx, ys, y, index):
    t = ctx.ty_of(ys)
    zero = ctx.constant(0, _I32)
    y = ctx.op("stablehlo.reshape", [y], ty((1,) + t.shape[1:], t.dtype))
    return ctx.op("stablehlo.dynamic_update_slice", [ys, y, index] + [zero] * (t.ndim - 1), t)


def _scan(ctx, *args, jaxpr, length, reverse, num_consts, num_carry, linear, unroll):
    consts = list(args[:num_consts])
    init = list(args[num_consts:num_consts + num_carry])
    xs = list(args[num_consts + num_carry:])
    y_avals = jaxpr.out_avals[num_carry:]
    ys0 = [ctx.constant(0, a.dtype, (length,) + a.shape) for a in y_avals]
    if length == 0:               # no iteration (and no row of xs to slice statically)
        return [*init, *ys0]
    i0 = ctx.constant(0, _I32)
    types = [ctx.ty_of(v) for v in [i0, *init, *ys0]]

    def cond(i, *rest):
        return [compare(ctx, i, ctx.constant(length, _I32), "LT")]

    def body(i, *rest):
        carry, ys = list(rest[:num_carry]), list(rest[num_carry:])
        index = i
        if reverse:
            index = ctx.op("stablehlo.subtract", [ctx.constant(length - 1, _I32), i],
                           ctx.ty_of(i))
        slices = [_row(ctx, x, index) for x in xs]
        outs = lower_closed_call(ctx, jaxpr, [*consts, *carry, *slices])
        new_ys = [_set_row(ctx, y_buf, y, index) for y_buf, y in zip(ys, outs[num_carry:])]
        one = ctx.constant(1, _I32)
        return [ctx.op("stablehlo.add", [i, one], ctx.ty_of(i)), *outs[:num_carry], *new_ys]

    outs = ctx.op("stablehlo.while", [i0, *init, *ys0], types,
                  regions=[ctx.region(types, cond), ctx.region(types, body)])
    return outs[1:]


# ------------------------------------------------------------------ windowed

def _padding_attr(padding) -> str:
    if not padding:
        return "dense<> : tensor<0x2xi64>"
    rows = ", ".join(f"[{int(lo)}, {int(hi)}]" for lo, hi in padding)
    return f"dense<[{rows}]> : tensor<{len(padding)}x2xi64>"


def _conv(ctx, lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation,
          dimension_numbers, feature_group_count, batch_group_count, precision,
          preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers

    def dims(spec):
        return ", ".join(str(d) for d in spec[2:])

    numbers = (f"#stablehlo.conv<raw input_batch_dimension = {lhs_spec[0]}, "
               f"input_feature_dimension = {lhs_spec[1]}, "
               f"input_spatial_dimensions = [{dims(lhs_spec)}], "
               f"kernel_input_feature_dimension = {rhs_spec[1]}, "
               f"kernel_output_feature_dimension = {rhs_spec[0]}, "
               f"kernel_spatial_dimensions = [{dims(rhs_spec)}], "
               f"output_batch_dimension = {out_spec[0]}, "
               f"output_feature_dimension = {out_spec[1]}, "
               f"output_spatial_dimensions = [{dims(out_spec)}]>")
    attrs = {"window_strides": i64_array(window_strides),
             "padding": _padding_attr(padding),
             "lhs_dilation": i64_array(lhs_dilation),
             "rhs_dilation": i64_array(rhs_dilation),
             "dimension_numbers": numbers,
             "feature_group_count": f"{int(feature_group_count)} : i64",
             "batch_group_count": f"{int(batch_group_count)} : i64",
             "precision_config": _precision_attr(precision)}
    out = out_ty(ctx)
    if out.dtype == _BOOL:
        lhs, rhs = convert(ctx, lhs, _I32), convert(ctx, rhs, _I32)
        counts = ctx.op("stablehlo.convolution", [lhs, rhs], ty(out.shape, _I32), attrs)
        return compare(ctx, counts, ctx.constant(0, _I32, out.shape), "NE")
    if out.dtype in _HALF:
        lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
        wide = ctx.op("stablehlo.convolution", [lhs, rhs], ty(out.shape, _F32), attrs)
        return convert(ctx, wide, out.dtype)
    lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
    return ctx.op("stablehlo.convolution", [lhs, rhs], out, attrs)


def _reduce_window(body, identity, widen: bool = False):
    def rule(ctx, x, *, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
        out = out_ty(ctx)
        dtype = ctx.ty_of(x).dtype
        work = _F32 if widen and dtype in _HALF else dtype
        x = convert(ctx, x, work)
        scalar = ty((), work)
        init = ctx.constant(identity(work), work)
        region = ctx.region([scalar, scalar], lambda a, b: [body(ctx, a, b)])
        attrs = {"window_dimensions": i64_array(window_dimensions),
                 "window_strides": i64_array(window_strides),
                 "base_dilations": i64_array(base_dilation),
                 "window_dilations": i64_array(window_dilation),
                 "padding": _padding_attr(padding)}
        res = ctx.op("stablehlo.reduce_window", [x, init], ty(out.shape, work), attrs,
                     regions=[region])
        return convert(ctx, res, out.dtype)
    return rule


def _add_body(ctx, a, b):
    if ctx.ty_of(a).dtype == _BOOL:
        return ctx.op("stablehlo.or", [a, b], ctx.ty_of(a))
    return ctx.op("stablehlo.add", [a, b], ctx.ty_of(a))


def control_and_windowed_rules(primitives: dict) -> dict:
    """Rules for whichever of these primitives ``primitives`` (name -> primitive) has."""
    rules = {
        "cond": _cond, "while": _while, "scan": _scan, "conv_general_dilated": _conv,
        "reduce_window_sum": _reduce_window(_add_body, lambda d: 0, widen=True),
        "reduce_window_max": _reduce_window(
            _minmax_body("GT", "stablehlo.or", "stablehlo.maximum"), _max_identity),
        "reduce_window_min": _reduce_window(
            _minmax_body("LT", "stablehlo.and", "stablehlo.minimum"), _min_identity),
    }
    return {primitives[name]: rule for name, rule in rules.items() if name in primitives}
