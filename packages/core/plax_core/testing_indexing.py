"""Random gather/scatter cases and a loop oracle, for every package's tests.

``random_gather(rng)`` draws a gather (operand shape, indices, dimension numbers,
slice sizes, mode) covering collapsed dims, batching dims, permuted start index maps,
offset dims anywhere in the output and out-of-bounds indices; ``random_scatter``
derives a scatter from one (its updates have the gather's output shape).
``gather_oracle``/``scatter_oracle`` follow XLA's definition one index vector at a
time, independently of the vectorised implementations in ``prims.indexing``.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from .prims.indexing import (
    GatherDimensionNumbers,
    GatherScatterMode,
    default_fill_value,
    gather_to_scatter_dnums,
    scatter_window_sizes,
)


class GatherCase(NamedTuple):
    operand_shape: tuple
    indices: np.ndarray
    dimension_numbers: GatherDimensionNumbers
    slice_sizes: tuple
    mode: GatherScatterMode
    out_shape: tuple


def _pick(rng, items, k):
    items = list(items)
    return [items[i] for i in rng.permutation(len(items))[:k]]


def random_gather(rng, unique: bool = False, modes=("clip", "fill", "promise_in_bounds"),
                  max_rank: int = 3) -> GatherCase:
    """A random gather; ``unique``: distinct in-bounds indices, unit slices where indexed."""
    rank = int(rng.integers(1, max_rank + 1))
    shape = tuple(int(d) for d in rng.integers(1, 5, size=rank))
    n_batch = int(rng.integers(0, 2)) if rank >= 2 and not unique else 0
    op_batch = sorted(_pick(rng, range(rank), n_batch))
    rest = [d for d in range(rank) if d not in op_batch]
    index_map = _pick(rng, rest, int(rng.integers(1, len(rest) + 1)))
    collapsed = sorted(d for d in index_map if unique or rng.random() < 0.6)
    sizes = []
    for d in range(rank):
        if d in collapsed or d in op_batch or (unique and d in index_map):
            sizes.append(1)
        else:
            sizes.append(int(rng.integers(1, shape[d] + 1)))
    mode = GatherScatterMode.from_any(str(rng.choice(list(modes))))
    batch_rank = int(rng.integers(n_batch, n_batch + 2))
    batch_shape = [int(d) for d in rng.integers(1, 4, size=batch_rank)]
    idx_batch = sorted(_pick(rng, range(batch_rank), n_batch))
    for o, i in zip(op_batch, idx_batch):
        batch_shape[i] = shape[o]
    n = int(np.prod(batch_shape, dtype=np.int64))
    if unique:
        choices = list(itertools.product(*(range(shape[d]) for d in index_map)))
        n = min(n, len(choices))
        batch_shape = [n] if batch_rank else []
        picked = [choices[i] for i in rng.permutation(len(choices))[:max(n, 1)]]
        indices = np.asarray(picked[:n] if batch_rank else picked[0], np.int32)
        indices = indices.reshape(tuple(batch_shape) + (len(index_map),))
    else:
        in_bounds = mode == GatherScatterMode.PROMISE_IN_BOUNDS
        cols = []
        for d in index_map:
            hi = shape[d] - sizes[d]
            lo_v, hi_v = (0, hi) if in_bounds else (-2, hi + 2)
            cols.append(rng.integers(lo_v, hi_v + 1, size=tuple(batch_shape)))
        indices = np.stack(cols, axis=-1).astype(np.int32)
    offset_sizes = [s for d, s in enumerate(sizes) if d not in collapsed and d not in op_batch]
    out_rank = len(offset_sizes) + len(batch_shape)
    offset_dims = sorted(_pick(rng, range(out_rank), len(offset_sizes)))
    dn = GatherDimensionNumbers(tuple(offset_dims), tuple(collapsed), tuple(index_map),
                                tuple(op_batch), tuple(idx_batch if not unique else ()))
    bs, os_ = iter(batch_shape), iter(offset_sizes)
    out_shape = tuple(next(os_) if i in offset_dims else next(bs) for i in range(out_rank))
    return GatherCase(shape, indices, dn, tuple(sizes), mode, out_shape)


def _starts(operand_shape, idx_vec, batch_pos, index_map, op_batch, idx_batch):
    start = [0] * len(operand_shape)
    for k, d in enumerate(index_map):
        start[d] = int(idx_vec[k])
    for o, i in zip(op_batch, idx_batch):
        start[o] = batch_pos[i]
    return start


def _resolve(start, shape, sizes, index_map, mode):
    """The clamped start, or None when the slice is dropped/filled."""
    oob = any(not 0 <= start[d] <= shape[d] - sizes[d] for d in index_map)
    if oob and mode == GatherScatterMode.FILL_OR_DROP:
        return None
    return [min(max(s, 0), d - z) for s, d, z in zip(start, shape, sizes)], oob


def gather_oracle(operand, indices, dn, slice_sizes, mode, fill_value=None):
    operand = np.asarray(operand)
    batch_shape = indices.shape[:-1]
    dropped = set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)
    offset_shape = [s for d, s in enumerate(slice_sizes) if d not in dropped]
    out_rank = len(offset_shape) + len(batch_shape)
    out_shape = []
    bs, os_ = iter(batch_shape), iter(offset_shape)
    for i in range(out_rank):
        out_shape.append(next(os_) if i in dn.offset_dims else next(bs))
    out = np.zeros(out_shape, operand.dtype)
    batch_out = [i for i in range(out_rank) if i not in dn.offset_dims]
    fill = default_fill_value(operand.dtype) if fill_value is None else fill_value
    for out_idx in np.ndindex(*out_shape):
        g = [out_idx[i] for i in batch_out]
        offs = [out_idx[i] for i in dn.offset_dims]
        start = _starts(operand.shape, indices[tuple(g)], g, dn.start_index_map,
                        dn.operand_batching_dims, dn.start_indices_batching_dims)
        res = _resolve(start, operand.shape, slice_sizes, dn.start_index_map, mode)
        if res is None:
            out[out_idx] = np.asarray(fill).astype(operand.dtype)
            continue
        start = res[0]
        full, k = [], 0
        for d in range(operand.ndim):
            if d in dropped:
                full.append(start[d])
            else:
                full.append(start[d] + offs[k])
                k += 1
        out[out_idx] = operand[tuple(full)]
    return out


def random_scatter(rng, unique: bool = False, modes=("clip", "fill")):
    """``(operand_shape, indices, updates_shape, dimension_numbers, mode)``."""
    c = random_gather(rng, unique=unique, modes=modes)
    return (c.operand_shape, c.indices, c.out_shape,
            gather_to_scatter_dnums(c.dimension_numbers), c.mode)


def scatter_oracle(operand, indices, updates, dn, mode, combine):
    out = np.array(operand, copy=True)
    sizes = scatter_window_sizes(operand.shape, updates.shape, dn)
    scatter_pos = [i for i in range(updates.ndim) if i not in dn.update_window_dims]
    skip = set(dn.inserted_window_dims) | set(dn.operand_batching_dims)
    for u_idx in np.ndindex(*updates.shape):
        g = [u_idx[i] for i in scatter_pos]
        w = [u_idx[i] for i in dn.update_window_dims]
        start = _starts(operand.shape, indices[tuple(g)], g, dn.scatter_dims_to_operand_dims,
                        dn.operand_batching_dims, dn.scatter_indices_batching_dims)
        res = _resolve(start, operand.shape, sizes, dn.scatter_dims_to_operand_dims, mode)
        if res is None:
            continue
        start, oob = res
        if oob and mode == GatherScatterMode.PROMISE_IN_BOUNDS:
            continue
        full, k = [], 0
        for d in range(operand.ndim):
            if d in skip:
                full.append(start[d])
            else:
                full.append(start[d] + w[k])
                k += 1
        out[tuple(full)] = combine(out[tuple(full)], updates[u_idx])
    return out
