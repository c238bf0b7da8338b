"""Shape manipulation: reshape, transpose, stacking, broadcasting, and shape queries;
rotations, splits, insert/delete with static indices, resize, trim_zeros and block."""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, lax, ops
from plax_core.core import get_aval

__all__ = [
    "reshape", "ravel", "transpose", "permute_dims", "swapaxes", "moveaxis", "expand_dims",
    "squeeze", "concatenate", "concat", "stack", "vstack", "hstack", "dstack",
    "column_stack", "row_stack", "broadcast_to", "broadcast_arrays", "broadcast_shapes",
    "atleast_1d", "atleast_2d", "atleast_3d", "shape", "ndim", "size", "isscalar", "flip",
    "fliplr", "flipud", "split", "array_split", "tile", "repeat", "roll", "matrix_transpose",
    "rot90", "rollaxis", "hsplit", "vsplit", "dsplit", "unstack", "resize", "append",
    "delete", "insert", "trim_zeros", "block",
]


def reshape(a, newshape=None, order="C", *, shape=None):
    """``a`` with a new shape (one -1 allowed).  ``shape=`` is the NumPy 2 spelling."""
    if shape is not None:
        if newshape is not None:
            raise TypeError("reshape: give only one of newshape and shape")
        newshape = shape
    if newshape is None:
        raise TypeError("reshape: missing the new shape")
    return ops.reshape(a, newshape, order)


ravel = ops.ravel
transpose = ops.transpose
swapaxes = ops.swapaxes
moveaxis = ops.moveaxis
expand_dims = ops.expand_dims
squeeze = ops.squeeze
broadcast_arrays = ops.broadcast_arrays


def permute_dims(a, axes=None):
    """``a`` with its axes permuted by ``axes``: the array API's ``transpose``."""
    return ops.transpose(a, axes)


def matrix_transpose(x, /):
    """Swap the last two axes of ``x`` (a stack of matrices)."""
    x = ops.operand(x, "matrix_transpose")
    if get_aval(x).ndim < 2:
        raise ValueError(f"matrix_transpose: x must be at least 2-d, got shape "
                         f"{get_aval(x).shape}")
    return ops.swapaxes(x, -1, -2)


def broadcast_to(array, shape):
    """``array`` broadcast to ``shape`` (a read-only view in NumPy, a new array here)."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    return ops.broadcast_to(array, shape, "broadcast_to")


def broadcast_shapes(*shapes):
    """The shape that the given shapes broadcast to (a ValueError when they do not)."""
    return ops.broadcast_shapes(*((s,) if isinstance(s, (int, np.integer)) else s
                                  for s in shapes))


def shape(a):
    """The shape of ``a``, as a tuple."""
    return ops.shape(a)


def ndim(a):
    """The number of dimensions of ``a``."""
    return ops.ndim(a)


def size(a, axis=None):
    """The number of elements of ``a`` (along ``axis`` when given)."""
    s = ops.shape(a)
    if axis is None:
        return int(np.prod(s, dtype=np.int64))
    return s[ops.canonicalize_axis(axis, len(s), "size")]


def isscalar(element) -> bool:
    """True for Python/NumPy scalars and 0-d plax arrays (JAX's definition)."""
    if isinstance(element, (bool, int, float, complex, np.generic)):
        return True
    if core.is_array_like(element) and not isinstance(element, np.ndarray):
        return get_aval(element).ndim == 0
    return False


def _operands(fname, arrays):
    if core.is_array_like(arrays) and not isinstance(arrays, (list, tuple)):
        arrays = list(arrays)  # iterate the leading axis, as NumPy does
    arrays = [ops.operand(a, fname, i) for i, a in enumerate(arrays)]
    if not arrays:
        raise ValueError(f"{fname}: need at least one array to concatenate")
    return arrays


def concatenate(arrays, axis=0, dtype=None):
    """Join arrays along an existing axis (``axis=None`` flattens them first)."""
    arrays = _operands("concatenate", arrays)
    if axis is None:
        arrays, axis = [ops.ravel(a) for a in arrays], 0
    shapes = [get_aval(a).shape for a in arrays]
    if any(len(s) == 0 for s in shapes):
        raise ValueError("concatenate: zero-dimensional arrays cannot be concatenated")
    nd = len(shapes[0])
    for i, s in enumerate(shapes[1:], 1):
        if len(s) != nd:
            raise TypeError(f"concatenate: all the input arrays must have the same number of "
                            f"dimensions, but the array at index 0 has shape {shapes[0]} and "
                            f"the array at index {i} has shape {s}")
    axis = ops.canonicalize_axis(axis, nd, "concatenate")
    for i, s in enumerate(shapes[1:], 1):
        for d in range(nd):
            if d != axis and s[d] != shapes[0][d]:
                raise TypeError(
                    f"concatenate: all the input array dimensions except for the "
                    f"concatenation axis must match exactly, but along dimension {d}, the "
                    f"array at index 0 has shape {shapes[0]} and the array at index {i} has "
                    f"shape {s}")
    arrays = ops.promote_dtypes(*arrays) if len(arrays) > 1 else arrays
    if dtype is not None:
        arrays = [ops.astype(a, dtype) for a in arrays]
    if len(arrays) == 1:
        return ops.array(arrays[0])
    return lax.concatenate(arrays, axis)


concat = concatenate


def stack(arrays, axis=0, out=None, dtype=None):
    """Join arrays of one shape along a new axis."""
    if out is not None:
        raise NotImplementedError("stack: the 'out' argument is not supported")
    arrays = _operands("stack", arrays)
    shapes = [get_aval(a).shape for a in arrays]
    for i, s in enumerate(shapes[1:], 1):
        if s != shapes[0]:
            raise ValueError(f"stack: all input arrays must have the same shape, but the "
                             f"array at index 0 has shape {shapes[0]} and the array at index "
                             f"{i} has shape {s}")
    axis = ops.canonicalize_axis(axis, len(shapes[0]) + 1, "stack")
    return concatenate([ops.expand_dims(a, axis) for a in arrays], axis, dtype)


def _atleast(nd, arys):
    out = []
    for a in arys:
        a = ops.operand(a, f"atleast_{nd}d")
        s = get_aval(a).shape
        if len(s) < nd:
            if nd == 3 and len(s) == 2:
                s = s + (1,)
            elif nd == 3 and len(s) == 1:
                s = (1,) + s + (1,)
            else:
                s = (1,) * (nd - len(s)) + s
            a = ops.reshape(a, s)
        else:
            a = ops.array(a)
        out.append(a)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys):
    """Each input as an array of at least one dimension."""
    return _atleast(1, arys)


def atleast_2d(*arys):
    """Each input as an array of at least two dimensions."""
    return _atleast(2, arys)


def atleast_3d(*arys):
    """Each input as an array of at least three dimensions."""
    return _atleast(3, arys)


def _as_list(x):
    return x if isinstance(x, list) else [x]


def vstack(tup, dtype=None):
    """Stack arrays along the first axis (1-d arrays become rows)."""
    return concatenate(_as_list(atleast_2d(*_operands("vstack", tup))), 0, dtype)


row_stack = vstack


def hstack(tup, dtype=None):
    """Stack arrays along the second axis (the first for 1-d arrays)."""
    arrs = _as_list(atleast_1d(*_operands("hstack", tup)))
    return concatenate(arrs, 0 if get_aval(arrs[0]).ndim == 1 else 1, dtype)


def dstack(tup, dtype=None):
    """Stack arrays along the third axis."""
    return concatenate(_as_list(atleast_3d(*_operands("dstack", tup))), 2, dtype)


def column_stack(tup):
    """Stack 1-d arrays as columns of a 2-d array (2-d arrays as they are)."""
    arrs = []
    for a in _operands("column_stack", tup):
        if get_aval(a).ndim < 2:
            a = ops.reshape(a, (-1, 1))
        arrs.append(a)
    return concatenate(arrs, 1)


def flip(m, axis=None):
    """``m`` with the order of elements reversed along ``axis`` (all axes when None)."""
    m = ops.operand(m, "flip")
    nd = get_aval(m).ndim
    axes = ops.reduction_axes(axis, nd, "flip")
    return lax.rev(m, axes) if axes else ops.as_array(m)


def fliplr(m):
    """``m`` with its columns reversed (axis 1)."""
    return flip(m, 1)


def flipud(m):
    """``m`` with its rows reversed (axis 0)."""
    return flip(m, 0)


def array_split(ary, indices_or_sections, axis=0):
    """Split ``ary`` into ``indices_or_sections`` parts; unequal parts are allowed."""
    ary = ops.operand(ary, "array_split")
    s = get_aval(ary).shape
    axis = ops.canonicalize_axis(axis, len(s), "array_split")
    n = s[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = operator.index(indices_or_sections)
        if k <= 0:
            raise ValueError("array_split: number of sections must be larger than 0")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = np.cumsum([0] + sizes).tolist()
    else:
        idx = [operator.index(core.concrete_or_error(None, i, "split indices"))
               for i in indices_or_sections]
        bounds = [0] + [min(max(i if i >= 0 else i + n, 0), n) for i in idx] + [n]
    return [lax.slice_in_dim(ary, lo, max(lo, hi), axis=axis)
            for lo, hi in zip(bounds[:-1], bounds[1:])]


def split(ary, indices_or_sections, axis=0):
    """Split ``ary`` into equal parts, or at the given indices, along ``axis``."""
    if isinstance(indices_or_sections, (int, np.integer)):
        n = ops.shape(ary)[ops.canonicalize_axis(axis, ops.ndim(ary), "split")]
        if n % indices_or_sections:
            raise ValueError(f"split: array split does not result in an equal division "
                             f"({n} elements into {indices_or_sections} sections)")
    return array_split(ary, indices_or_sections, axis)


def tile(A, reps):  # noqa: N803
    """``A`` repeated ``reps`` times along each axis."""
    A = ops.operand(A, "tile")
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    s = get_aval(A).shape
    nd = max(len(s), len(reps))
    s = (1,) * (nd - len(s)) + s
    reps = (1,) * (nd - len(reps)) + tuple(operator.index(r) for r in reps)
    a = ops.reshape(A, s)
    expanded = ops.reshape(a, tuple(x for d in s for x in (1, d)))
    big = ops.broadcast_to(expanded, tuple(x for r, d in zip(reps, s) for x in (r, d)), "tile")
    return ops.reshape(big, tuple(r * d for r, d in zip(reps, s)))


def repeat(a, repeats, axis=None, *, total_repeat_length=None):
    """Repeat each element (``repeats`` a concrete int or a sequence of ints)."""
    a = ops.operand(a, "repeat")
    if axis is None:
        a, axis = ops.ravel(a), 0
    s = get_aval(a).shape
    axis = ops.canonicalize_axis(axis, len(s), "repeat")
    if isinstance(repeats, (int, np.integer)):
        r = operator.index(repeats)
        if r < 0:
            raise ValueError("repeat: negative repeats are not allowed")
        x = ops.expand_dims(a, axis + 1)
        x = ops.broadcast_to(x, s[:axis + 1] + (r,) + s[axis + 1:], "repeat")
        return ops.reshape(x, s[:axis] + (s[axis] * r,) + s[axis + 1:])
    reps = [operator.index(r) for r in np.asarray(
        core.concrete_or_error(None, repeats, "repeat counts")).ravel()]
    if len(reps) != s[axis]:
        raise ValueError(f"repeat: {len(reps)} repeat counts for an axis of length {s[axis]}")
    pieces = [repeat(lax.slice_in_dim(a, i, i + 1, axis=axis), r, axis)
              for i, r in enumerate(reps) if r]
    if not pieces:
        return lax.slice_in_dim(a, 0, 0, axis=axis)
    return concatenate(pieces, axis)


def roll(a, shift, axis=None):
    """Roll elements of ``a`` by ``shift`` along ``axis`` (of the flattened array when None)."""
    a = ops.operand(a, "roll")
    if axis is None:
        return ops.reshape(roll(ops.ravel(a), shift, 0), get_aval(a).shape)
    shifts = shift if isinstance(shift, (tuple, list)) else (shift,)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    if len(axes) == 1:
        axes = axes * len(shifts)
    if len(shifts) != len(axes):
        raise ValueError("roll: shift and axis must have the same length")
    for sh, ax in zip(shifts, axes):
        s = get_aval(a).shape
        ax = ops.canonicalize_axis(ax, len(s), "roll")
        n = s[ax]
        if n == 0:
            continue
        k = operator.index(core.concrete_or_error(None, sh, "roll shift")) % n
        if k:
            a = lax.concatenate([lax.slice_in_dim(a, n - k, n, axis=ax),
                                 lax.slice_in_dim(a, 0, n - k, axis=ax)], ax)
    return ops.as_array(a)


def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


# ------------------------------------------------------------------ rotations and splits

def _sl(x, lo, hi, axis):
    return lax.slice_in_dim(x, lo, hi, axis=axis)


def rot90(m, k=1, axes=(0, 1)):
    """Rotate ``m`` by 90 degrees ``k`` times in the plane of ``axes``."""
    m = ops.operand(m, "rot90")
    nd = get_aval(m).ndim
    if nd < 2:
        raise ValueError(f"rot90: m must be at least 2-d, got shape {get_aval(m).shape}")
    a0, a1 = (ops.canonicalize_axis(a, nd, "rot90") for a in axes)
    if a0 == a1:
        raise ValueError(f"rot90: the axes must differ, got {axes}")
    k = _int("rot90", "k", k) % 4
    if k == 0:
        return ops.as_array(m)
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return ops.transpose(flip(m, a1), perm)
    return flip(ops.transpose(m, perm), a1)


def rollaxis(a, axis, start=0):
    """Move ``axis`` of ``a`` to position ``start``; prefer ``moveaxis``."""
    a = ops.operand(a, "rollaxis")
    nd = get_aval(a).ndim
    axis = ops.canonicalize_axis(axis, nd, "rollaxis")
    start = _int("rollaxis", "start", start)
    if not -nd <= start <= nd:
        raise ValueError(f"rollaxis: start={start} is out of bounds for {nd} dimensions")
    if start < 0:
        start += nd
    if axis < start:
        start -= 1
    return ops.moveaxis(a, axis, start)


def _split_axis(fname, ary, indices_or_sections, axis, min_nd):
    ary = ops.operand(ary, fname)
    if get_aval(ary).ndim < min_nd:
        raise ValueError(f"{fname} only works on arrays of {min_nd} or more dimensions, got "
                         f"shape {get_aval(ary).shape}")
    return split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """Split along the second axis (the first for 1-d arrays)."""
    ary = ops.operand(ary, "hsplit")
    return _split_axis("hsplit", ary, indices_or_sections,
                       0 if get_aval(ary).ndim == 1 else 1, 1)


def vsplit(ary, indices_or_sections):
    """Split along the first axis."""
    return _split_axis("vsplit", ary, indices_or_sections, 0, 2)


def dsplit(ary, indices_or_sections):
    """Split along the third axis, as ``numpy.dsplit``."""
    return _split_axis("dsplit", ary, indices_or_sections, 2, 3)


def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple of arrays."""
    x = ops.operand(x, "unstack")
    nd = get_aval(x).ndim
    if nd == 0:
        raise ValueError("unstack requires an input of at least one dimension")
    axis = ops.canonicalize_axis(axis, nd, "unstack")
    return tuple(lax.index_in_dim(x, i, axis=axis, keepdims=False)
                 for i in range(get_aval(x).shape[axis]))


# ------------------------------------------------------------------ resize, insert, delete

def resize(a, new_shape):
    """``a`` repeated (flattened, cyclically) to fill ``new_shape``."""
    a = ops.ravel(ops.operand(a, "resize"))
    new_shape = (new_shape,) if isinstance(new_shape, (int, np.integer)) else \
        tuple(new_shape)
    new_shape = tuple(_int("resize", "new_shape", d) for d in new_shape)
    if any(d < 0 for d in new_shape):
        raise ValueError(f"resize: all elements of new_shape must be non-negative, got "
                         f"{new_shape}")
    total = int(np.prod(new_shape, dtype=np.int64))
    n = get_aval(a).shape[0]
    if n == 0 or total == 0:
        return lax.full(new_shape, 0, get_aval(a).dtype)
    reps = -(-total // n)
    big = lax.concatenate([a] * reps, 0) if reps > 1 else a
    return ops.reshape(_sl(big, 0, total, 0), new_shape)


def append(arr, values, axis=None):
    """``arr`` with ``values`` appended along ``axis`` (both flattened when None)."""
    arr, values = ops.operand(arr, "append"), ops.operand(values, "append", 1)
    if axis is None:
        return concatenate([ops.ravel(arr), ops.ravel(values)])
    return concatenate([arr, values], axis)


def _static_indices(fname, obj, n):
    if isinstance(obj, slice):
        return list(range(n))[obj], True
    idx = np.asarray(core.concrete_or_error(
        None, obj, f"{fname} indices (plax needs static indices here)"))
    if idx.dtype == np.bool_:
        if idx.shape != (n,):
            raise ValueError(f"{fname}: boolean index of shape {idx.shape} for an axis of "
                             f"length {n}")
        return np.nonzero(idx)[0].tolist(), False
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{fname}: indices must be integers, got {idx.dtype}")
    return idx, False


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """``arr`` without the entries at the (static) indices ``obj`` along ``axis``."""
    arr = ops.operand(arr, "delete")
    if axis is None:
        arr, axis = ops.ravel(arr), 0
    axis = ops.canonicalize_axis(axis, get_aval(arr).ndim, "delete")
    n = get_aval(arr).shape[axis]
    idx, _ = _static_indices("delete", obj, n)
    idx = np.asarray(idx, dtype=np.int64).ravel()
    if np.any((idx < -n) | (idx >= n)):
        raise IndexError(f"delete: index out of bounds for axis {axis} with size {n}: "
                         f"{idx.tolist()}")
    drop = set((idx % n).tolist()) if n else set()
    keep = [i for i in range(n) if i not in drop]
    return _gather_static(arr, keep, axis)


def _gather_static(arr, positions, axis):
    """``arr`` at the static positions along ``axis``, as slices of contiguous runs."""
    if not positions:
        return _sl(arr, 0, 0, axis)
    runs, start, prev = [], positions[0], positions[0]
    for p in positions[1:]:
        if p != prev + 1:
            runs.append((start, prev + 1))
            start = p
        prev = p
    runs.append((start, prev + 1))
    pieces = [_sl(arr, lo, hi, axis) for lo, hi in runs]
    return lax.concatenate(pieces, axis) if len(pieces) > 1 else pieces[0]


def insert(arr, obj, values, axis=None):
    """``values`` inserted before the (static) indices ``obj`` along ``axis``."""
    arr = ops.operand(arr, "insert")
    values = ops.operand(values, "insert", 2)
    if axis is None:
        arr, axis = ops.ravel(arr), 0
    nd = get_aval(arr).ndim
    axis = ops.canonicalize_axis(axis, nd, "insert")
    n = get_aval(arr).shape[axis]
    values = ops.convert(values, get_aval(arr).dtype)
    if isinstance(obj, slice):
        idx, scalar = np.asarray(list(range(n))[obj]), False
    else:
        idx, _ = _static_indices("insert", obj, n + 1)
        idx = np.asarray(idx)
        scalar = idx.ndim == 0
    idx = idx.astype(np.int64).ravel()
    if np.any((idx < -n) | (idx > n)):
        raise IndexError(f"insert: index out of bounds for axis {axis} with size {n}")
    idx = np.where(idx < 0, idx + n, idx)
    shape = list(get_aval(arr).shape)
    vshape = get_aval(values).shape
    if scalar:
        # NumPy: a scalar index inserts `values` as a block along `axis` (moved in front)
        v = values
        if len(vshape) < nd:
            v = ops.reshape(v, (1,) * (nd - len(vshape)) + vshape)
        v = ops.moveaxis(v, 0, axis) if len(vshape) == nd else v
        k = get_aval(v).shape[axis]
        shape[axis] = k
        v = ops.broadcast_to(v, tuple(shape), "insert")
        return concatenate([_sl(arr, 0, int(idx[0]), axis), v,
                            _sl(arr, int(idx[0]), n, axis)], axis)
    m = len(idx)
    shape[axis] = m
    if len(vshape) == 1 and vshape[0] == m and nd > 1:
        v = ops.reshape(values, tuple(m if i == axis else 1 for i in range(nd)))
    else:
        v = values
    v = ops.broadcast_to(v, tuple(shape), "insert")
    order = np.argsort(idx, kind="stable")
    pieces, prev = [], 0
    for j in order:
        pos = int(idx[j])
        pieces.append(_sl(arr, prev, pos, axis))
        pieces.append(_sl(v, int(j), int(j) + 1, axis))
        prev = pos
    pieces.append(_sl(arr, prev, n, axis))
    return lax.concatenate(pieces, axis)


def trim_zeros(filt, trim="fb"):
    """Leading/trailing zeros of a 1-d array removed (needs concrete values)."""
    f = np.asarray(core.concrete_or_error(None, ops.operand(filt, "trim_zeros"),
                                          "trim_zeros (the output size depends on values)"))
    if f.ndim != 1:
        raise ValueError(f"trim_zeros: filt must be 1-d, got shape {f.shape}")
    nz = np.nonzero(f)[0]
    lo = (nz[0] if len(nz) else len(f)) if "f" in trim.lower() else 0
    hi = (nz[-1] + 1 if len(nz) else lo) if "b" in trim.lower() else len(f)
    return _sl(ops.operand(filt), int(lo), max(int(lo), int(hi)), 0)


# ------------------------------------------------------------------ block

def block(arrays):
    """Assemble an array from nested lists of blocks (NumPy's ``block``)."""
    def depth(x):
        if isinstance(x, list):
            if not x:
                raise ValueError("block: lists cannot be empty")
            ds = {depth(y) for y in x}
            if len(ds) != 1:
                raise ValueError("block: list depths are mismatched")
            return 1 + ds.pop()
        if isinstance(x, tuple):
            raise TypeError("block: tuples are not allowed, use lists")
        return 0

    list_depth = depth(arrays)
    leaves = []

    def collect(x):
        if isinstance(x, list):
            for y in x:
                collect(y)
        else:
            leaves.append(ops.operand(x, "block"))
    collect(arrays)
    result_nd = max([list_depth] + [get_aval(v).ndim for v in leaves])

    def build(x, d):
        if not isinstance(x, list):
            x = ops.operand(x, "block")
            s = get_aval(x).shape
            return ops.reshape(x, (1,) * (result_nd - len(s)) + s)
        parts = [build(y, d + 1) for y in x]
        return concatenate(parts, axis=-(list_depth - d))

    return build(arrays, 0)
