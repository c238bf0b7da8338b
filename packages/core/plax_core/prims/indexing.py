"""Indexing primitives: XLA's ``gather`` and the ``scatter`` family.

``gather`` reads one slice of ``operand`` per index vector; ``scatter`` (replace),
``scatter-add``, ``scatter-mul``, ``scatter-min`` and ``scatter-max`` combine one
window of ``updates`` per index vector into ``operand``.  Dimension numbers and index
modes follow ``jax.lax`` (``GatherDimensionNumbers``, ``ScatterDimensionNumbers``,
``GatherScatterMode``); the index vector is always the last dimension of the indices,
as in JAX.

Modes (``mode``):

- ``clip``: each start index is clamped so that its whole slice/window is in bounds;
- ``fill`` (``FILL_OR_DROP``, the default of the lax functions): a gather whose slice
  would leave the operand returns ``fill_value`` for the whole slice (NaN for inexact
  dtypes, the minimum of signed and the maximum of unsigned integers, True for bool);
  a scatter drops an out-of-bounds window;
- ``promise_in_bounds``: the caller promises in-bounds indices; the reference
  implementation then behaves as XLA does natively (gather clamps, scatter drops).

The NumPy implementations build one fancy index per operand dimension (the start
broadcast against an ``arange`` over the slice) and use ``np.<ufunc>.at`` for the
combining scatters, so repeated indices accumulate.  With repeated indices, plain
``scatter`` keeps the last update (XLA leaves the choice to the implementation).
"""

from __future__ import annotations

import enum
import operator
from typing import NamedTuple

import numpy as np

from .. import dtypes
from ..core import Primitive, ShapedArray
from .structural import canonical_ints, check_array, scalars_like

__all__ = [
    "GatherDimensionNumbers", "GatherScatterMode", "ScatterDimensionNumbers", "gather",
    "scatter", "scatter_add", "scatter_max", "scatter_min", "scatter_mul",
]


class GatherDimensionNumbers(NamedTuple):
    """How a gather maps index vectors to operand slices (``jax.lax``'s fields)."""
    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How a scatter maps update windows into the operand (``jax.lax``'s fields)."""
    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


class GatherScatterMode(enum.Enum):
    """Out-of-bounds index behaviour: ``CLIP``, ``FILL_OR_DROP``, ``PROMISE_IN_BOUNDS``."""
    CLIP = enum.auto()
    FILL_OR_DROP = enum.auto()
    PROMISE_IN_BOUNDS = enum.auto()

    @staticmethod
    def from_any(s) -> GatherScatterMode:
        """The mode for ``s``: a ``GatherScatterMode``, ``'clip'``, ``'fill'``/``'drop'``
        /None (FILL_OR_DROP) or ``'promise_in_bounds'``; anything else is a
        ``ValueError``."""
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s in ("fill", "drop"):
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        raise ValueError(f"Unknown gather mode {s!r}: expected 'clip', 'fill', 'drop', "
                         f"'promise_in_bounds' or a GatherScatterMode")


def _tuple_dnums(cls, dnums, name):
    if not isinstance(dnums, cls):
        raise TypeError(f"{name}: dimension_numbers must be a {cls.__name__}, got "
                        f"{type(dnums).__name__}")
    return cls(*(canonical_ints(name, v, f) for v, f in zip(dnums, cls._fields)))


def default_fill_value(dtype):
    """JAX's fill for out-of-bounds gathers: NaN, the integer extreme, or True."""
    dtype = np.dtype(dtype)
    if dtypes.is_inexact(dtype):
        return np.nan
    if dtype == np.bool_:
        return True
    info = np.iinfo(dtype)
    return info.min if dtype.kind == "i" else info.max


# ------------------------------------------------------------------ shared checks

def _check_dims(name, dims, ndim, what):
    if len(set(dims)) != len(dims):
        raise TypeError(f"{name}: {what} must not repeat, got {dims}")
    if any(not 0 <= d < ndim for d in dims):
        raise TypeError(f"{name}: {what} {dims} out of range for rank {ndim}")


def _check_indices(name, indices, n_index):
    if not dtypes.is_int(indices.dtype):
        raise TypeError(f"{name}: indices must have an integer dtype, got "
                        f"{indices.dtype.name}")
    if indices.ndim == 0 or indices.shape[-1] != n_index:
        raise TypeError(f"{name}: the last dimension of indices (shape {indices.shape}) "
                        f"must have size {n_index}, the length of the start index map")


def _check_batching(name, operand, indices, op_dims, idx_dims):
    if len(op_dims) != len(idx_dims):
        raise TypeError(f"{name}: operand_batching_dims {op_dims} and the indices' "
                        f"batching dims {idx_dims} must have the same length")
    _check_dims(name, idx_dims, indices.ndim - 1, "indices batching dims")
    for o, i in zip(op_dims, idx_dims):
        if operand.shape[o] != indices.shape[i]:
            raise TypeError(f"{name}: operand batching dim {o} (size {operand.shape[o]}) "
                            f"and indices batching dim {i} (size {indices.shape[i]}) "
                            f"must have the same size")


# ------------------------------------------------------------------ gather

def _gather_shape(operand, indices, *, dimension_numbers, slice_sizes, **_):
    dn = dimension_numbers
    _check_indices("gather", indices, len(dn.start_index_map))
    if len(slice_sizes) != operand.ndim:
        raise TypeError(f"gather: slice_sizes {slice_sizes} must have one entry per "
                        f"operand dimension (operand shape {operand.shape})")
    if any(not 0 <= s <= d for s, d in zip(slice_sizes, operand.shape)):
        raise TypeError(f"gather: slice_sizes {slice_sizes} must be between 0 and the "
                        f"operand shape {operand.shape}")
    _check_dims("gather", dn.start_index_map, operand.ndim, "start_index_map")
    _check_dims("gather", dn.collapsed_slice_dims + dn.operand_batching_dims, operand.ndim,
                "collapsed_slice_dims and operand_batching_dims")
    if any(slice_sizes[d] > 1 for d in dn.collapsed_slice_dims + dn.operand_batching_dims):
        raise TypeError(f"gather: collapsed and batching dims must have slice size at most "
                        f"1, got slice_sizes {slice_sizes} for {dn}")
    _check_batching("gather", operand, indices, dn.operand_batching_dims,
                    dn.start_indices_batching_dims)
    offset = [s for d, s in enumerate(slice_sizes)
              if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    out_rank = len(offset) + indices.ndim - 1
    if len(dn.offset_dims) != len(offset) or list(dn.offset_dims) != sorted(dn.offset_dims):
        raise TypeError(f"gather: offset_dims {dn.offset_dims} must be sorted and have "
                        f"{len(offset)} entries (one per uncollapsed operand dimension)")
    _check_dims("gather", dn.offset_dims, out_rank, "offset_dims")
    batch = iter(indices.shape[:-1])
    offs = iter(offset)
    return tuple(next(offs) if i in dn.offset_dims else next(batch) for i in range(out_rank))


def _full_starts(operand_shape, indices, index_map, op_batch, idx_batch):
    """Per index vector, the start in every operand dimension (batch shape + (rank,))."""
    batch_shape = indices.shape[:-1]
    starts = np.zeros(batch_shape + (len(operand_shape),), np.int64)
    idx = indices.astype(np.int64)
    for k, d in enumerate(index_map):
        starts[..., d] = idx[..., k]
    for o, i in zip(op_batch, idx_batch):
        pos = np.arange(batch_shape[i]).reshape([-1 if j == i else 1
                                                 for j in range(len(batch_shape))])
        starts[..., o] = np.broadcast_to(pos, batch_shape)
    return starts


def _window_index(starts, sizes):
    """One fancy index per operand dim, of shape batch shape + sizes."""
    nb, n = starts.ndim - 1, len(sizes)
    out = []
    for d, s in enumerate(sizes):
        start = starts[..., d].reshape(starts.shape[:-1] + (1,) * n)
        ar = np.arange(s).reshape([s if j == d else 1 for j in range(n)])
        out.append(start + ar.reshape((1,) * nb + ar.shape))
    return tuple(out)


def _in_bounds(starts, shape, sizes, dims):
    ok = np.ones(starts.shape[:-1], bool)
    for d in dims:
        ok &= (starts[..., d] >= 0) & (starts[..., d] <= shape[d] - sizes[d])
    return ok


def _clamp(starts, shape, sizes):
    return np.clip(starts, 0, np.maximum(np.asarray(shape) - np.asarray(sizes), 0))


def _gather_impl(operand, indices, *, dimension_numbers, slice_sizes, indices_are_sorted,
                 unique_indices, mode, fill_value):
    dn = dimension_numbers
    out_shape = _gather_shape(operand, indices, dimension_numbers=dn,
                              slice_sizes=slice_sizes)
    starts = _full_starts(operand.shape, indices, dn.start_index_map,
                          dn.operand_batching_dims, dn.start_indices_batching_dims)
    ok = _in_bounds(starts, operand.shape, slice_sizes, dn.start_index_map)
    starts = _clamp(starts, operand.shape, slice_sizes)
    batch_shape = indices.shape[:-1]
    if operand.size == 0 or 0 in batch_shape:
        vals = np.zeros(batch_shape + tuple(slice_sizes), operand.dtype)
    else:
        vals = operand[_window_index(starts, slice_sizes)]
    if mode == GatherScatterMode.FILL_OR_DROP:
        fill = default_fill_value(operand.dtype) if fill_value is None else fill_value
        mask = ok.reshape(ok.shape + (1,) * len(slice_sizes))
        with np.errstate(all="ignore"):
            vals = np.where(mask, vals, np.asarray(fill).astype(operand.dtype))
    dropped = set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)
    vals = vals.reshape(batch_shape + tuple(s for d, s in enumerate(slice_sizes)
                                            if d not in dropped))
    batch_pos = [i for i in range(len(out_shape)) if i not in dn.offset_dims]
    perm = np.argsort(batch_pos + list(dn.offset_dims))
    return np.array(np.transpose(vals, perm), copy=True)


gather_p = Primitive("gather")
gather_p.def_abstract_eval(
    lambda operand, indices, **p: ShapedArray(_gather_shape(operand, indices, **p),
                                              operand.dtype, operand.weak_type))
gather_p.def_impl(_gather_impl)


def _index_array(name, x, pos):
    check_array(name, x, pos)
    if isinstance(x, (int, bool, float, complex)):
        x = np.asarray(x, np.int32)
    return x


def gather(operand, start_indices, dimension_numbers, slice_sizes, *,
           unique_indices=False, indices_are_sorted=False, mode=None, fill_value=None):
    """XLA's Gather: one slice of ``slice_sizes`` per index vector of ``start_indices``."""
    check_array("gather", operand)
    start_indices = _index_array("gather", start_indices, 1)
    dn = _tuple_dnums(GatherDimensionNumbers, dimension_numbers, "gather")
    sizes = tuple(operator.index(s) for s in slice_sizes)
    parsed = GatherScatterMode.from_any(mode)
    if fill_value is not None and not isinstance(fill_value, (bool, int, float, complex)):
        fill_value = np.asarray(fill_value).item()
    return gather_p.bind(operand, start_indices, dimension_numbers=dn, slice_sizes=sizes,
                         indices_are_sorted=bool(indices_are_sorted),
                         unique_indices=bool(unique_indices), mode=parsed,
                         fill_value=fill_value if parsed == GatherScatterMode.FILL_OR_DROP
                         else None)


# ------------------------------------------------------------------ scatter

def scatter_window_sizes(operand_shape, updates_shape, dn):
    """The size of the update window in every operand dimension."""
    window = iter(updates_shape[d] for d in dn.update_window_dims)
    skip = set(dn.inserted_window_dims) | set(dn.operand_batching_dims)
    return tuple(min(1, operand_shape[d]) if d in skip else next(window)
                 for d in range(len(operand_shape)))


def _scatter_shape(name):
    def rule(operand, indices, updates, *, dimension_numbers, **_):
        dn = dimension_numbers
        _check_indices(name, indices, len(dn.scatter_dims_to_operand_dims))
        if operand.dtype != updates.dtype:
            raise TypeError(f"{name}: operand and updates must have the same dtype, got "
                            f"{operand.dtype.name} and {updates.dtype.name}")
        _check_dims(name, dn.update_window_dims, updates.ndim, "update_window_dims")
        if list(dn.update_window_dims) != sorted(dn.update_window_dims):
            raise TypeError(f"{name}: update_window_dims {dn.update_window_dims} must be "
                            f"sorted")
        _check_dims(name, dn.inserted_window_dims + dn.operand_batching_dims, operand.ndim,
                    "inserted_window_dims and operand_batching_dims")
        _check_dims(name, dn.scatter_dims_to_operand_dims, operand.ndim,
                    "scatter_dims_to_operand_dims")
        n_window = operand.ndim - len(dn.inserted_window_dims) - len(dn.operand_batching_dims)
        if len(dn.update_window_dims) != n_window:
            raise TypeError(f"{name}: updates of shape {updates.shape} need {n_window} "
                            f"update_window_dims for an operand of shape {operand.shape}, "
                            f"got {dn.update_window_dims}")
        _check_batching(name, operand, indices, dn.operand_batching_dims,
                        dn.scatter_indices_batching_dims)
        scatter_shape = tuple(s for i, s in enumerate(updates.shape)
                              if i not in dn.update_window_dims)
        if scatter_shape != indices.shape[:-1]:
            raise TypeError(f"{name}: the scatter dims of updates (shape {updates.shape}, "
                            f"window dims {dn.update_window_dims}) must match the indices' "
                            f"batch shape {indices.shape[:-1]}")
        sizes = scatter_window_sizes(operand.shape, updates.shape, dn)
        if any(s > d for s, d in zip(sizes, operand.shape)):
            raise TypeError(f"{name}: update window {sizes} is larger than the operand "
                            f"shape {operand.shape}")
        return operand.shape
    return rule


def _scatter_impl(combine):
    def impl(operand, indices, updates, *, dimension_numbers, indices_are_sorted,
             unique_indices, mode):
        dn = dimension_numbers
        out = np.array(operand, copy=True)
        if out.size == 0:
            return out  # nothing can land in an empty operand (every update is dropped)
        sizes = scatter_window_sizes(operand.shape, updates.shape, dn)
        starts = _full_starts(operand.shape, indices, dn.scatter_dims_to_operand_dims,
                              dn.operand_batching_dims, dn.scatter_indices_batching_dims)
        if mode == GatherScatterMode.CLIP:
            starts = _clamp(starts, operand.shape, sizes)
            ok = np.ones(starts.shape[:-1], bool)
        else:
            ok = _in_bounds(starts, operand.shape, sizes, dn.scatter_dims_to_operand_dims)
        batch_pos = [i for i in range(updates.ndim) if i not in dn.update_window_dims]
        upd = np.transpose(updates, batch_pos + list(dn.update_window_dims))
        upd = upd.reshape(starts.shape[:-1] + sizes)
        index = tuple(i[ok] for i in _window_index(starts, sizes))
        if out.size and upd.size:
            combine(out, index, upd[ok])
        return out
    return impl


def _set(out, index, upd):
    out[index] = upd


def _bool_or_ufunc(ufunc, bool_ufunc):
    def combine(out, index, upd):
        (bool_ufunc if out.dtype == np.bool_ else ufunc).at(out, index, upd)
    return combine


def _nan_ufunc(ufunc):
    def combine(out, index, upd):   # NaN propagates through scatter-min/max, as in XLA
        if out.dtype == np.bool_:
            (np.logical_and if ufunc is np.minimum else np.logical_or).at(out, index, upd)
        else:
            ufunc.at(out, index, upd)
    return combine


def _scatter_prim(name, combine):
    prim = Primitive(name)
    shape_rule = _scatter_shape(name)
    prim.def_abstract_eval(
        lambda operand, indices, updates, **p: ShapedArray(
            shape_rule(operand, indices, updates, **p), operand.dtype, operand.weak_type))
    prim.def_impl(_scatter_impl(combine))
    return prim


scatter_p = _scatter_prim("scatter", _set)
scatter_add_p = _scatter_prim("scatter-add", _bool_or_ufunc(np.add, np.logical_or))
scatter_mul_p = _scatter_prim("scatter-mul", _bool_or_ufunc(np.multiply, np.logical_and))
scatter_min_p = _scatter_prim("scatter-min", _nan_ufunc(np.minimum))
scatter_max_p = _scatter_prim("scatter-max", _nan_ufunc(np.maximum))


def _scatter_fn(prim, name):
    def fn(operand, scatter_indices, updates, dimension_numbers, *,
           indices_are_sorted=False, unique_indices=False, mode=None):
        check_array(name, operand)
        scatter_indices = _index_array(name, scatter_indices, 1)
        check_array(name, updates, 2)
        operand, updates = scalars_like(name, [operand, updates])
        dn = _tuple_dnums(ScatterDimensionNumbers, dimension_numbers, name)
        return prim.bind(operand, scatter_indices, updates, dimension_numbers=dn,
                         indices_are_sorted=bool(indices_are_sorted),
                         unique_indices=bool(unique_indices),
                         mode=GatherScatterMode.from_any(mode))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"XLA's Scatter with combiner {prim.name!r}: each window of ``updates`` "
                  f"combined into ``operand`` at ``scatter_indices``.")
    return fn


scatter = _scatter_fn(scatter_p, "scatter")
scatter_add = _scatter_fn(scatter_add_p, "scatter_add")
scatter_mul = _scatter_fn(scatter_mul_p, "scatter_mul")
scatter_min = _scatter_fn(scatter_min_p, "scatter_min")
scatter_max = _scatter_fn(scatter_max_p, "scatter_max")

SCATTERS = (scatter_p, scatter_add_p, scatter_mul_p, scatter_min_p, scatter_max_p)



# ------------------------------------------------------------------ for rule authors

def gather_to_scatter_dnums(dn: GatherDimensionNumbers) -> ScatterDimensionNumbers:
    """The scatter that writes back where ``dn`` gathers (gather's transpose)."""
    return ScatterDimensionNumbers(
        update_window_dims=dn.offset_dims, inserted_window_dims=dn.collapsed_slice_dims,
        scatter_dims_to_operand_dims=dn.start_index_map,
        operand_batching_dims=dn.operand_batching_dims,
        scatter_indices_batching_dims=dn.start_indices_batching_dims)


def scatter_to_gather_dnums(dn: ScatterDimensionNumbers) -> GatherDimensionNumbers:
    """The gather that reads the windows ``dn`` scatters into."""
    return GatherDimensionNumbers(
        offset_dims=dn.update_window_dims, collapsed_slice_dims=dn.inserted_window_dims,
        start_index_map=dn.scatter_dims_to_operand_dims,
        operand_batching_dims=dn.operand_batching_dims,
        start_indices_batching_dims=dn.scatter_indices_batching_dims)
