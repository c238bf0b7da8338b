"""Lowering rules of core's windowed primitives (family ``windowed``:
``conv_general_dilated``, ``reduce_window_{sum,max,min}``).

They map onto ``stablehlo.convolution`` and ``stablehlo.reduce_window``, with the
dtype handling of ``dot_general`` and of the reductions (bool products as integer
counts, float16/bfloat16 accumulated in float32).
"""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import LOWERING

from ..mlir import i64_array, ty
from ._helpers import (
    BOOL,
    F32,
    HALF,
    I32,
    MAX_BODY,
    MIN_BODY,
    compare,
    convert,
    max_identity,
    min_identity,
    out_ty,
    padding_attr,
    precision_attr,
)


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
             "padding": padding_attr(padding),
             "lhs_dilation": i64_array(lhs_dilation),
             "rhs_dilation": i64_array(rhs_dilation),
             "dimension_numbers": numbers,
             "feature_group_count": f"{int(feature_group_count)} : i64",
             "batch_group_count": f"{int(batch_group_count)} : i64",
             "precision_config": precision_attr(precision)}
    out = out_ty(ctx)
    if out.dtype == BOOL:
        lhs, rhs = convert(ctx, lhs, I32), convert(ctx, rhs, I32)
        counts = ctx.op("stablehlo.convolution", [lhs, rhs], ty(out.shape, I32), attrs)
        return compare(ctx, counts, ctx.constant(0, I32, out.shape), "NE")
    if out.dtype in HALF:
        lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
        wide = ctx.op("stablehlo.convolution", [lhs, rhs], ty(out.shape, F32), attrs)
        return convert(ctx, wide, out.dtype)
    lhs, rhs = convert(ctx, lhs, out.dtype), convert(ctx, rhs, out.dtype)
    return ctx.op("stablehlo.convolution", [lhs, rhs], out, attrs)


def _reduce_window(body, identity, widen: bool = False):
    def rule(ctx, x, *, window_dimensions, window_strides, padding, base_dilation,
             window_dilation):
        out = out_ty(ctx)
        dtype = ctx.ty_of(x).dtype
        work = F32 if widen and dtype in HALF else dtype
        x = convert(ctx, x, work)
        scalar = ty((), work)
        init = ctx.constant(identity(work), work)
        region = ctx.region([scalar, scalar], lambda a, b: [body(ctx, a, b)])
        attrs = {"window_dimensions": i64_array(window_dimensions),
                 "window_strides": i64_array(window_strides),
                 "base_dilations": i64_array(base_dilation),
                 "window_dilations": i64_array(window_dilation),
                 "padding": padding_attr(padding)}
        res = ctx.op("stablehlo.reduce_window", [x, init], ty(out.shape, work), attrs,
                     regions=[region])
        return convert(ctx, res, out.dtype)
    return rule


def _add_body(ctx, a, b):
    if ctx.ty_of(a).dtype == BOOL:
        return ctx.op("stablehlo.or", [a, b], ctx.ty_of(a))
    return ctx.op("stablehlo.add", [a, b], ctx.ty_of(a))


RULES = {
    lax.conv_general_dilated_p: _conv,
    lax.reduce_window_sum_p: _reduce_window(_add_body, lambda d: 0, widen=True),
    lax.reduce_window_max_p: _reduce_window(MAX_BODY, max_identity),
    lax.reduce_window_min_p: _reduce_window(MIN_BODY, min_identity),
}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
