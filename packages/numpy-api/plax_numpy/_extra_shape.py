"""More of jax.numpy's array manipulation: pad (every mode built from pad, slices,
reversal and concatenation), rotations, splits, insert/delete with static indices,
block, index arithmetic, and the apply helpers.
"""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

from ._shape import concatenate, flip, split, stack

__all__ = [
    "pad", "rot90", "rollaxis", "resize", "append", "insert", "delete", "trim_zeros",
    "block", "hsplit", "vsplit", "dsplit", "unstack", "ravel_multi_index", "unravel_index",
    "apply_along_axis", "apply_over_axes", "fill_diagonal", "flatnonzero", "ix_",
]


def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


# ------------------------------------------------------------------ pad

def _pairs(fname, what, value, nd, cast=int):
    v = np.asarray(core.concrete_or_error(None, value, f"{fname} {what}"))
    try:
        v = np.broadcast_to(v, (nd, 2))
    except ValueError:
        raise ValueError(f"{fname}: {what} of shape {v.shape} cannot be read as (before, "
                         f"after) pairs for {nd} axes") from None
    return [(cast(a), cast(b)) for a, b in v.tolist()]


def _sl(x, lo, hi, axis):
    return lax.slice_in_dim(x, lo, hi, axis=axis)


def _edge_rep(x, axis, idx, count):
    e = _sl(x, idx, idx + 1, axis)
    shape = list(get_aval(e).shape)
    shape[axis] = count
    return ops.broadcast_to(e, tuple(shape), "pad")


def _pad_axis_periodic(x, axis, before, after, mode, odd):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode {mode!r}")
    period = n - 1 if mode == "reflect" else n
    if period == 0:
        return _pad_axis_edge(x, axis, before, after)
    while before or after:
        m = get_aval(x).shape[axis]
        b, a = min(before, period), min(after, period)
        parts = []
        if b:
            lo = 1 if mode == "reflect" else 0
            chunk = lax.rev(_sl(x, lo, lo + b, axis), (axis,))
            if odd:
                chunk = ops.subtract(ops.multiply(2, _edge_rep(x, axis, 0, b)), chunk)
            parts.append(chunk)
        parts.append(x)
        if a:
            hi = m - 1 if mode == "reflect" else m
            chunk = lax.rev(_sl(x, hi - a, hi, axis), (axis,))
            if odd:
                chunk = ops.subtract(ops.multiply(2, _edge_rep(x, axis, m - 1, a)), chunk)
            parts.append(chunk)
        x = lax.concatenate([ops.convert(p, get_aval(x).dtype) for p in parts], axis)
        before, after = before - b, after - a
    return x


def _pad_axis_edge(x, axis, before, after):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode 'edge'")
    parts = ([_edge_rep(x, axis, 0, before)] if before else []) + [x] + \
        ([_edge_rep(x, axis, n - 1, after)] if after else [])
    return lax.concatenate(parts, axis) if len(parts) > 1 else x


def _pad_wrap(x, axis, before, after):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode 'wrap'")
    if not (before or after):
        return x
    reps = -(-before // n) + -(-after // n) + 1
    big = lax.concatenate([x] * reps, axis) if reps > 1 else x
    start = -(-before // n) * n - before
    return _sl(big, start, start + before + n + after, axis)


def _pad_stat(x, axis, before, after, stat_len, reducer):
    n = get_aval(x).shape[axis]
    parts = []
    for side, count, length in (("before", before, stat_len[0]), ("after", after,
                                                                   stat_len[1])):
        if not count:
            parts.append(None)
            continue
        length = n if length is None else max(min(length, n), 1)
        if n == 0:
            raise ValueError(f"pad: can't extend the empty axis {axis} with a statistic")
        region = _sl(x, 0, length, axis) if side == "before" else _sl(x, n - length, n, axis)
        v = reducer(region, axis)
        shape = list(get_aval(x).shape)
        shape[axis] = count
        parts.append(ops.broadcast_to(ops.convert(v, get_aval(x).dtype), tuple(shape), "pad"))
    out = [p for p in (parts[0], x, parts[1]) if p is not None]
    return lax.concatenate(out, axis) if len(out) > 1 else x


def _mean_keep(x, axis):
    m = ops.mean(x, axis=axis, keepdims=True)
    return ops.round(m) if ops.dtype_kind(x) in "iu" else m


def _pad_ramp(x, axis, before, after, ends):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode 'linear_ramp'")
    dt = get_aval(x).dtype
    compute = ops.to_inexact_dtype(dt)
    parts = []
    for count, idx, end, rev in ((before, 0, ends[0], False), (after, n - 1, ends[1], True)):
        if not count:
            parts.append(None)
            continue
        edge = ops.convert(_edge_rep(x, axis, idx, count), compute)
        shape = get_aval(edge).shape
        t = lax.div(lax.broadcasted_iota(compute, shape, axis), ops.convert(count, compute))
        if rev:
            t = lax.rev(t, (axis,))
        endv = ops.convert(end, compute)
        ramp = ops.add(endv, ops.multiply(t, ops.subtract(edge, endv)))
        if ops.dtype_kind(x) in "iu":
            ramp = lax.floor(ramp)
        parts.append(ops.convert(ramp, dt))
    out = [p for p in (parts[0], x, parts[1]) if p is not None]
    return lax.concatenate(out, axis) if len(out) > 1 else x


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum",
              "minimum", "mean", "empty")


def pad(array, pad_width, mode="constant", **kwargs):
    """NumPy's ``pad``: modes constant, empty, edge, reflect and symmetric (with
    ``reflect_type``), wrap, linear_ramp, maximum, minimum and mean (with ``stat_length``)."""
    x = ops.operand(array, "pad")
    nd = get_aval(x).ndim
    if callable(mode):
        raise NotImplementedError("pad: a callable mode is not supported")
    if mode not in _PAD_MODES:  # JAX's class: NotImplementedError
        raise NotImplementedError(
            f"pad: mode must be one of {', '.join(_PAD_MODES)}, got {mode!r}"
            + ("; median needs sorting (plax.numpy.median)" if mode == "median" else ""))
    widths = _pairs("pad", "pad_width", pad_width, nd)
    if any(b < 0 or a < 0 for b, a in widths):
        raise ValueError(f"pad: pad_width must be non-negative, got {widths}")
    allowed = {"constant": {"constant_values"}, "linear_ramp": {"end_values"},
               "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
               "maximum": {"stat_length"}, "minimum": {"stat_length"},
               "mean": {"stat_length"}}.get(mode, set())
    unknown = set(kwargs) - allowed
    if unknown:
        raise ValueError(f"pad: unsupported keyword arguments for mode {mode!r}: "
                         f"{sorted(unknown)}")
    dt = get_aval(x).dtype
    if mode in ("constant", "empty"):
        values = kwargs.get("constant_values", 0)
        vals = ops.operand(values, "pad")
        if get_aval(vals).ndim == 0:
            zero = ops.convert(vals, dt)
            return lax.pad(x, zero, [(b, a, 0) for b, a in widths])
        pairs = _pairs("pad", "constant_values", values, nd, cast=lambda v: v)
        for axis, ((b, a), (vb, va)) in enumerate(zip(widths, pairs)):
            cfg = [(0, 0, 0)] * nd
            cfg[axis] = (b, 0, 0)
            x = lax.pad(x, ops.convert(vb, dt), cfg)
            cfg[axis] = (0, a, 0)
            x = lax.pad(x, ops.convert(va, dt), cfg)
        return x
    if mode in ("maximum", "minimum", "mean"):
        stat = kwargs.get("stat_length")
        stats = [(None, None)] * nd if stat is None else _pairs("pad", "stat_length", stat, nd)
        reducer = {"maximum": lambda r, ax: ops.max(r, axis=ax, keepdims=True),
                   "minimum": lambda r, ax: ops.min(r, axis=ax, keepdims=True),
                   "mean": _mean_keep}[mode]
        for axis, ((b, a), s) in enumerate(zip(widths, stats)):
            x = _pad_stat(x, axis, b, a, s, reducer)
        return x
    if mode == "linear_ramp":
        ends = _pairs("pad", "end_values", kwargs.get("end_values", 0), nd,
                      cast=lambda v: v)
        for axis, ((b, a), e) in enumerate(zip(widths, ends)):
            x = _pad_ramp(x, axis, b, a, e)
        return x
    for axis, (b, a) in enumerate(widths):
        if mode == "edge":
            x = _pad_axis_edge(x, axis, b, a)
        elif mode == "wrap":
            x = _pad_wrap(x, axis, b, a)
        else:
            rtype = kwargs.get("reflect_type", "even")
            if rtype not in ("even", "odd"):
                raise ValueError(f"pad: reflect_type must be 'even' or 'odd', got {rtype!r}")
            if b or a:
                x = _pad_axis_periodic(x, axis, b, a, mode, rtype == "odd")
    return ops.as_array(x)


# ------------------------------------------------------------------ rotations and splits

def rot90(m, k=1, axes=(0, 1)):
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
    ary = ops.operand(ary, "hsplit")
    return _split_axis("hsplit", ary, indices_or_sections,
                       0 if get_aval(ary).ndim == 1 else 1, 1)


def vsplit(ary, indices_or_sections):
    return _split_axis("vsplit", ary, indices_or_sections, 0, 2)


def dsplit(ary, indices_or_sections):
    return _split_axis("dsplit", ary, indices_or_sections, 2, 3)


def unstack(x, /, *, axis=0):
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


# ------------------------------------------------------------------ index arithmetic

def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Flat indices of coordinate arrays (``mode`` 'clip' or 'wrap'; 'raise' checks
    concrete inputs)."""
    dims = tuple(_int("ravel_multi_index", "dims", d) for d in dims)
    if len(multi_index) != len(dims):
        raise ValueError(f"ravel_multi_index: {len(multi_index)} index arrays for "
                         f"{len(dims)} dimensions")
    if order not in ("C", "F"):
        raise ValueError(f"ravel_multi_index: order must be 'C' or 'F', got {order!r}")
    idx = [ops.operand(i, "ravel_multi_index", k) for k, i in enumerate(multi_index)]
    for i in idx:
        if ops.dtype_kind(i) not in "iu":
            raise TypeError(f"ravel_multi_index: only int indices are permitted, got "
                            f"{ops.dtype_of(i)}")
    idx = [ops.convert(i, dtypes.default_int_dtype()) for i in idx]
    if mode == "raise":
        for i, d in zip(idx, dims):
            try:
                v = np.asarray(core.concrete_or_error(None, i, ""))
            except core.ConcretizationTypeError:
                raise core.ConcretizationTypeError(
                    "ravel_multi_index: mode='raise' needs concrete indices; use "
                    "mode='clip' or mode='wrap' under a transformation") from None
            if np.any((v < 0) | (v >= d)):
                raise ValueError("ravel_multi_index: invalid entry in coordinates array")
    elif mode == "clip":
        idx = [ops.clip(i, 0, d - 1) for i, d in zip(idx, dims)]
    elif mode == "wrap":
        idx = [ops.remainder(i, d) for i, d in zip(idx, dims)]
    else:
        raise ValueError(f"ravel_multi_index: mode must be 'raise', 'clip' or 'wrap', got "
                         f"{mode!r}")
    strides, s = [], 1
    for d in (reversed(dims) if order == "C" else dims):
        strides.append(s)
        s *= d
    if order == "C":
        strides = strides[::-1]
    out = ops.multiply(idx[0], strides[0])
    for i, st in zip(idx[1:], strides[1:]):
        out = ops.add(out, ops.multiply(i, st))
    return out


def unravel_index(indices, shape):
    """Coordinate arrays of flat ``indices`` (out-of-range values are clipped, as JAX)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    shape = tuple(_int("unravel_index", "shape", d) for d in shape)
    i = ops.operand(indices, "unravel_index")
    if ops.dtype_kind(i) not in "iu":
        raise TypeError(f"unravel_index: only int indices are permitted, got {ops.dtype_of(i)}")
    total = int(np.prod(shape, dtype=np.int64))
    i = ops.clip(i, -total, max(total - 1, 0))
    i = lax.select(lax.lt(i, ops.scalar_like(i, 0)), ops.add(i, total), ops.as_array(i))
    out = []
    for d in reversed(shape):
        out.append(ops.remainder(i, d) if d else i)
        i = ops.floor_divide(i, d) if d else i
    return tuple(reversed(out))


def ix_(*args):
    """Open-mesh index arrays from 1-d sequences (reshapes only)."""
    n = len(args)
    out = []
    for k, a in enumerate(args):
        a = ops.operand(a, "ix_", k)
        if get_aval(a).ndim != 1:
            raise ValueError(f"ix_: arguments must be 1-d, got shape {get_aval(a).shape}")
        if ops.dtype_kind(a) == "b":
            raise NotImplementedError("ix_: boolean arguments are not supported")
        out.append(ops.reshape(a, tuple(-1 if i == k else 1 for i in range(n))))
    return tuple(out)


# ------------------------------------------------------------------ apply helpers

def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` on every 1-d slice along ``axis`` (a Python loop over static slices)."""
    arr = ops.operand(arr, "apply_along_axis")
    nd = get_aval(arr).ndim
    axis = ops.canonicalize_axis(axis, nd, "apply_along_axis")
    moved = ops.moveaxis(arr, axis, -1)
    lead = get_aval(moved).shape[:-1]
    flat = ops.reshape(moved, (-1, get_aval(moved).shape[-1]))
    rows = [ops.operand(func1d(lax.index_in_dim(flat, r, keepdims=False), *args, **kwargs))
            for r in range(get_aval(flat).shape[0])]
    if not rows:
        raise ValueError("apply_along_axis: cannot apply a function to 0 slices")
    out = stack(rows)
    tail = get_aval(out).shape[1:]
    out = ops.reshape(out, lead + tail)
    # the function's output axes go where ``axis`` was
    k = len(tail)
    perm = list(range(len(lead)))
    perm = perm[:axis] + list(range(len(lead), len(lead) + k)) + perm[axis:]
    return ops.transpose(out, perm)


def apply_over_axes(func, a, axes):
    a = ops.operand(a, "apply_over_axes")
    for axis in ([axes] if isinstance(axes, (int, np.integer)) else axes):
        b = func(a, axis)
        b = ops.operand(b, "apply_over_axes")
        if get_aval(b).ndim == get_aval(a).ndim - 1:
            b = ops.expand_dims(b, axis)
        elif get_aval(b).ndim != get_aval(a).ndim:
            raise ValueError("apply_over_axes: function is not returning an array of the "
                             "correct shape")
        a = b
    return a


def fill_diagonal(a, val, wrap=False, *, inplace=True):
    """A copy of ``a`` with ``val`` on its main diagonal (``inplace=False`` is required,
    as in JAX: plax arrays are immutable)."""
    if inplace:
        raise NotImplementedError("fill_diagonal: plax arrays are immutable; pass "
                                  "inplace=False to get the filled copy")
    a = ops.operand(a, "fill_diagonal")
    shape = get_aval(a).shape
    if len(shape) < 2:
        raise ValueError("fill_diagonal: array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("fill_diagonal: all dimensions of input must be of equal length")
    flat_n = int(np.prod(shape, dtype=np.int64))
    step = 1 + sum(int(np.prod(shape[k + 1:], dtype=np.int64)) for k in range(len(shape) - 1))
    if len(shape) == 2:
        step = shape[1] + 1
        end = flat_n if wrap else min(shape[0], shape[1]) * shape[1]
    else:
        end = flat_n
    pos = lax.iota(np.int32, flat_n)
    on_diag = lax.bitwise_and(lax.eq(lax.rem(pos, ops.convert(step, np.int32)),
                                     ops.convert(0, np.int32)),
                              lax.lt(pos, ops.convert(end, np.int32)))
    val = ops.ravel(ops.convert(ops.operand(val, "fill_diagonal", 1), get_aval(a).dtype))
    k = get_aval(val).shape[0]
    if k == 1:
        vals = ops.broadcast_to(ops.reshape(val, ()), (flat_n,), "fill_diagonal")
    else:
        # the i-th diagonal element takes val[i % k]: cycle val over the diagonal positions
        count = -(-flat_n // step)
        cyc = resize(val, (count,))
        vals = ops.reshape(ops.broadcast_to(ops.reshape(cyc, (count, 1)), (count, step),
                                            "fill_diagonal"), (-1,))
        vals = _sl(vals, 0, flat_n, 0)
    return ops.reshape(lax.select(on_diag, vals, ops.ravel(a)), shape)


def flatnonzero(a, *, size=None, fill_value=None):
    from ._math import nonzero
    return nonzero(ops.ravel(ops.operand(a, "flatnonzero")), size=size,
                   fill_value=fill_value)[0]

