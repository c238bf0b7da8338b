"""Lowering rules of ``gather`` and the ``scatter`` family (family ``indexing``) to
``stablehlo.gather``/``scatter``.

The index vector is the last dimension of the indices (``index_vector_dim``).  Modes:

- ``clip``: the indices are clamped into ``[0, dim - slice size]`` first;
- ``fill`` (gather): the gather runs on the (natively clamped) indices and a
  ``select`` puts ``fill_value`` where any start was out of bounds; (scatter) XLA's
  own scatter already drops out-of-bounds windows;
- ``promise_in_bounds``: passed through.

A scatter's update computation is a one-op region (``add``/``multiply``/``minimum``/
``maximum``, or returning the update for ``scatter``); booleans use or/and.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import LOWERING
from plax_core.prims.indexing import (
    GatherScatterMode,
    default_fill_value,
    scatter_window_sizes,
)

from ..mlir import FunctionBuilder, dense_constant, ty
from ._helpers import BOOL, MAX_BODY, MIN_BODY, compare, out_ty, select


def _list(values) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def _fields(pairs) -> str:
    return ", ".join(f"{k} = {_list(v)}" for k, v in pairs if len(v))


def _bounds(ctx, indices, index_map, operand_shape, sizes):
    """(zeros, upper bounds) broadcast to the indices' shape, in their dtype."""
    t = ctx.ty_of(indices)
    upper = np.asarray([operand_shape[d] - sizes[d] for d in index_map], t.dtype)
    hi = ctx.op("stablehlo.broadcast_in_dim", [dense_constant(ctx, upper)], t,
                {"broadcast_dimensions": f"array<i64: {t.ndim - 1}>"})
    return ctx.constant(0, t.dtype, t.shape), hi


def _clamp(ctx, indices, index_map, operand_shape, sizes):
    lo, hi = _bounds(ctx, indices, index_map, operand_shape, sizes)
    return ctx.op("stablehlo.clamp", [lo, indices, hi], ctx.ty_of(indices))


def _in_bounds(ctx, indices, index_map, operand_shape, sizes):
    """A boolean of the indices' batch shape: every start in bounds."""
    lo, hi = _bounds(ctx, indices, index_map, operand_shape, sizes)
    t = ctx.ty_of(indices)
    ok = ctx.op("stablehlo.and", [compare(ctx, indices, lo, "GE"),
                                  compare(ctx, indices, hi, "LE")], ty(t.shape, BOOL))
    init = ctx.constant(True, BOOL)
    scalar = ty((), BOOL)
    region = ctx.region([scalar, scalar],
                        lambda a, b: [ctx.op("stablehlo.and", [a, b], scalar)])
    return ctx.op("stablehlo.reduce", [ok, init], ty(t.shape[:-1], BOOL),
                  {"dimensions": f"array<i64: {t.ndim - 1}>"}, regions=[region])


def _gather(ctx: FunctionBuilder, operand, indices, *, dimension_numbers, slice_sizes,
            indices_are_sorted, unique_indices, mode, fill_value):
    dn = dimension_numbers
    shape = ctx.ty_of(operand).shape
    idx_t = ctx.ty_of(indices)
    ok = None
    if mode == GatherScatterMode.CLIP:
        indices = _clamp(ctx, indices, dn.start_index_map, shape, slice_sizes)
    elif mode == GatherScatterMode.FILL_OR_DROP:
        ok = _in_bounds(ctx, indices, dn.start_index_map, shape, slice_sizes)
    fields = _fields([("offset_dims", dn.offset_dims),
                      ("collapsed_slice_dims", dn.collapsed_slice_dims),
                      ("operand_batching_dims", dn.operand_batching_dims),
                      ("start_indices_batching_dims", dn.start_indices_batching_dims),
                      ("start_index_map", dn.start_index_map)])
    attrs = {
        "dimension_numbers": f"#stablehlo.gather<{fields}, "
                             f"index_vector_dim = {idx_t.ndim - 1}>",
        "indices_are_sorted": "true" if indices_are_sorted else "false",
        "slice_sizes": "array<i64" + "".join(f", {s}" if i else f": {s}"
                                             for i, s in enumerate(slice_sizes)) + ">",
    }
    out_t = out_ty(ctx)
    out = ctx.op("stablehlo.gather", [operand, indices], out_t, attrs)
    if ok is None:
        return out
    fill = default_fill_value(out_t.dtype) if fill_value is None else fill_value
    batch_pos = [i for i in range(out_t.ndim) if i not in dn.offset_dims]
    mask = ctx.op("stablehlo.broadcast_in_dim", [ok], ty(out_t.shape, BOOL),
                  {"broadcast_dimensions": "array<i64" + "".join(
                      f", {p}" if i else f": {p}" for i, p in enumerate(batch_pos)) + ">"})
    with np.errstate(all="ignore"):
        fill = np.asarray(fill).astype(out_t.dtype)
    return select(ctx, mask, out, ctx.constant(fill, out_t.dtype, out_t.shape))


def _binary_body(op, bool_op):
    def body(ctx, a, b):
        name = bool_op if ctx.ty_of(a).dtype == BOOL else op
        return ctx.op(name, [a, b], ctx.ty_of(a))
    return body


def _scatter(body):
    def rule(ctx: FunctionBuilder, operand, indices, updates, *, dimension_numbers,
             indices_are_sorted, unique_indices, mode):
        dn = dimension_numbers
        op_t, idx_t = ctx.ty_of(operand), ctx.ty_of(indices)
        if mode == GatherScatterMode.CLIP:
            sizes = scatter_window_sizes(op_t.shape, ctx.ty_of(updates).shape, dn)
            indices = _clamp(ctx, indices, dn.scatter_dims_to_operand_dims, op_t.shape,
                             sizes)
        fields = _fields([("update_window_dims", dn.update_window_dims),
                          ("inserted_window_dims", dn.inserted_window_dims),
                          ("input_batching_dims", dn.operand_batching_dims),
                          ("scatter_indices_batching_dims",
                           dn.scatter_indices_batching_dims),
                          ("scatter_dims_to_operand_dims", dn.scatter_dims_to_operand_dims)])
        scalar = ty((), op_t.dtype)
        region = ctx.region([scalar, scalar], lambda a, b: [body(ctx, a, b)])
        attrs = {
            "scatter_dimension_numbers": f"#stablehlo.scatter<{fields}, "
                                         f"index_vector_dim = {idx_t.ndim - 1}>",
            "indices_are_sorted": "true" if indices_are_sorted else "false",
            "unique_indices": "true" if unique_indices else "false",
        }
        return ctx.op("stablehlo.scatter", [operand, indices, updates], out_ty(ctx), attrs,
                      regions=[region])
    return rule


RULES = {
    lax.gather_p: _gather,
    lax.scatter_p: _scatter(lambda ctx, a, b: b),
    lax.scatter_add_p: _scatter(_binary_body("stablehlo.add", "stablehlo.or")),
    lax.scatter_mul_p: _scatter(_binary_body("stablehlo.multiply", "stablehlo.and")),
    lax.scatter_min_p: _scatter(MIN_BODY),
    lax.scatter_max_p: _scatter(MAX_BODY),
}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
