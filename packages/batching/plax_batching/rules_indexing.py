"""Batching rules for ``gather`` and the ``scatter`` family.

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

from .batching import axis_size_of, bring


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
    out = lax.gather_p.bind(operand, indices, dimension_numbers=new, slice_sizes=sizes,
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


def register_indexing_rules(table, primitives: dict) -> None:
    """Fill ``table`` for gather and the scatters present in ``primitives``."""
    rules = {"gather": lambda p: _gather_rule,
             **{name: _scatter_rule for name in ("scatter", "scatter-add", "scatter-mul",
                                                 "scatter-min", "scatter-max")}}
    for name, make in rules.items():
        if name in primitives:
            table[primitives[name]] = make(primitives[name])


# ------------------------------------------------------- dynamic slices as gathers

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
        return lax.gather_p.bind(x, starts, dimension_numbers=dn,
                                 slice_sizes=tuple(slice_sizes), **params), 0
    x = bring(x, xd, 0, size)
    dn = lax.GatherDimensionNumbers(offset_dims=tuple(range(1, n + 1)),
                                    collapsed_slice_dims=(),
                                    start_index_map=tuple(range(1, n + 1)),
                                    operand_batching_dims=(0,),
                                    start_indices_batching_dims=(0,))
    return lax.gather_p.bind(x, starts, dimension_numbers=dn,
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
    return lax.scatter_p.bind(x, starts, update, dimension_numbers=dn,
                              indices_are_sorted=True, unique_indices=True,
                              mode=lax.GatherScatterMode.CLIP), 0
