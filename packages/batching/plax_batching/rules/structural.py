"""Batching rules for core's structural primitives (family ``structural``).

Structural ops shift their parameters (axes, permutations, slices, padding) and keep
the batch axis in place where the op allows it.  ``dynamic_slice`` and
``dynamic_update_slice`` with unbatched start indices get a zero start and a full-size
slice for the batch axis; with batched start indices they become one clamping gather
or scatter, as in JAX.  ``iota`` has no operands and is never batched.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import BATCHING, get_aval
from plax_core.lax import (
    broadcast_in_dim_p,
    concatenate_p,
    dynamic_slice_p,
    dynamic_update_slice_p,
    expand_dims_p,
    gather_p,
    iota_p,
    pad_p,
    reshape_p,
    rev_p,
    scatter_p,
    select_n_p,
    slice_p,
    squeeze_p,
    transpose_p,
)

from ..batching import axis_size_of, bring, broadcast, ndim_of, shape_of, shift_axes
from ._helpers import per_example_shape, unbatched_rule


def _broadcast_in_dim_rule(args, dims, *, shape, broadcast_dimensions, sharding):
    (x,), (d,) = args, dims
    bd = tuple(broadcast_dimensions)
    # The batch axis goes right after the output axis of the operand axis before it,
    # which keeps broadcast_dimensions increasing: no transpose.
    out_dim = bd[d - 1] + 1 if d > 0 else 0
    new_bd = bd[:d] + (out_dim,) + tuple(b + 1 for b in bd[d:])
    new_shape = tuple(shape[:out_dim]) + (shape_of(x)[d],) + tuple(shape[out_dim:])
    out = broadcast_in_dim_p.bind(x, shape=new_shape, broadcast_dimensions=new_bd,
                                      sharding=sharding)
    return out, out_dim


def _reshape_rule(args, dims, *, new_sizes, dimensions, sharding):
    (x,), (d,) = args, dims
    size, ndim = shape_of(x)[d], ndim_of(x)
    new_sizes = tuple(new_sizes)
    if dimensions is None and d == 0:
        return reshape_p.bind(x, new_sizes=(size,) + new_sizes, dimensions=None,
                                  sharding=sharding), 0
    if dimensions is None and d == ndim - 1:
        return reshape_p.bind(x, new_sizes=new_sizes + (size,), dimensions=None,
                                  sharding=sharding), len(new_sizes)
    # Otherwise the batch axis leads, moved there by the reshape's own permutation.
    order = range(ndim - 1) if dimensions is None else dimensions
    perm = (d,) + shift_axes(order, d)
    return reshape_p.bind(x, new_sizes=(size,) + new_sizes, dimensions=perm,
                              sharding=sharding), 0


def _squeeze_rule(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    dimensions = shift_axes(dimensions, d)
    out_dim = d - sum(a < d for a in dimensions)
    return squeeze_p.bind(x, dimensions=dimensions), out_dim


def _expand_dims_rule(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    out_ndim = ndim_of(x) - 1 + len(dimensions)
    kept = [i for i in range(out_ndim) if i not in dimensions]   # where operand axes go
    out_dim = kept[d - 1] + 1 if d > 0 else 0
    new_dims = tuple(a + (a >= out_dim) for a in dimensions)
    return expand_dims_p.bind(x, dimensions=new_dims), out_dim


def _transpose_rule(args, dims, *, permutation):
    (x,), (d,) = args, dims
    perm = list(shift_axes(permutation, d))
    perm.insert(d, d)
    return transpose_p.bind(x, permutation=tuple(perm)), d


def _rev_rule(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    return rev_p.bind(x, dimensions=shift_axes(dimensions, d)), d


def _insert(seq, pos, value):
    seq = tuple(seq)
    return seq[:pos] + (value,) + seq[pos:]


def _slice_rule(args, dims, *, start_indices, limit_indices, strides):
    (x,), (d,) = args, dims
    size = shape_of(x)[d]
    out = slice_p.bind(x, start_indices=_insert(start_indices, d, 0),
                           limit_indices=_insert(limit_indices, d, size),
                           strides=None if strides is None else _insert(strides, d, 1))
    return out, d


def _concatenate_rule(args, dims, *, dimension):
    size = axis_size_of(args, dims)
    out_dim = next(d for d in dims if d is not None)
    operands = [bring(x, d, out_dim, size) for x, d in zip(args, dims)]
    dimension = dimension + (dimension >= out_dim)
    return concatenate_p.bind(*operands, dimension=dimension), out_dim


def _pad_rule(args, dims, *, padding_config):
    (x, value), (xd, vd) = args, dims
    if vd is None:
        config = _insert(padding_config, xd, (0, 0, 0))
        return pad_p.bind(x, value, padding_config=config), xd
    # A batched padding value: pad with one of the values, then select the padding
    # positions (a per-example mask, the same for every example) from all of them.
    size = axis_size_of(args, dims)
    out_dim = 0 if xd is None else xd
    x = bring(x, xd, out_dim, size)
    config = _insert(padding_config, out_dim, (0, 0, 0))
    first = (lax.index_in_dim(value, 0, vd, keepdims=False) if size
             else np.zeros((), get_aval(value).dtype))
    padded = pad_p.bind(x, first, padding_config=config)
    example_shape = per_example_shape(x, out_dim)
    mask = pad_p.bind(np.ones(example_shape, np.bool_), np.asarray(False),
                          padding_config=tuple(padding_config))
    mask = broadcast(mask, size, out_dim)
    fill = broadcast_in_dim_p.bind(value, shape=shape_of(padded),
                                       broadcast_dimensions=(out_dim,), sharding=None)
    return select_n_p.bind(mask, fill, padded), out_dim


# ------------------------------------------------------------------ dynamic slicing

def _zero_index(indices) -> np.ndarray:
    dtype = get_aval(indices[0]).dtype if indices else np.dtype(np.int32)
    return np.zeros((), dtype)


def _dynamic_slice_rule(args, dims, *, slice_sizes):
    (x, *indices), (xd, *index_dims) = args, dims
    if any(d is not None for d in index_dims):
        return dynamic_slice_as_gather(args, dims, slice_sizes=slice_sizes)
    indices = _insert(indices, xd, _zero_index(indices))
    sizes = _insert(slice_sizes, xd, shape_of(x)[xd])
    return dynamic_slice_p.bind(x, *indices, slice_sizes=sizes), xd


def _dynamic_update_slice_rule(args, dims):
    (x, update, *indices), (xd, ud, *index_dims) = args, dims
    if any(d is not None for d in index_dims):
        return dynamic_update_slice_as_scatter(args, dims)
    size = axis_size_of(args, dims)
    out_dim = xd if xd is not None else ud
    x, update = bring(x, xd, out_dim, size), bring(update, ud, out_dim, size)
    indices = _insert(indices, out_dim, _zero_index(indices))
    return dynamic_update_slice_p.bind(x, update, *indices), out_dim


def _stacked_starts(indices, index_dims, size):
    """The scalar start indices of one example, as a (batch, n) index array."""
    cols = [lax.expand_dims(bring(i, d, 0, size), (1,)) for i, d in zip(indices, index_dims)]
    return cols[0] if len(cols) == 1 else lax.concatenate(cols, 1)


def dynamic_slice_as_gather(args, dims, *, slice_sizes):
    """``dynamic_slice`` with batched start indices: one clamping gather."""
    (x, *indices), (xd, *index_dims) = args, dims
    size = axis_size_of(args, dims)
    starts = _stacked_starts(indices, index_dims, size)
    n = len(indices)
    params = dict(indices_are_sorted=False, unique_indices=False,
                  mode=lax.GatherScatterMode.CLIP, fill_value=None)
    if xd is None:
        dn = lax.GatherDimensionNumbers(offset_dims=tuple(range(1, n + 1)),
                                        collapsed_slice_dims=(),
                                        start_index_map=tuple(range(n)))
        return gather_p.bind(x, starts, dimension_numbers=dn,
                                 slice_sizes=tuple(slice_sizes), **params), 0
    x = bring(x, xd, 0, size)
    dn = lax.GatherDimensionNumbers(offset_dims=tuple(range(1, n + 1)),
                                    collapsed_slice_dims=(),
                                    start_index_map=tuple(range(1, n + 1)),
                                    operand_batching_dims=(0,),
                                    start_indices_batching_dims=(0,))
    return gather_p.bind(x, starts, dimension_numbers=dn,
                             slice_sizes=(min(1, size),) + tuple(slice_sizes), **params), 0


def dynamic_update_slice_as_scatter(args, dims):
    """``dynamic_update_slice`` with batched start indices: one clamping scatter."""
    (x, update, *indices), (xd, ud, *index_dims) = args, dims
    size = axis_size_of(args, dims)
    starts = _stacked_starts(indices, index_dims, size)
    x, update = bring(x, xd, 0, size), bring(update, ud, 0, size)
    n = len(indices)
    dn = lax.ScatterDimensionNumbers(update_window_dims=tuple(range(1, n + 1)),
                                     inserted_window_dims=(),
                                     scatter_dims_to_operand_dims=tuple(range(1, n + 1)),
                                     operand_batching_dims=(0,),
                                     scatter_indices_batching_dims=(0,))
    return scatter_p.bind(x, starts, update, dimension_numbers=dn,
                              indices_are_sorted=True, unique_indices=True,
                              mode=lax.GatherScatterMode.CLIP), 0


RULES = {
    broadcast_in_dim_p: _broadcast_in_dim_rule,
    reshape_p: _reshape_rule,
    squeeze_p: _squeeze_rule,
    expand_dims_p: _expand_dims_rule,
    transpose_p: _transpose_rule,
    rev_p: _rev_rule,
    slice_p: _slice_rule,
    concatenate_p: _concatenate_rule,
    pad_p: _pad_rule,
    dynamic_slice_p: _dynamic_slice_rule,
    dynamic_update_slice_p: _dynamic_update_slice_rule,
}


def register(registry) -> None:
    """Fill the ``batching`` table for the structural primitives."""
    table = registry.rules(BATCHING)
    table.update(RULES)
    table[iota_p] = unbatched_rule(iota_p)


__all__ = ["RULES", "dynamic_slice_as_gather", "dynamic_update_slice_as_scatter",
           "register"]
