"""Axes, shapes and basic indexing with NumPy semantics (part of ``plax_core.ops``).

Import these through ``plax_core.ops``; this module only keeps ops.py short.
"""

from __future__ import annotations

import builtins
import operator

import numpy as np

from . import core, lax
from ._ops_rules import _AxisError, as_array, broadcast_shapes, broadcast_to, operand
from .core import Tracer, get_aval

# ------------------------------------------------------------------ axes

def canonicalize_axis(axis, ndim: int, fname: str = "") -> int:
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"{fname + ': ' if fname else ''}axis must be an integer, got "
                        f"{axis!r}") from None
    if not -ndim <= a < ndim:
        raise _AxisError(a, ndim, fname or None)
    return a % ndim


def reduction_axes(axis, ndim: int, fname: str = "") -> tuple:
    """``axis`` (None, int or tuple, negative allowed) as a sorted tuple of dimensions."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = tuple(canonicalize_axis(a, ndim, fname) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{fname + ': ' if fname else ''}duplicate value in 'axis': {axis}")
    return tuple(sorted(out))


# ------------------------------------------------------------------ shapes

def reshape(x, newshape, order: str = "C"):
    """NumPy's reshape (one -1 allowed); only C order."""
    if order != "C":
        raise NotImplementedError(f"reshape: only order='C' is supported, got {order!r}")
    x = operand(x, "reshape")
    old = get_aval(x).shape
    if isinstance(newshape, (int, np.integer)) or (
            hasattr(newshape, "__index__") and getattr(newshape, "shape", None) == ()):
        newshape = (newshape,)
    newshape = tuple(operator.index(d) for d in newshape)
    size = int(np.prod(old, dtype=np.int64))
    unknown = [i for i, d in enumerate(newshape) if d == -1]
    if len(unknown) > 1 or builtins.any(d < -1 for d in newshape):
        raise TypeError(f"reshape: invalid new shape {newshape}: only one dimension can be "
                        f"-1 and the others must be non-negative")
    if unknown:
        known = int(np.prod([d for d in newshape if d != -1], dtype=np.int64))
        if known == 0 or size % known:
            raise TypeError(f"reshape: cannot reshape array of shape {old} (size {size}) "
                            f"into shape {newshape}")
        newshape = tuple(size // known if d == -1 else d for d in newshape)
    if int(np.prod(newshape, dtype=np.int64)) != size:
        raise TypeError(f"reshape: cannot reshape array of shape {old} (size {size}) into "
                        f"shape {newshape} (size {int(np.prod(newshape, dtype=np.int64))})")
    if newshape == old:
        return as_array(x)
    return lax.reshape(x, newshape)


def ravel(x, order: str = "C"):
    """``a`` flattened to one dimension (``order='C'`` or ``'F'``)."""
    return reshape(x, (-1,), order)


def transpose(x, axes=None):
    """``a`` with its axes permuted by ``axes`` (reversed when None)."""
    x = operand(x, "transpose")
    nd = len(get_aval(x).shape)
    if axes is None:
        perm = tuple(range(nd))[::-1]
    else:
        perm = tuple(canonicalize_axis(a, nd, "transpose") for a in axes)
        if sorted(perm) != list(range(nd)):
            raise TypeError(f"transpose: axes {tuple(axes)} are not a permutation of the "
                            f"{nd} dimensions of an array of shape {get_aval(x).shape}")
    if perm == tuple(range(nd)):
        return as_array(x)
    return lax.transpose(x, perm)


def swapaxes(x, axis1, axis2):
    """``a`` with the axes ``axis1`` and ``axis2`` interchanged."""
    x = operand(x, "swapaxes")
    nd = len(get_aval(x).shape)
    perm = list(range(nd))
    a, b = canonicalize_axis(axis1, nd, "swapaxes"), canonicalize_axis(axis2, nd, "swapaxes")
    perm[a], perm[b] = perm[b], perm[a]
    return transpose(x, perm)


def moveaxis(x, source, destination):
    """``a`` with the axes ``source`` moved to the positions ``destination``."""
    x = operand(x, "moveaxis")
    nd = len(get_aval(x).shape)
    src = reduction_axes_ordered(source, nd, "moveaxis")
    dst = reduction_axes_ordered(destination, nd, "moveaxis")
    if len(src) != len(dst):
        raise ValueError("moveaxis: `source` and `destination` arguments must have the same "
                         "number of elements")
    perm = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return transpose(x, perm)


def reduction_axes_ordered(axis, ndim: int, fname: str) -> tuple:
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = tuple(canonicalize_axis(a, ndim, fname) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"{fname}: repeated axis in {axis}")
    return out


def squeeze(x, axis=None):
    """``a`` without its size-1 axes (only those in ``axis`` when given)."""
    x = operand(x, "squeeze")
    shp = get_aval(x).shape
    if axis is None:
        axes = tuple(i for i, d in enumerate(shp) if d == 1)
    else:
        axes = reduction_axes(axis, len(shp), "squeeze")
        bad = [a for a in axes if shp[a] != 1]
        if bad:
            raise ValueError(f"squeeze: cannot select an axis to squeeze out which has size "
                             f"not equal to one (axis {bad[0]} of shape {shp})")
    return lax.squeeze(x, axes) if axes else as_array(x)


def expand_dims(x, axis):
    """``a`` with new size-1 axes inserted at the positions ``axis``."""
    x = operand(x, "expand_dims")
    nd = len(get_aval(x).shape)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out_nd = nd + len(axes)
    dims = tuple(sorted(canonicalize_axis(a, out_nd, "expand_dims") for a in axes))
    if len(set(dims)) != len(dims):
        raise ValueError(f"expand_dims: repeated axis in {axis}")
    return lax.expand_dims(x, dims)


def broadcast_arrays(*args):
    """The arrays broadcast against each other to one common shape."""
    args = [operand(a, "broadcast_arrays", i) for i, a in enumerate(args)]
    out = broadcast_shapes(*(get_aval(a).shape for a in args), fname="broadcast_arrays")
    return [broadcast_to(a, out, "broadcast_arrays") for a in args]


# ------------------------------------------------------------------ indexing

class _DynamicIndex:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _advanced(idx):
    return NotImplementedError(
        f"advanced indexing (integer or boolean arrays, lists, bool scalars) arrives with "
        f"plax issue #9; got an index of type {type(idx).__name__}. Basic indexing with "
        f"ints, slices, None and ... works.")


def _classify(i):
    if i is None or i is Ellipsis or isinstance(i, slice):
        return i
    if isinstance(i, (bool, np.bool_)):
        raise _advanced(i)
    if isinstance(i, (int, np.integer)):
        return int(i)
    if isinstance(i, Tracer) or isinstance(getattr(i, "aval", None), core.ShapedArray):
        a = get_aval(i)
        if a.shape == () and a.dtype.kind in "iu":
            return _DynamicIndex(i) if isinstance(i, Tracer) else operator.index(i)
        raise _advanced(i)
    if isinstance(i, np.ndarray):
        if i.shape == () and i.dtype.kind in "iu":
            return int(i)
        raise _advanced(i)
    if isinstance(i, (list, tuple)):
        raise _advanced(i)
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                     f"and integer or boolean arrays are valid indices; got {i!r}")


def getitem(x, idx):
    """Basic indexing: ints (negative too), slices (any step), None, Ellipsis."""
    x = operand(x, "getitem")
    aval = get_aval(x)
    items = [_classify(i) for i in (idx if isinstance(idx, tuple) else (idx,))]
    n_ellipsis = builtins.sum(1 for i in items if i is Ellipsis)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    n_real = builtins.sum(1 for i in items if i is not None and i is not Ellipsis)
    if n_real > aval.ndim:
        raise IndexError(f"too many indices for array: array is {aval.ndim}-dimensional, "
                         f"but {n_real} were indexed")
    fill = [slice(None)] * (aval.ndim - n_real)
    if n_ellipsis:
        k = items.index(Ellipsis)
        items = items[:k] + fill + items[k + 1:]
    else:
        items = items + fill
    starts, limits, strides, rev, dynamic, out_shape = [], [], [], [], [], []
    dim = 0
    for it in items:
        if it is None:
            out_shape.append(1)
            continue
        size = aval.shape[dim]
        if isinstance(it, int):   # out of bounds clamps, as JAX's reads do
            if size == 0:
                raise IndexError(f"index {it} is out of bounds for axis {dim} with size 0 "
                                 f"(an empty axis has no element to clamp to)")
            it = builtins.min(builtins.max(it + size if it < 0 else it, 0), size - 1)
            starts.append(it), limits.append(it + 1), strides.append(1)
        elif isinstance(it, _DynamicIndex):
            dynamic.append((dim, it.value))
            starts.append(0), limits.append(size), strides.append(1)
        else:
            start, stop, step = it.indices(size)
            n = len(range(start, stop, step))
            if step < 0:
                rev.append(dim)
                start, step = size - 1 - start, -step
            if n == 0:
                start = 0
            starts.append(start), strides.append(step)
            limits.append(start + (n - 1) * step + 1 if n else start)
            out_shape.append(n)
        dim += 1
    if rev:
        x = lax.rev(x, tuple(rev))
    if (starts, limits, strides) != ([0] * aval.ndim, list(aval.shape), [1] * aval.ndim):
        x = lax.slice(x, tuple(starts), tuple(limits),
                      None if builtins.all(s == 1 for s in strides) else tuple(strides))
    if dynamic:
        x = _dynamic_index(x, dynamic)
    return reshape(x, tuple(out_shape))


def _dynamic_index(x, dynamic):
    # lax.dynamic_slice counts negative starts from the end and clamps (as JAX under jit)
    shp = get_aval(x).shape
    starts, sizes = [0] * len(shp), list(shp)
    for dim, i in dynamic:
        starts[dim], sizes[dim] = i, 1
    return lax.dynamic_slice(x, starts, tuple(sizes))
