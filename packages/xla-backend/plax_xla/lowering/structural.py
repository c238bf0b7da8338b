"""Lowering rules of core's structural primitives (family ``structural``).

They map one-to-one onto StableHLO: ``squeeze``/``expand_dims`` are reshapes to the
result's shape, ``reshape`` with ``dimensions`` transposes first, and ``iota`` of a
dtype StableHLO's iota lacks counts in int64 and converts.
"""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import LOWERING

from ..mlir import i64_array
from ._helpers import iota, out_ty, reshape, transpose


def _broadcast_in_dim(ctx, x, *, shape, broadcast_dimensions, sharding):
    return ctx.op("stablehlo.broadcast_in_dim", [x], out_ty(ctx),
                  {"broadcast_dimensions": i64_array(broadcast_dimensions)})


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


def _iota(ctx, *, dtype, shape, dimension, sharding):
    return iota(ctx, shape, dtype, dimension)


RULES = {
    lax.broadcast_in_dim_p: _broadcast_in_dim, lax.reshape_p: _reshape,
    lax.squeeze_p: _reshape_to_out, lax.expand_dims_p: _reshape_to_out,
    lax.transpose_p: _transpose, lax.rev_p: _rev, lax.slice_p: _slice,
    lax.dynamic_slice_p: _dynamic_slice,
    lax.dynamic_update_slice_p: _dynamic_update_slice, lax.pad_p: _pad,
    lax.concatenate_p: _concatenate, lax.iota_p: _iota,
}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
