"""Lowering rules of the collectives to XLA's: ``stablehlo.all_reduce`` & co.

They run only inside a ``pmap``/``shard_map`` body being compiled, which says how its
named axes map to XLA's replica ids (``axis_context``); a collective whose name is not
there raises JAX's NameError.  The rules use plax-xla's public builder
(``plax_xla.mlir``), imported here only: this module is loaded when plax-xla is.
"""

from __future__ import annotations

import numpy as np

from plax_xla.mlir import aval_ty, i64_array, ty

from .collectives import (
    all_gather_p,
    all_to_all_p,
    axis_index_p,
    pmax_p,
    pmin_p,
    ppermute_p,
    psum_p,
    psum_scatter_p,
)
from .lowering_context import current_axes, mode, next_channel, position, stride
from .lowering_context import groups as ctx_groups


def _groups(axes, prim):
    """``(replica_groups attribute, group size, extra attributes)`` for ``axes``."""
    known = current_axes()
    for a in axes:
        if a not in known:
            raise NameError(f"unbound axis name: {a}. {prim} was compiled outside any "
                            f"pmap or shard_map that binds it.")
    gs = ctx_groups(tuple(axes))
    n = len(gs[0])
    rows = ", ".join("[" + ", ".join(map(str, g)) + "]" for g in gs)
    attrs = {"replica_groups": f"dense<[{rows}]> : tensor<{len(gs)}x{n}xi64>"}
    if mode() == "partition":
        attrs["channel_handle"] = (f"#stablehlo.channel_handle<handle = {next_channel()}, "
                                   f"type = 1>")
    return attrs, n


def _reducer(op):
    def rule(ctx, x, *, axes):
        attrs, _ = _groups(axes, op)
        if mode() == "partition":
            attrs["use_global_device_ids"] = "unit"
        t = ctx.ty_of(x)
        scalar = ty((), t.dtype)
        name = {"psum": "stablehlo.add", "pmax": "stablehlo.maximum",
                "pmin": "stablehlo.minimum"}[op]
        if t.dtype == np.bool_ and op == "psum":
            name = "stablehlo.or"
        region = ctx.region([scalar, scalar], lambda a, b: [ctx.op(name, [a, b], scalar)])
        return ctx.op("stablehlo.all_reduce", [x], t, attrs, regions=[region])
    return rule


def _reshape(ctx, x, shape):
    return ctx.op("stablehlo.reshape", [x], ty(shape, ctx.ty_of(x).dtype))


def _all_gather(ctx, x, *, axes, axis, tiled, axis_size):
    attrs, n = _groups(axes, "all_gather")
    if mode() == "partition":
        attrs["use_global_device_ids"] = "unit"
    t = ctx.ty_of(x)
    if not tiled:
        x = _reshape(ctx, x, t.shape[:axis] + (1,) + t.shape[axis:])
    return ctx.op("stablehlo.all_gather", [x], aval_ty(ctx.avals_out[0]),
                  {"all_gather_dim": f"{axis} : i64", **attrs})


def _psum_scatter(ctx, x, *, axes, scatter_dimension, tiled, axis_size):
    attrs, n = _groups(axes, "psum_scatter")
    if mode() == "partition":
        attrs["use_global_device_ids"] = "unit"
    t = ctx.ty_of(x)
    sd = scatter_dimension
    shape = list(t.shape)
    shape[sd] //= n
    scalar = ty((), t.dtype)
    region = ctx.region([scalar, scalar],
                        lambda a, b: [ctx.op("stablehlo.add", [a, b], scalar)])
    out = ctx.op("stablehlo.reduce_scatter", [x], ty(shape, t.dtype),
                 {"scatter_dimension": f"{sd} : i64", **attrs},
                 regions=[region])
    return out if tiled else _reshape(ctx, out, ctx.avals_out[0].shape)


def _all_to_all(ctx, x, *, axes, split_axis, concat_axis, tiled, axis_size):
    attrs, n = _groups(axes, "all_to_all")
    t = ctx.ty_of(x)
    if tiled:
        return ctx.op("stablehlo.all_to_all", [x], aval_ty(ctx.avals_out[0]),
                      {"split_dimension": f"{split_axis} : i64",
                       "concat_dimension": f"{concat_axis} : i64",
                       "split_count": f"{n} : i64", **attrs})
    # Blocks of size 1 along split_axis, exchanged in place; then that axis (now
    # indexed by the sender) moves to concat_axis.
    r = ctx.op("stablehlo.all_to_all", [x], t,
               {"split_dimension": f"{split_axis} : i64",
                "concat_dimension": f"{split_axis} : i64",
                "split_count": f"{n} : i64", **attrs})
    perm = list(range(t.ndim))
    perm.insert(concat_axis, perm.pop(split_axis))
    return ctx.op("stablehlo.transpose", [r], aval_ty(ctx.avals_out[0]),
                  {"permutation": i64_array(perm)})


def _ppermute(ctx, x, *, axes, perm):
    _groups(axes, "ppermute")
    t = ctx.ty_of(x)
    if not perm:
        return ctx.constant(0, t.dtype, t.shape)
    (name,) = axes
    pairs = []
    for group in ctx_groups((name,)):          # the same exchange in every group
        pairs += [(group[s], group[d]) for s, d in perm]
    text = ", ".join(f"[{s}, {d}]" for s, d in pairs)
    attrs = {"source_target_pairs": f"dense<[{text}]> : tensor<{len(pairs)}x2xi64>"}
    if mode() == "partition":
        attrs["channel_handle"] = (f"#stablehlo.channel_handle<handle = {next_channel()}, "
                                   f"type = 1>")
    return ctx.op("stablehlo.collective_permute", [x], t, attrs)


def _axis_index(ctx, *, axis_name):
    _groups((axis_name,), "axis_index")
    op = "stablehlo.partition_id" if mode() == "partition" else "stablehlo.replica_id"
    flat = ctx.op("stablehlo.convert", [ctx.op(op, [], ty((), np.uint32))], ty((), np.int32))
    i32 = ty((), np.int32)
    size = current_axes()[axis_name]
    step = stride(axis_name)
    if step > 1:
        flat = ctx.op("stablehlo.divide", [flat, ctx.constant(step, np.int32)], i32)
    if size * step < position({n: s - 1 for n, s in current_axes().items()}) + 1:
        flat = ctx.op("stablehlo.remainder", [flat, ctx.constant(size, np.int32)], i32)
    return flat


LOWERING_RULES = {
    psum_p: _reducer("psum"), pmax_p: _reducer("pmax"), pmin_p: _reducer("pmin"),
    all_gather_p: _all_gather, psum_scatter_p: _psum_scatter, all_to_all_p: _all_to_all,
    ppermute_p: _ppermute, axis_index_p: _axis_index,
}
