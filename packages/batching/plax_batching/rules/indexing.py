"""Batching rules for ``gather`` and the ``scatter`` family (family ``indexing``).

The batch axis is moved to the front and folded into the dimension numbers, so a
batched gather or scatter is one gather or scatter:

- only the operand batched: the batch axis is one more slice/window dimension (a
  full-size offset dimension of the gather; a window dimension of the scatter, the
  updates broadcast along it when unbatched);
- batched indices (gather) or batched indices/updates (scatter): the batch axis
  becomes an operand batching dimension paired with an indices batching dimension
  (the operand broadcast along it when unbatched).
"""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import BATCHING
from plax_core.lax import (
    gather_p,
    scatter_add_p,
    scatter_max_p,
    scatter_min_p,
    scatter_mul_p,
    scatter_p,
)

from ..batching import axis_size_of, bring

SCATTERS = (scatter_p, scatter_add_p, scatter_mul_p, scatter_min_p, scatter_max_p)


def _up(dims):
    return tuple(d + 1 for d in dims)


def _gather_rule(args, dims, *, dimension_numbers, slice_sizes, **params):
    (operand, indices), (od, idd) = args, dims
    dn = dimension_numbers
    size = axis_size_of(args, dims)
    if idd is None:
        operand = bring(operand, od, 0, size)
        new = lax.GatherDimensionNumbers(
            offset_dims=(0,) + _up(dn.offset_dims),
            collapsed_slice_dims=_up(dn.collapsed_slice_dims),
            start_index_map=_up(dn.start_index_map),
            operand_batching_dims=_up(dn.operand_batching_dims),
            start_indices_batching_dims=dn.start_indices_batching_dims)
        sizes = (size,) + tuple(slice_sizes)
    else:
        operand, indices = bring(operand, od, 0, size), bring(indices, idd, 0, size)
        new = lax.GatherDimensionNumbers(
            offset_dims=_up(dn.offset_dims),
            collapsed_slice_dims=_up(dn.collapsed_slice_dims),
            start_index_map=_up(dn.start_index_map),
            operand_batching_dims=(0,) + _up(dn.operand_batching_dims),
            start_indices_batching_dims=(0,) + _up(dn.start_indices_batching_dims))
        sizes = (min(1, size),) + tuple(slice_sizes)
    out = gather_p.bind(operand, indices, dimension_numbers=new, slice_sizes=sizes,
                            **params)
    return out, 0


def _scatter_rule(prim):
    def rule(args, dims, *, dimension_numbers, **params):
        (operand, indices, updates), (od, idd, ud) = args, dims
        dn = dimension_numbers
        size = axis_size_of(args, dims)
        operand = bring(operand, od, 0, size)
        if idd is None:
            updates = bring(updates, ud, 0, size)
            new = lax.ScatterDimensionNumbers(
                update_window_dims=(0,) + _up(dn.update_window_dims),
                inserted_window_dims=_up(dn.inserted_window_dims),
                scatter_dims_to_operand_dims=_up(dn.scatter_dims_to_operand_dims),
                operand_batching_dims=_up(dn.operand_batching_dims),
                scatter_indices_batching_dims=dn.scatter_indices_batching_dims)
        else:
            indices = bring(indices, idd, 0, size)
            updates = bring(updates, ud, 0, size)
            new = lax.ScatterDimensionNumbers(
                update_window_dims=_up(dn.update_window_dims),
                inserted_window_dims=_up(dn.inserted_window_dims),
                scatter_dims_to_operand_dims=_up(dn.scatter_dims_to_operand_dims),
                operand_batching_dims=(0,) + _up(dn.operand_batching_dims),
                scatter_indices_batching_dims=(0,) + _up(dn.scatter_indices_batching_dims))
        return prim.bind(operand, indices, updates, dimension_numbers=new, **params), 0
    return rule


def register(registry) -> None:
    """Fill the ``batching`` table for ``gather`` and the scatters."""
    table = registry.rules(BATCHING)
    table[gather_p] = _gather_rule
    for prim in SCATTERS:
        table[prim] = _scatter_rule(prim)


__all__ = ["SCATTERS", "register"]
