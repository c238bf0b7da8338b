"""Structural primitives: shape changes, slicing, padding, concatenation and iota.

Every primitive here moves or copies elements without arithmetic, so each accepts
every dtype and (except ``iota``) returns its first operand's dtype.  A primitive is
built by ``_structural`` from a shape rule and a NumPy implementation; the weak type
of the result is the operands' (all weak -> weak) unless a rule says otherwise.

The lax functions follow ``jax.lax``: they check Python-level arguments (sizes,
axes, indices) before binding, so errors name the function and the bad values.
This module must not import ``.elementwise`` at the top (elementwise imports
``broadcast_in_dim`` from here); the few functions that need elementwise
primitives import them where they are used.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import dtypes
from ..core import Primitive, ShapedArray, Tracer, get_aval, is_array_like
from ..errors import JAXTypeError

_pyslice = builtins.slice

__all__ = [
    "broadcast", "broadcast_in_dim", "broadcast_to_rank", "broadcasted_iota", "collapse",
    "concatenate", "dynamic_index_in_dim", "dynamic_slice", "dynamic_slice_in_dim",
    "dynamic_update_index_in_dim", "dynamic_update_slice", "dynamic_update_slice_in_dim",
    "expand_dims", "index_in_dim", "iota", "pad", "reshape", "rev", "slice",
    "slice_in_dim", "squeeze", "transpose",
]


# ------------------------------------------------------------------ shared helpers
# (reductions.py imports these too)

_PY_SCALARS = (bool, int, float, complex)


def check_array(name: str, x, pos: int = 0):
    """``x`` unchanged if plax accepts it as an array argument, else a TypeError."""
    if isinstance(x, (list, tuple)) or not is_array_like(x):
        raise TypeError(f"lax.{name}: argument {pos} has type {type(x).__name__}, which "
                        f"is not a valid plax array type")
    return x


def canonical_shape(name: str, shape, what: str = "shape") -> tuple[int, ...]:
    """A tuple of non-negative Python ints, or a clear error naming ``name``."""
    if isinstance(shape, (int, np.integer)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"{name}: {what} must be a sequence of non-negative integers, "
                        f"got {shape!r}")
    out = []
    for d in shape:
        try:
            out.append(operator.index(d))
        except JAXTypeError:  # a traced value: keep JAX's class
            raise
        except TypeError:
            raise TypeError(f"{name}: {what} must be a sequence of non-negative integers, "
                            f"got {tuple(shape)!r} (element {d!r} of type "
                            f"{type(d).__name__} is not an integer)") from None
    if any(d < 0 for d in out):
        raise ValueError(f"{name}: {what} must be non-negative, got {tuple(out)}")
    return tuple(out)


def canonical_ints(name: str, values, what: str) -> tuple[int, ...]:
    """A tuple of Python ints (axes, indices, permutations); negatives allowed here."""
    if isinstance(values, (int, np.integer)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name}: {what} must be a sequence of integers, got {values!r}")
    out = []
    for v in values:
        try:
            out.append(operator.index(v))
        except JAXTypeError:  # a traced value: keep JAX's class
            raise
        except TypeError:
            raise TypeError(f"{name}: {what} must be a sequence of integers, got "
                            f"{tuple(values)!r}") from None
    return tuple(out)


def canonical_axis(name: str, axis, ndim: int, what: str = "axis") -> int:
    """``axis`` in ``[0, ndim)``, accepting negative values as NumPy does."""
    try:
        a = operator.index(axis)
    except JAXTypeError:  # a traced value: keep JAX's class
        raise
    except TypeError:
        raise TypeError(f"{name}: {what} must be an integer, got {axis!r}") from None
    if not -ndim <= a < ndim:
        raise ValueError(f"{name}: {what} {a} is out of bounds for an array of rank {ndim}")
    return a % ndim if ndim else a


_WEAK_PY = (int, float, complex)   # Python bool is strongly typed, as in JAX


def weak_scalar(name: str, x, dtype: np.dtype):
    """A Python int/float/complex as a weakly typed 0-d value of ``dtype``.

    A TypeError when the scalar would need promotion (a float for an integer dtype),
    an OverflowError when an int does not fit.  The conversion is folded (no equation).
    """
    from .elementwise import _convert_weak_scalar
    return _convert_weak_scalar(x, dtype, name)


def scalars_like(name: str, args: Sequence[Any]) -> list:
    """Python scalars among ``args`` take the dtype of the first non-scalar argument."""
    ref = next((a for a in args if type(a) not in _WEAK_PY), None)
    if ref is None:
        return list(args)
    dtype = get_aval(ref).dtype
    return [weak_scalar(name, a, dtype) if type(a) in _WEAK_PY else a for a in args]


def all_weak(*avals) -> bool:
    return all(a.weak_type for a in avals)


def _first_dtype(*avals, **params):
    return avals[0].dtype


def _structural(name: str, shape_rule: Callable, impl: Callable,
                dtype_rule: Callable = _first_dtype,
                weak_rule: Callable = lambda *avals, **params: all_weak(*avals)) -> Primitive:
    """A primitive whose abstract eval composes a shape, a dtype and a weak-type rule."""
    prim = Primitive(name)

    def abstract_eval(*avals, **params):
        return ShapedArray(shape_rule(*avals, **params), dtype_rule(*avals, **params),
                           weak_rule(*avals, **params))

    prim.def_abstract_eval(abstract_eval)
    prim.def_impl(impl)
    return prim


def _fresh(x: np.ndarray) -> np.ndarray:
    """A result that shares no memory with the (possibly user-owned) inputs."""
    return np.array(x, copy=True)


def _check_unique_in_range(name: str, dims, ndim: int, what: str = "dimensions",
                           error: type = ValueError):
    """``error`` is JAX's class for ``name`` (ValueError, but TypeError for ``rev``)."""
    if len(set(dims)) != len(dims):
        raise error(f"{name}: {what} must be unique, got {tuple(dims)}")
    if any(not 0 <= d < ndim for d in dims):
        raise error(f"{name}: {what} {tuple(dims)} out of range for an array of "
                    f"rank {ndim}")


# ------------------------------------------------------------- broadcast_in_dim

def _broadcast_in_dim_shape(operand, *, shape, broadcast_dimensions, sharding):
    bd = broadcast_dimensions
    if len(bd) != operand.ndim:
        raise TypeError(f"broadcast_in_dim broadcast_dimensions must have length equal to "
                        f"operand ndim; got broadcast_dimensions {bd} for operand ndim "
                        f"{operand.ndim}.")
    if len(shape) < operand.ndim:
        raise TypeError(f"broadcast_in_dim target broadcast shape must have equal or higher "
                        f"rank to the operand shape; got operand ndim {operand.ndim} and "
                        f"target broadcast ndim {len(shape)}.")
    if any(not 0 <= d < len(shape) for d in bd):
        raise TypeError(f"broadcast_in_dim broadcast_dimensions must be a subset of output "
                        f"dimensions, got {bd} for operand ndim {operand.ndim} and shape "
                        f"{shape}.")
    if any(a >= b for a, b in zip(bd, bd[1:])):
        raise TypeError(f"broadcast_in_dim broadcast_dimensions must be strictly increasing; "
                        f"got broadcast_dimensions {bd}")
    if any(d != 1 and d != shape[b] for d, b in zip(operand.shape, bd)):
        raise TypeError(f"broadcast_in_dim operand dimension sizes must either be 1, or be "
                        f"equal to their corresponding dimensions in the target broadcast "
                        f"shape; got operand of shape {operand.shape}, target broadcast "
                        f"shape {shape}, broadcast_dimensions {bd}")
    return shape


def _broadcast_in_dim_impl(x, *, shape, broadcast_dimensions, sharding):
    expanded = [1] * len(shape)
    for d, b in zip(x.shape, broadcast_dimensions):
        expanded[b] = d
    return _fresh(np.broadcast_to(x.reshape(expanded), shape))


broadcast_in_dim_p = _structural("broadcast_in_dim", _broadcast_in_dim_shape,
                                 _broadcast_in_dim_impl)


def broadcast_in_dim(operand, shape, broadcast_dimensions, out_sharding=None):
    """Broadcast ``operand`` to ``shape``; operand dim i becomes dim broadcast_dimensions[i]."""
    check_array("broadcast_in_dim", operand)
    shape = canonical_shape("broadcast_in_dim", shape)
    dims = canonical_ints("broadcast_in_dim", broadcast_dimensions, "broadcast_dimensions")
    return broadcast_in_dim_p.bind(operand, shape=shape, broadcast_dimensions=dims,
                                   sharding=out_sharding)


def broadcast(operand, sizes, out_sharding=None):
    """Add leading dimensions of sizes ``sizes`` to ``operand``."""
    check_array("broadcast", operand)
    sizes = canonical_shape("broadcast", sizes, "sizes")
    ndim = get_aval(operand).ndim
    return broadcast_in_dim(operand, sizes + get_aval(operand).shape,
                            tuple(range(len(sizes), len(sizes) + ndim)), out_sharding)


def broadcast_to_rank(x, rank: int):
    """Add leading dimensions of size 1 so that ``x`` has rank ``rank``."""
    check_array("broadcast_to_rank", x)
    ndim = get_aval(x).ndim
    rank = operator.index(rank)
    if rank < ndim:
        raise ValueError(f"broadcast_to_rank: rank {rank} is less than the rank {ndim} of x")
    if rank == ndim and not isinstance(x, _PY_SCALARS + (np.ndarray, np.generic)):
        return x
    return broadcast(x, (1,) * (rank - ndim))


# ---------------------------------------------------------------------- reshape

def _reshape_shape(operand, *, new_sizes, dimensions, sharding):
    if math.prod(new_sizes) != operand.size:
        raise ValueError(f"reshape total size must be unchanged, got new_sizes {new_sizes} "
                         f"(of total size {math.prod(new_sizes)}) for shape {operand.shape} "
                         f"(of total size {operand.size}).")  # JAX's class: ValueError
    if dimensions is not None and sorted(dimensions) != list(range(operand.ndim)):
        raise TypeError(f"reshape dimensions must be a permutation of operand dimensions, "
                        f"got dimensions {dimensions} for shape {operand.shape}.")
    return new_sizes


def _reshape_impl(x, *, new_sizes, dimensions, sharding):
    if dimensions is not None:
        x = np.transpose(x, dimensions)
    return _fresh(np.reshape(x, new_sizes))


reshape_p = _structural("reshape", _reshape_shape, _reshape_impl)


def reshape(operand, new_sizes, dimensions=None, out_sharding=None):
    """Reshape ``operand`` (after transposing it by ``dimensions``, if given)."""
    check_array("reshape", operand)
    new_sizes = canonical_shape("reshape", new_sizes, "new_sizes")
    if dimensions is not None:
        dimensions = canonical_ints("reshape", dimensions, "dimensions")
        if dimensions == tuple(range(len(dimensions))):
            dimensions = None
    return reshape_p.bind(operand, new_sizes=new_sizes, dimensions=dimensions,
                          sharding=out_sharding)


def collapse(operand, start_dimension: int, stop_dimension: int | None = None):
    """Merge dimensions ``[start_dimension, stop_dimension)`` into one."""
    check_array("collapse", operand)
    shape = get_aval(operand).shape
    lo, hi = start_dimension, stop_dimension
    size = math.prod(shape[lo:hi])
    return reshape(operand, shape[:lo] + (size,) + (shape[hi:] if hi is not None else ()))


# ------------------------------------------------------------ squeeze, expand_dims

def _squeeze_shape(operand, *, dimensions):
    _check_unique_in_range("squeeze", dimensions, operand.ndim)
    if any(operand.shape[d] != 1 for d in dimensions):
        raise ValueError(f"squeeze: cannot select an axis to squeeze out which has size not "
                         f"equal to one, got shape={operand.shape} and "
                         f"dimensions={dimensions}")
    return tuple(d for i, d in enumerate(operand.shape) if i not in dimensions)


def _squeeze_impl(x, *, dimensions):
    return _fresh(np.reshape(x, _squeeze_shape(x, dimensions=dimensions)))


squeeze_p = _structural("squeeze", _squeeze_shape, _squeeze_impl)


def squeeze(array, dimensions):
    """Remove the size-1 ``dimensions`` (negative values count from the end)."""
    check_array("squeeze", array)
    ndim = get_aval(array).ndim
    dims = canonical_ints("squeeze", dimensions, "dimensions")
    dims = tuple(sorted(canonical_axis("squeeze", d, ndim, "dimension") for d in dims))
    return squeeze_p.bind(array, dimensions=dims)


def _expand_dims_shape(operand, *, dimensions):
    out_ndim = operand.ndim + len(dimensions)
    _check_unique_in_range("expand_dims", dimensions, out_ndim)
    rest = iter(operand.shape)
    return tuple(1 if i in dimensions else next(rest) for i in range(out_ndim))


def _expand_dims_impl(x, *, dimensions):
    return _fresh(np.reshape(x, _expand_dims_shape(x, dimensions=dimensions)))


expand_dims_p = _structural("expand_dims", _expand_dims_shape, _expand_dims_impl)


def expand_dims(array, dimensions):
    """Insert size-1 dimensions at positions ``dimensions`` of the result."""
    check_array("expand_dims", array)
    dims = canonical_ints("expand_dims", dimensions, "dimensions")
    out_ndim = get_aval(array).ndim + len(dims)
    dims = [canonical_axis("expand_dims", d, out_ndim, "dimension") for d in dims]
    if len(set(dims)) != len(dims):
        raise ValueError(f"expand_dims: repeated axis in dimensions {tuple(dims)}")
    return expand_dims_p.bind(array, dimensions=tuple(sorted(dims)))


# --------------------------------------------------------------- transpose, rev

def _transpose_shape(operand, *, permutation):
    if sorted(permutation) != list(range(operand.ndim)):
        raise TypeError(f"transpose permutation isn't a permutation of operand dimensions, "
                        f"got permutation {permutation} for operand shape {operand.shape}.")
    return tuple(operand.shape[p] for p in permutation)


transpose_p = _structural("transpose", _transpose_shape,
                          lambda x, *, permutation: _fresh(np.transpose(x, permutation)))


def transpose(operand, permutation):
    """Permute the dimensions of ``operand``: result dim i is operand dim permutation[i]."""
    check_array("transpose", operand)
    perm = canonical_ints("transpose", permutation, "permutation")
    return transpose_p.bind(operand, permutation=perm)


def _rev_shape(operand, *, dimensions):
    _check_unique_in_range("rev", dimensions, operand.ndim, error=TypeError)
    return operand.shape


rev_p = _structural("rev", _rev_shape,
                    lambda x, *, dimensions: _fresh(np.flip(x, dimensions) if dimensions
                                                    else x))


def rev(operand, dimensions):
    """Reverse ``operand`` along ``dimensions``."""
    check_array("rev", operand)
    return rev_p.bind(operand, dimensions=canonical_ints("rev", dimensions, "dimensions"))


# ------------------------------------------------------------------------- slice

def _slice_shape(operand, *, start_indices, limit_indices, strides):
    n = operand.ndim
    if len(start_indices) != n or len(limit_indices) != n:
        raise TypeError(f"slice start_indices and limit_indices must have length equal to "
                        f"the number of dimensions of the operand, got start_indices "
                        f"{start_indices} and limit_indices {limit_indices} for operand "
                        f"shape {operand.shape}.")
    strides = (1,) * n if strides is None else strides
    if len(strides) != n:
        raise TypeError(f"slice strides must have length equal to the number of dimensions "
                        f"of the operand, got strides {strides} for operand shape "
                        f"{operand.shape}.")
    if any(s < 0 for s in start_indices):
        raise TypeError(f"slice start_indices must be greater than or equal to zero, got "
                        f"start_indices of {start_indices}.")
    if any(lim > d for lim, d in zip(limit_indices, operand.shape)):
        raise TypeError(f"slice limit_indices must be less than or equal to operand shape, "
                        f"got limit_indices {limit_indices} for operand shape "
                        f"{operand.shape}.")
    if any(lim < s for s, lim in zip(start_indices, limit_indices)):
        raise TypeError(f"slice limit_indices must be greater than or equal to "
                        f"start_indices, got start_indices {start_indices} and "
                        f"limit_indices {limit_indices}.")
    if any(s <= 0 for s in strides):
        raise TypeError(f"slice strides must be positive, got {strides}")
    return tuple((lim - s + st - 1) // st
                 for s, lim, st in zip(start_indices, limit_indices, strides))


def _slice_impl(x, *, start_indices, limit_indices, strides):
    strides = (1,) * x.ndim if strides is None else strides
    return _fresh(x[tuple(_pyslice(s, lim, st)
                          for s, lim, st in zip(start_indices, limit_indices, strides))])


slice_p = _structural("slice", _slice_shape, _slice_impl)


def slice(operand, start_indices, limit_indices, strides=None):  # noqa: A001
    """``operand[start:limit:stride, ...]`` with static, in-bounds indices."""
    check_array("slice", operand)
    start = canonical_ints("slice", start_indices, "start_indices")
    limit = canonical_ints("slice", limit_indices, "limit_indices")
    strides = None if strides is None else canonical_ints("slice", strides, "strides")
    return slice_p.bind(operand, start_indices=start, limit_indices=limit, strides=strides)


def slice_in_dim(operand, start_index, limit_index, stride: int = 1, axis: int = 0):
    """``slice`` along one axis; None and negative bounds are read as in Python."""
    check_array("slice_in_dim", operand)
    shape = get_aval(operand).shape
    axis = canonical_axis("slice_in_dim", axis, len(shape))
    size = shape[axis]
    start = 0 if start_index is None else operator.index(start_index)
    limit = size if limit_index is None else operator.index(limit_index)
    start = start + size if start < 0 else start
    limit = limit + size if limit < 0 else limit
    starts, limits, strides = [0] * len(shape), list(shape), [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, operator.index(stride)
    return slice(operand, starts, limits, strides)


def index_in_dim(operand, index, axis: int = 0, keepdims: bool = True):
    """``operand[..., index, ...]`` along ``axis`` (a static index; negative wraps)."""
    check_array("index_in_dim", operand)
    shape = get_aval(operand).shape
    axis = canonical_axis("index_in_dim", axis, len(shape))
    index, size = operator.index(index), shape[axis]
    wrapped = index + size if index < 0 else index
    if not 0 <= wrapped < size:
        raise IndexError(f"index_in_dim: index {index} is out of bounds for axis {axis} "
                         f"with size {size}")
    result = slice_in_dim(operand, wrapped, wrapped + 1, 1, axis)
    return result if keepdims else squeeze(result, (axis,))


# ----------------------------------------------------------------- dynamic slices

def _check_indices(name: str, operand, indices):
    if len(indices) != operand.ndim:
        raise TypeError(f"{name}: the operand of shape {operand.shape} needs {operand.ndim} "
                        f"start indices, got {len(indices)}")
    for i, idx in enumerate(indices):
        if idx.ndim != 0 or not dtypes.is_int(idx.dtype):
            raise TypeError(f"{name}: start index {i} must be a scalar integer, got "
                            f"{idx.str_short()}")
    if len({idx.dtype for idx in indices}) > 1:
        raise TypeError(f"{name}: index arguments must be integers of the same type, got "
                        f"{', '.join(idx.dtype.name for idx in indices)}")


def _dynamic_slice_shape(operand, *indices, slice_sizes):
    _check_indices("dynamic_slice", operand, indices)
    if len(slice_sizes) != operand.ndim:
        raise TypeError(f"dynamic_slice slice_sizes must have the same length as the shape "
                        f"of the operand, got slice_sizes {slice_sizes} for operand shape "
                        f"{operand.shape}")
    if any(s < 0 for s in slice_sizes):
        raise TypeError(f"dynamic_slice slice_sizes must be greater than or equal to zero, "
                        f"got slice_sizes {slice_sizes}")
    if any(s > d for s, d in zip(slice_sizes, operand.shape)):
        raise TypeError(f"dynamic_slice slice_sizes must be less than or equal to operand "
                        f"shape, got slice_sizes {slice_sizes} for operand shape "
                        f"{operand.shape}")
    return slice_sizes


def _clamped_slices(shape, indices, sizes):
    """XLA's rule: each start is clamped into ``[0, dim - size]``."""
    out = []
    for d, i, s in zip(shape, indices, sizes):
        start = min(max(int(i), 0), d - s)
        out.append(_pyslice(start, start + s))
    return tuple(out)


def _dynamic_slice_impl(x, *indices, slice_sizes):
    return _fresh(x[_clamped_slices(x.shape, indices, slice_sizes)])


dynamic_slice_p = _structural("dynamic_slice", _dynamic_slice_shape, _dynamic_slice_impl,
                              weak_rule=lambda operand, *idx, **p: operand.weak_type)


def _dynamic_update_slice_shape(operand, update, *indices):
    _check_indices("dynamic_update_slice", operand, indices)
    if update.ndim != operand.ndim:
        raise TypeError(f"dynamic_update_slice update must have the same rank as operand, "
                        f"got update shape {update.shape} for operand shape {operand.shape}.")
    if any(u > d for u, d in zip(update.shape, operand.shape)):
        raise TypeError(f"dynamic_update_slice update shape must be smaller than operand "
                        f"shape, got update shape {update.shape} for operand shape "
                        f"{operand.shape}.")
    if update.dtype != operand.dtype:
        raise TypeError(f"dynamic_update_slice requires arguments to have the same dtypes, "
                        f"got {operand.dtype.name} (operand) and {update.dtype.name} (update)")
    return operand.shape


def _dynamic_update_slice_impl(x, update, *indices):
    out = np.array(x, copy=True)
    out[_clamped_slices(x.shape, indices, update.shape)] = update
    return out


dynamic_update_slice_p = _structural(
    "dynamic_update_slice", _dynamic_update_slice_shape, _dynamic_update_slice_impl,
    weak_rule=lambda operand, update, *idx: operand.weak_type and update.weak_type)


_INT32 = np.dtype(np.int32)


def _start_index(name: str, i, size: int, allow_negative: bool):
    """One start index as an int32 scalar; negative ones wrap when allowed (as JAX)."""
    if isinstance(i, (bool, np.bool_)) or not (isinstance(i, (int, np.integer))
                                                or is_array_like(i)):
        raise TypeError(f"{name}: start indices must be integers or integer scalar arrays, "
                        f"got {i!r} of type {type(i).__name__}")
    aval = get_aval(i)
    if aval.ndim != 0 or not dtypes.is_int(aval.dtype):
        raise TypeError(f"{name}: start indices must be scalar integers, got "
                        f"{aval.str_short()}")
    if not isinstance(i, Tracer):
        value = int(np.asarray(i))
        if allow_negative and value < 0:
            value += size
        info = np.iinfo(np.int32)
        return np.asarray(min(max(value, info.min), info.max), np.int32)
    from .elementwise import add_p, convert_element_type_p, lt_p, select_n_p
    if aval.dtype != _INT32:
        i = convert_element_type_p.bind(i, new_dtype=_INT32, weak_type=False,
                                         sharding=None)
    if allow_negative and dtypes.is_signed(aval.dtype):
        zero, dim = np.asarray(0, np.int32), np.asarray(size, np.int32)
        i = select_n_p.bind(lt_p.bind(i, zero), i, add_p.bind(i, dim))
    return i


def _start_indices(name: str, operand_shape, start_indices, allow_negative_indices):
    if not isinstance(start_indices, (list, tuple)):
        if not is_array_like(start_indices):
            raise TypeError(f"{name}: start_indices must be a sequence of scalar indices, "
                            f"got {type(start_indices).__name__}")
        if get_aval(start_indices).ndim != 1:
            raise ValueError(f"{name}: start_indices must be a 1-D sequence, got shape "
                             f"{get_aval(start_indices).shape}")
        start_indices = list(start_indices)
    if len(start_indices) != len(operand_shape):
        raise ValueError(f"{name}: length of start_indices must match the number of operand "
                         f"dimensions ({len(start_indices)} vs shape {operand_shape})")
    allow = allow_negative_indices
    if isinstance(allow, (bool, np.bool_)):
        allow = [bool(allow)] * len(operand_shape)
    return [_start_index(name, i, d, a) for i, d, a in zip(start_indices, operand_shape, allow)]


def dynamic_slice(operand, start_indices, slice_sizes, *, allow_negative_indices=True):
    """The slice of sizes ``slice_sizes`` at (possibly traced) ``start_indices``.

    Starts are clamped so the slice stays inside ``operand`` (XLA's DynamicSlice);
    negative starts first count from the end when ``allow_negative_indices``.
    """
    check_array("dynamic_slice", operand)
    shape = get_aval(operand).shape
    sizes = canonical_shape("dynamic_slice", slice_sizes, "slice_sizes")
    idx = _start_indices("dynamic_slice", shape, start_indices, allow_negative_indices)
    return dynamic_slice_p.bind(operand, *idx, slice_sizes=sizes)


def dynamic_update_slice(operand, update, start_indices, *, allow_negative_indices=True):
    """``operand`` with ``update`` written at (clamped) ``start_indices``."""
    check_array("dynamic_update_slice", operand)
    check_array("dynamic_update_slice", update, 1)
    operand, update = scalars_like("dynamic_update_slice", [operand, update])
    shape = get_aval(operand).shape
    idx = _start_indices("dynamic_update_slice", shape, start_indices,
                         allow_negative_indices)
    return dynamic_update_slice_p.bind(operand, update, *idx)


def _in_dim_starts(operand, index, axis):
    ndim = get_aval(operand).ndim
    starts = [0] * ndim
    starts[axis] = index
    return starts


def dynamic_slice_in_dim(operand, start_index, slice_size: int, axis: int = 0, *,
                         allow_negative_indices=True):
    """``dynamic_slice`` along one axis."""
    check_array("dynamic_slice_in_dim", operand)
    shape = list(get_aval(operand).shape)
    axis = canonical_axis("dynamic_slice_in_dim", axis, len(shape))
    shape[axis] = slice_size
    return dynamic_slice(operand, _in_dim_starts(operand, start_index, axis), shape,
                         allow_negative_indices=allow_negative_indices)


def dynamic_index_in_dim(operand, index, axis: int = 0, keepdims: bool = True, *,
                         allow_negative_indices=True):
    """``operand[..., index, ...]`` along ``axis`` with a (possibly traced) index."""
    check_array("dynamic_index_in_dim", operand)
    axis = canonical_axis("dynamic_index_in_dim", axis, get_aval(operand).ndim)
    result = dynamic_slice_in_dim(operand, index, 1, axis,
                                  allow_negative_indices=allow_negative_indices)
    return result if keepdims else squeeze(result, (axis,))


def dynamic_update_slice_in_dim(operand, update, start_index, axis: int, *,
                                allow_negative_indices=True):
    """``dynamic_update_slice`` along one axis."""
    check_array("dynamic_update_slice_in_dim", operand)
    axis = canonical_axis("dynamic_update_slice_in_dim", axis, get_aval(operand).ndim)
    return dynamic_update_slice(operand, update, _in_dim_starts(operand, start_index, axis),
                                allow_negative_indices=allow_negative_indices)


def dynamic_update_index_in_dim(operand, update, index, axis: int, *,
                                allow_negative_indices=True):
    """Write ``update`` at ``index`` along ``axis`` (``update`` may lack that axis)."""
    check_array("dynamic_update_index_in_dim", operand)
    check_array("dynamic_update_index_in_dim", update, 1)
    ndim = get_aval(operand).ndim
    axis = canonical_axis("dynamic_update_index_in_dim", axis, ndim)
    if type(update) in _WEAK_PY:
        update = scalars_like("dynamic_update_index_in_dim", [operand, update])[1]
    if get_aval(update).ndim == ndim - 1:
        update = expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(operand, update, index, axis,
                                       allow_negative_indices=allow_negative_indices)


# --------------------------------------------------------------------------- pad

def _pad_shape(operand, padding_value, *, padding_config):
    if padding_value.ndim != 0:
        raise TypeError(f"pad: padding_value must be a scalar, got shape "
                        f"{padding_value.shape}")
    if operand.dtype != padding_value.dtype:
        raise TypeError(f"pad requires operand and padding_value to have the same dtype, "
                        f"got {operand.dtype.name} and {padding_value.dtype.name}")
    if len(padding_config) != operand.ndim:
        raise ValueError(f"pad: length of padding_config must equal the number of axes of "
                         f"operand, got padding_config {padding_config} for operand shape "
                         f"{operand.shape}")
    if any(len(c) != 3 for c in padding_config):
        raise ValueError(f"pad: each padding_config entry must be (low, high, interior), "
                         f"got {padding_config}")
    if any(i < 0 for _, _, i in padding_config):
        raise ValueError(f"pad: interior padding must be nonnegative, got padding_config "
                         f"{padding_config}")
    out = tuple(lo + hi + d + max(d - 1, 0) * i
                for d, (lo, hi, i) in zip(operand.shape, padding_config))
    if any(d < 0 for d in out):
        raise ValueError(f"pad: dimension size after padding is not at least 0, got result "
                         f"shape {out}, for padding_config {padding_config} and operand "
                         f"shape {operand.shape}")
    return out


def _pad_impl(x, padding_value, *, padding_config):
    # Pad with the non-negative parts first (interior included), then crop the negative.
    full, place, crop = [], [], []
    for d, (lo, hi, i) in zip(x.shape, padding_config):
        n = d + max(d - 1, 0) * i
        full.append(max(lo, 0) + n + max(hi, 0))
        place.append(_pyslice(max(lo, 0), max(lo, 0) + n, i + 1))
        crop.append(_pyslice(max(-lo, 0), full[-1] - max(-hi, 0)))
    out = np.full(full, padding_value, dtype=x.dtype)
    out[tuple(place)] = x
    return _fresh(out[tuple(crop)])


pad_p = _structural("pad", _pad_shape, _pad_impl)


def pad(operand, padding_value, padding_config):
    """Pad ``operand``: per axis ``(low, high, interior)``; negative low/high crop."""
    check_array("pad", operand)
    check_array("pad", padding_value, 1)
    operand, padding_value = scalars_like("pad", [operand, padding_value])
    try:
        config = tuple(tuple(operator.index(v) for v in c) for c in padding_config)
    except TypeError:
        raise TypeError(f"pad: padding_config must be a sequence of (low, high, interior) "
                        f"integer triples, got {padding_config!r}") from None
    return pad_p.bind(operand, padding_value, padding_config=config)


# ------------------------------------------------------------------ concatenate

def _concatenate_shape(*operands, dimension):
    if not operands:
        raise TypeError("concatenate expects at least one operand, got 0.")
    if len({o.dtype for o in operands}) > 1:
        raise TypeError(f"concatenate requires arguments to have the same dtypes, got "
                        f"{', '.join(o.dtype.name for o in operands)}")
    shapes = tuple(o.shape for o in operands)
    if len({len(s) for s in shapes}) != 1:
        raise TypeError(f"Cannot concatenate arrays with different numbers of dimensions: "
                        f"got {', '.join(map(str, shapes))}.")
    if not 0 <= dimension < len(shapes[0]):
        raise TypeError(f"concatenate dimension out of bounds: dimension {dimension} for "
                        f"shapes {', '.join(map(str, shapes))}.")
    others = {s[:dimension] + s[dimension + 1:] for s in shapes}
    if len(others) != 1:
        raise TypeError(f"Cannot concatenate arrays with shapes that differ in dimensions "
                        f"other than the one being concatenated: concatenating along "
                        f"dimension {dimension} for shapes {', '.join(map(str, shapes))}.")
    out = list(shapes[0])
    out[dimension] = sum(s[dimension] for s in shapes)
    return tuple(out)


concatenate_p = _structural(
    "concatenate", _concatenate_shape,
    lambda *xs, dimension: np.concatenate(xs, axis=dimension))


def concatenate(operands, dimension: int):
    """Join ``operands`` (same dtype, same shape except on ``dimension``) along it."""
    if is_array_like(operands) and not isinstance(operands, _PY_SCALARS):
        raise TypeError("lax.concatenate: operands must be a sequence of arrays, got a "
                        "single array")
    operands = list(operands)
    if not operands:
        raise ValueError("concatenate requires a non-empty sequence of arrays")
    for i, o in enumerate(operands):
        check_array("concatenate", o, i)
    operands = scalars_like("concatenate", operands)
    dimension = operator.index(dimension)
    return concatenate_p.bind(*operands, dimension=dimension)


# ------------------------------------------------------------------------- iota

def _iota_shape(*, dtype, shape, dimension, sharding):
    if not 0 <= dimension < len(shape):
        raise ValueError(f"iota dimension must be between 0 and len(shape), got "
                         f"dimension={dimension} for shape={shape}")
    return shape


def _iota_dtype(*, dtype, shape, dimension, sharding):
    if not (dtypes.is_int(dtype) or dtypes.is_inexact(dtype)):
        raise TypeError(f"iota does not accept dtype {np.dtype(dtype).name}; it needs an "
                        f"integer, floating or complex dtype")
    return dtype


def _iota_impl(*, dtype, shape, dimension, sharding):
    values = np.arange(shape[dimension], dtype=np.int64)
    expanded = [1] * len(shape)
    expanded[dimension] = shape[dimension]
    with np.errstate(all="ignore"):
        return _fresh(np.broadcast_to(values.reshape(expanded), shape).astype(dtype))


iota_p = _structural("iota", _iota_shape, _iota_impl, dtype_rule=_iota_dtype,
                     weak_rule=lambda **params: False)


def broadcasted_iota(dtype, shape, dimension: int, out_sharding=None):
    """An array of ``shape`` whose values count 0, 1, ... along ``dimension``."""
    dtype = dtypes.canonicalize_dtype(dtype)
    shape = canonical_shape("broadcasted_iota", shape)
    dimension = operator.index(dimension)
    return iota_p.bind(dtype=dtype, shape=shape, dimension=dimension, sharding=out_sharding)


def iota(dtype, size: int):
    """``[0, 1, ..., size - 1]`` as a 1-D array of ``dtype``."""
    dtype = dtypes.canonicalize_dtype(dtype)
    try:
        size = operator.index(size)
    except JAXTypeError:  # a traced value: keep JAX's class
        raise
    except TypeError:
        raise TypeError(f"iota: size must be a non-negative integer, got {size!r}") from None
    if size < 0:
        raise ValueError(f"iota: size must be a non-negative integer, got {size}")
    return iota_p.bind(dtype=dtype, shape=(size,), dimension=0, sharding=None)
