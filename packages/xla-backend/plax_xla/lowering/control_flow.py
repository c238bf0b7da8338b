"""Lowering rules of core's control flow (family ``control_flow``: ``cond``, ``while``,
``scan``).

The jaxpr parameters are lowered inline into the regions of one StableHLO op;
regions of ``case`` and ``while`` may read values defined above them, so constants
and non-carried operands are not threaded through the loop.

- ``cond`` is ``stablehlo.case`` on its (already clamped) int32 index;
- ``while`` is ``stablehlo.while`` over the carry;
- ``scan`` is a ``stablehlo.while`` over ``(i, carry, ys)``: iteration ``i`` reads
  row ``i`` (``length - 1 - i`` when ``reverse``) of each ``xs`` with a dynamic slice
  and writes the same row of each ``ys`` with a dynamic update slice.
"""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import LOWERING

from ..mlir import aval_ty, i64_array, lower_closed_call, ty
from ._helpers import I32, compare


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
    zero = ctx.constant(0, I32)
    sliced = ctx.op("stablehlo.dynamic_slice", [x, index] + [zero] * (t.ndim - 1),
                    ty((1,) + t.shape[1:], t.dtype),
                    {"slice_sizes": i64_array((1,) + t.shape[1:])})
    return ctx.op("stablehlo.reshape", [sliced], ty(t.shape[1:], t.dtype))


def _set_row(ctx, ys, y, index):
    t = ctx.ty_of(ys)
    zero = ctx.constant(0, I32)
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
    i0 = ctx.constant(0, I32)
    types = [ctx.ty_of(v) for v in [i0, *init, *ys0]]

    def cond(i, *rest):
        return [compare(ctx, i, ctx.constant(length, I32), "LT")]

    def body(i, *rest):
        carry, ys = list(rest[:num_carry]), list(rest[num_carry:])
        index = i
        if reverse:
            index = ctx.op("stablehlo.subtract", [ctx.constant(length - 1, I32), i],
                           ctx.ty_of(i))
        slices = [_row(ctx, x, index) for x in xs]
        outs = lower_closed_call(ctx, jaxpr, [*consts, *carry, *slices])
        new_ys = [_set_row(ctx, y_buf, y, index) for y_buf, y in zip(ys, outs[num_carry:])]
        one = ctx.constant(1, I32)
        return [ctx.op("stablehlo.add", [i, one], ctx.ty_of(i)), *outs[:num_carry], *new_ys]

    outs = ctx.op("stablehlo.while", [i0, *init, *ys0], types,
                  regions=[ctx.region(types, cond), ctx.region(types, body)])
    return outs[1:]


RULES = {lax.cond_p: _cond, lax.while_p: _while, lax.scan_p: _scan}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
