"""Indexing, set, counting and histogram functions of ``plax.numpy``, on gather/scatter.

As in JAX: ``take`` and ``take_along_axis`` read out-of-bounds indices as ``fill_value``
(NaN, the integer extreme or True by default; ``mode='clip'`` clamps, ``'wrap'`` wraps);
``put``, ``put_along_axis`` and ``place`` return a new array (``inplace=False`` is
required); ``compress`` and ``extract`` need a concrete condition unless ``size`` is
given, and ``nonzero`` with ``size`` is traceable (a scatter of positions).
``partition`` is a full sort (a valid partition).  Unique, set, counting and histogram
functions are in ``_indexing_sets``.  Also index arithmetic (``ravel_multi_index``,
``unravel_index``, ``ix_``), ``fill_diagonal`` and ``flatnonzero``.
"""

from __future__ import annotations

import builtins
import operator

import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval
from plax_core.numpy_semantics import gather_index, scatter_index

from ._shape import _sl, resize

__all__ = [
    "take", "take_along_axis", "put_along_axis", "put", "choose", "compress", "extract",
    "place", "interp", "partition", "argpartition", "s_", "index_exp", "r_", "c_",
    "frexp", "ldexp", "modf", "unwrap", "bitwise_count",
    "ravel_multi_index", "unravel_index", "ix_", "fill_diagonal", "flatnonzero",
]

s_ = np.s_
index_exp = np.index_exp


class _Concatenator:
    """``r_`` and ``c_``: slices become ``arange`` (``linspace`` for a complex step),
    everything is concatenated along ``axis``; a leading string ``"axis[,ndmin[,trans1d]]"``
    sets the layout as in NumPy (the matrix directives ``'r'``/``'c'`` are not supported)."""

    def __init__(self, axis, ndmin, trans1d):
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key):
        from ._creation import arange, linspace
        items = list(key) if isinstance(key, tuple) else [key]
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        if items and isinstance(items[0], str):
            try:
                vals = [int(v) for v in items.pop(0).split(",")]
            except ValueError:
                raise ValueError("r_/c_: only the 'axis[,ndmin[,trans1d]]' string directive "
                                 "is supported") from None
            axis, ndmin, trans1d = (vals + [ndmin, trans1d][len(vals) - 1:])[:3]
        parts = []
        for item in items:
            if isinstance(item, slice):
                start = 0 if item.start is None else item.start
                step = 1 if item.step is None else item.step
                part = linspace(start, item.stop, int(abs(step))) \
                    if isinstance(step, complex) else arange(start, item.stop, step)
                part = _ndmin(part, ndmin)
                if ndmin > 1 and trans1d != -1:
                    part = ops.swapaxes(part, -1, trans1d)
            else:
                part = ops.as_array(ops.operand(item, "r_"))
                nd = ops.ndim(part)
                part = _ndmin(part, ndmin)
                if trans1d != -1 and nd < ndmin and nd > 0:
                    k2, k1 = ndmin - nd, trans1d
                    k1 = k1 + k2 + 1 if k1 < 0 else k1
                    axes = list(range(ndmin))
                    part = ops.transpose(part, axes[:k1] + axes[k2:] + axes[k1:k2])
            parts.append(part)
        if not parts:
            return ops.array(np.zeros((0,), np.float32))
        parts = ops.promote_dtypes(*parts)
        return lax.concatenate(parts, _axis("r_", axis, ops.ndim(parts[0])))


def _ndmin(x, ndmin):
    nd = ops.ndim(x)
    return ops.reshape(x, (1,) * (ndmin - nd) + ops.shape(x)) if nd < ndmin else x


r_ = _Concatenator(0, 1, -1)
c_ = _Concatenator(-1, 2, 0)


def _rt(*args):
    """The promoted dtype of ``args`` (JAX's lattice)."""
    return ops.result_type_of(*args)[0]


def _full(like, value):
    """An array of ``value`` with the shape and dtype of ``like``."""
    return lax.full(ops.shape(like), value, ops.dtype_of(like))


def _int_dtype():
    return dtypes.default_int_dtype()


def _axis(fname, axis, ndim):
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"{fname}: axis must be an integer or None, got {axis!r}") from None
    if not -ndim <= a < ndim:
        raise ValueError(f"{fname}: axis {a} is out of bounds for an array of dimension "
                         f"{ndim}")
    return a % ndim


# JAX's exception class for non-integer indices, per function (take's is ValueError)
_INDEX_DTYPE_ERROR = {"take": ValueError}


def _int_indices(fname, indices, argnum=1):
    indices = ops.operand(indices, fname, argnum)
    if ops.dtype_of(indices).kind not in "iu":
        raise _INDEX_DTYPE_ERROR.get(fname, TypeError)(
            f"{fname}: indices must be integers, got dtype {ops.dtype_of(indices).name}")
    return ops.astype(indices, _int_dtype()) if isinstance(indices, int) else indices


def _mode(fname, mode, fill_value, default="fill"):
    """``(gather mode, index transform)`` for JAX's take modes."""
    mode = default if mode is None else mode
    if mode == "raise":
        raise NotImplementedError(f"{fname}: mode='raise' is not supported (as in JAX: "
                                  f"indices are not checked at run time); use 'fill' or "
                                  f"'clip'")
    if mode not in ("fill", "clip", "wrap", "promise_in_bounds"):
        raise ValueError(f"{fname}: invalid mode {mode!r}; expected 'fill', 'clip', "
                         f"'wrap' or 'promise_in_bounds'")
    if fill_value is not None and mode != "fill":
        raise ValueError(f"{fname}: fill_value is only used with mode='fill', got "
                         f"mode={mode!r}")
    return mode


def _wrap(indices, n):
    return ops.remainder(indices, n) if n else indices


def _apply_mode(indices, n, mode):
    """JAX's take modes: 'wrap' wraps, 'clip' clamps the raw index (no negative
    indexing), 'fill' reads negative indices from the end and fills past it."""
    if mode == "wrap":
        return _wrap(indices, n), "promise_in_bounds"
    if mode == "clip":
        return ops.clip(indices, 0, builtins.max(n - 1, 0)), "clip"
    return indices, mode


def take(a, indices, axis=None, out=None, mode=None, unique_indices=False,
         indices_are_sorted=False, fill_value=None):
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened ``a`` if None)."""
    if out is not None:
        raise NotImplementedError("take: the out argument is not supported")
    a = ops.operand(a, "take")
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = _axis("take", axis, ops.ndim(a))
    indices = _int_indices("take", indices)
    mode = _mode("take", mode, fill_value)
    indices, mode = _apply_mode(indices, ops.shape(a)[axis], mode)
    idx = (slice(None),) * axis + (indices,)
    return gather_index(a, idx, mode=mode, fill_value=fill_value,
                        indices_are_sorted=indices_are_sorted,
                        unique_indices=unique_indices)


def _along_axis_index(fname, arr, indices, axis):
    """``(arr, index tuple)`` with the non-axis dims of ``arr`` and ``indices`` broadcast."""
    nd = ops.ndim(arr)
    if ops.ndim(indices) != nd:
        raise ValueError(f"{fname}: indices and arr must have the same number of "
                         f"dimensions; got {ops.ndim(indices)} and {nd}")
    ashape, ishape = ops.shape(arr), ops.shape(indices)
    bshape = [ops.broadcast_shapes((ashape[d],), (ishape[d],), fname=fname)[0]
              if d != axis else None for d in range(nd)]
    arr = ops.broadcast_to(arr, tuple(ashape[d] if d == axis else bshape[d]
                                      for d in range(nd)), fname)
    ishape = tuple(ishape[d] if d == axis else bshape[d] for d in range(nd))
    indices = ops.broadcast_to(indices, ishape, fname)
    idx = []
    for d in range(nd):
        if d == axis:
            idx.append(indices)
        else:
            shape = [1] * nd
            shape[d] = ishape[d]
            idx.append(lax.broadcasted_iota(_int_dtype(), tuple(shape), d))
    return arr, tuple(idx)


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """``arr`` indexed by ``indices`` along ``axis`` (NumPy's function, JAX's modes)."""
    arr = ops.operand(arr, "take_along_axis")
    indices = _int_indices("take_along_axis", indices)
    if axis is None:
        arr, indices, axis = ops.ravel(arr), ops.ravel(indices), 0
    axis = _axis("take_along_axis", axis, ops.ndim(arr))
    mode = _mode("take_along_axis", mode, fill_value)
    indices, mode = _apply_mode(indices, ops.shape(arr)[axis], mode)
    arr, idx = _along_axis_index("take_along_axis", arr, indices, axis)
    return gather_index(arr, idx, mode=mode, fill_value=fill_value)


def _no_inplace(fname, inplace):
    if inplace:
        raise ValueError(f"{fname}: plax arrays are immutable; pass inplace=False to get "
                         f"the updated array as the result")


def _scatter_mode(fname, mode):
    if mode in (None, "fill", "drop"):
        return "drop"
    if mode in ("clip", "wrap", "promise_in_bounds"):
        return mode
    raise ValueError(f"{fname}: invalid mode {mode!r}; expected 'drop', 'fill', 'clip', "
                     f"'promise_in_bounds' or 'wrap'")


def put_along_axis(arr, indices, values, axis, inplace=True, *, mode=None):
    """``arr`` with ``values`` written at ``indices`` along ``axis`` (a new array)."""
    _no_inplace("put_along_axis", inplace)
    arr = ops.operand(arr, "put_along_axis")
    indices = _int_indices("put_along_axis", indices)
    shape = ops.shape(arr)
    if axis is None:
        arr, indices, axis = ops.ravel(arr), ops.ravel(indices), 0
    axis = _axis("put_along_axis", axis, ops.ndim(arr))
    mode = _scatter_mode("put_along_axis", mode)
    if mode == "wrap":
        indices, mode = _wrap(indices, ops.shape(arr)[axis]), "drop"
    # the index tuple enumerates indices' shape (broadcast with arr's other dims)
    _, idx = _along_axis_index("put_along_axis", arr, indices, axis)
    out = scatter_index(arr, idx, values, "set", mode=mode)
    return ops.reshape(out, shape)


def put(a, ind, v, mode=None, *, inplace=True):
    """``a`` with the flat positions ``ind`` set to ``v`` (repeated as needed)."""
    _no_inplace("put", inplace)
    a = ops.operand(a, "put")
    shape = ops.shape(a)
    flat = ops.ravel(a)
    ind = ops.ravel(_int_indices("put", ind))
    v = ops.ravel(ops.operand(v, "put", 2))
    n_ind, n_v = ops.shape(ind)[0], ops.shape(v)[0]
    if n_v == 0 or n_ind == 0:
        return a
    if n_v != n_ind:
        v = lax.concatenate([v] * (-(-n_ind // n_v)), 0)[:n_ind] if n_v < n_ind \
            else v[:n_ind]
    total = ops.shape(flat)[0]
    if total == 0:
        return a
    if mode is None:      # as JAX's (through unravel_index): clip to [-n, n-1], count
        ind, mode = ops.clip(ind, -total, total - 1), "drop"     # negatives from the end
    elif mode == "clip":  # clamps the raw index: -1 lands on 0, as in JAX
        ind, mode = ops.clip(ind, 0, total - 1), "drop"
    elif mode == "raise":
        raise NotImplementedError("put: mode='raise' is not supported (as in JAX: indices "
                                  "are not checked at run time); use 'clip' or 'wrap'")
    else:
        mode = _scatter_mode("put", mode)
        if mode == "wrap":
            ind, mode = _wrap(ind, total), "drop"
    return ops.reshape(scatter_index(flat, (ind,), v, "set", mode=mode), shape)


def choose(a, choices, out=None, mode="raise"):
    """``choices[a[i]][i]`` elementwise (``choices`` broadcast with ``a``)."""
    if out is not None:
        raise NotImplementedError("choose: the out argument is not supported")
    a = _int_indices("choose", a, 0)
    choices = [ops.operand(c, "choose", 1) for c in choices]
    if not choices:
        raise ValueError("choose: choices must be a non-empty sequence")
    n = len(choices)
    if mode == "raise":
        if not isinstance(a, core.Tracer):
            value = np.asarray(a)
            if value.size and (value.min() < 0 or value.max() >= n):
                raise ValueError("choose: invalid entry in choice array")
    elif mode == "wrap":
        a = ops.remainder(a, n)
    elif mode == "clip":
        a = ops.clip(a, 0, n - 1)
    else:
        raise ValueError(f"choose: invalid mode {mode!r}; expected 'raise', 'wrap' or "
                         f"'clip'")
    parts = ops.promote_dtypes(*choices)
    shape = ops.broadcast_shapes(ops.shape(a), *(ops.shape(c) for c in parts),
                                 fname="choose")
    stacked = lax.concatenate(
        [ops.reshape(ops.broadcast_to(c, shape, "choose"), (1,) + shape) for c in parts], 0)
    a = ops.reshape(ops.broadcast_to(a, shape, "choose"), (1,) + shape)
    return ops.reshape(take_along_axis(stacked, a, 0, mode="clip"), shape)


# ------------------------------------------------------------------ nonzero with size

def nonzero_sized(a, size, fill_value=None):
    """``nonzero(a, size=size, fill_value=...)``, traceable: the flat position of each
    nonzero element is scattered to its rank among them; the rest is ``fill_value``."""
    a = ops.operand(a, "nonzero")
    shape = ops.shape(a)
    if len(shape) == 0:
        raise ValueError("nonzero: calling nonzero on 0d arrays is not allowed; use "
                         "atleast_1d(a).nonzero()")
    size = operator.index(size)
    n = int(np.prod(shape, dtype=int))
    dt = _int_dtype()
    if size == 0:  # (a scatter into an empty operand is not needed)
        return tuple(lax.full((0,), 0, dt) for _ in shape)
    mask = ops.ravel(ops.not_equal(a, ops.scalar_like(a, 0)))
    flat_pos = lax.iota(dt, n)
    rank = lax.cumsum(ops.convert(mask, dt, False), axis=0) - 1 if n else flat_pos
    target = lax.select(mask, rank, lax.full((n,), size, dt)) if n else rank
    flat = lax.full((size,), 0, dt)
    flat = scatter_index(flat, (target,), flat_pos, "set", mode="drop") if n else flat
    total = ops.sum(ops.convert(mask, dt, False)) if n else 0
    valid = ops.less(lax.iota(dt, size), total)
    fills = fill_value if isinstance(fill_value, (tuple, list)) else \
        (0 if fill_value is None else fill_value,) * len(shape)
    if len(fills) != len(shape):
        raise ValueError(f"nonzero: fill_value must be a scalar or a tuple of length "
                         f"{len(shape)}, got {fill_value!r}")
    out, stride = [], n
    for d, dim in enumerate(shape):
        stride //= builtins.max(dim, 1)
        coord = lax.rem(lax.div(flat, _full(flat, builtins.max(stride, 1))),
                        _full(flat, builtins.max(dim, 1)))
        out.append(lax.select(valid, coord, ops.astype(
            ops.broadcast_to(ops.array(fills[d]), (size,)), dt)))
    return tuple(out)


# ------------------------------------------------------------------ compress & co

def _concrete(fname, x, what="argument"):
    value = core.concrete_or_error(
        None, x, f"{fname}: the output size depends on the {what}; pass concrete values "
                 f"(or size= where supported)")
    return np.asarray(value)


def _pad(fname, values, size, fill_value, dtype):
    values = np.asarray(values)
    if size is None:
        return values
    size = operator.index(size)
    if values.shape[0] >= size:
        return values[:size]
    fill = np.full((size - values.shape[0],) + values.shape[1:],
                   0 if fill_value is None else fill_value, dtype=dtype)
    return np.concatenate([values.astype(dtype, copy=False), fill])


def compress(condition, a, axis=None, *, size=None, fill_value=0, out=None):
    """The slices of ``a`` along ``axis`` where ``condition`` is true."""
    if out is not None:
        raise NotImplementedError("compress: the out argument is not supported")
    cond = ops.operand(condition, "compress")
    if ops.ndim(cond) != 1:
        raise ValueError(f"compress: condition must be 1-dimensional, got shape "
                         f"{ops.shape(cond)}")
    a = ops.operand(a, "compress", 1)
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = _axis("compress", axis, ops.ndim(a))
    n = ops.shape(a)[axis]
    cond_v = _concrete("compress", cond, "condition") if size is None else None
    if cond_v is not None:
        if cond_v.shape[0] > n and np.any(cond_v[n:]):
            raise ValueError(f"compress: condition has true entries past the length {n} "
                             f"of axis {axis} (JAX's class: ValueError)")
        idx = ops.array(np.nonzero(cond_v[:n])[0].astype(_int_dtype()))
        return take(a, idx, axis=axis, mode="promise_in_bounds")
    cond = ops.ravel(cond)
    m = ops.shape(cond)[0]
    if m > n:
        cond = cond[:n]
    (idx,) = nonzero_sized(cond, size, fill_value=n)  # padding reads out of bounds
    return take(a, idx, axis=axis, mode="fill", fill_value=fill_value)


def extract(condition, arr, *, size=None, fill_value=0):
    """The elements of ``arr`` where ``condition`` is true (both flattened)."""
    return compress(ops.ravel(ops.operand(condition, "extract")),
                    ops.ravel(ops.operand(arr, "extract", 1)), size=size,
                    fill_value=fill_value)


def place(arr, mask, vals, *, inplace=True):
    """``arr`` with the positions where ``mask`` is true set to ``vals`` (cycled)."""
    _no_inplace("place", inplace)
    arr = ops.operand(arr, "place")
    m = _concrete("place", ops.operand(mask, "place", 1), "mask")
    if m.shape != ops.shape(arr):
        raise ValueError(f"place: mask has shape {m.shape}, arr has shape "
                         f"{ops.shape(arr)}")
    pos = np.nonzero(m.ravel())[0].astype(_int_dtype())
    if pos.size == 0:
        return arr
    vals = ops.ravel(ops.operand(vals, "place", 2))
    nv = ops.shape(vals)[0]
    if nv == 0:
        raise ValueError("place: cannot insert from an empty vals array")
    cyc = ops.array((np.arange(pos.size) % nv).astype(_int_dtype()))
    vals = take(vals, cyc, mode="promise_in_bounds")
    out = scatter_index(ops.ravel(arr), (ops.array(pos),), vals, "set")
    return ops.reshape(out, ops.shape(arr))


# ------------------------------------------------------------------ interp & partition

def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of ``(xp, fp)`` at ``x`` (``xp`` increasing)."""
    from ._sorting import searchsorted
    x = ops.operand(x, "interp")
    xp = ops.operand(xp, "interp", 1)
    fp = ops.operand(fp, "interp", 2)
    if ops.ndim(xp) != 1 or ops.ndim(fp) != 1 or ops.shape(xp) != ops.shape(fp):
        raise ValueError(f"interp: xp and fp must be 1-D arrays of the same length, got "
                         f"shapes {ops.shape(xp)} and {ops.shape(fp)}")
    if ops.shape(xp)[0] == 0:
        raise ValueError("interp: xp and fp must be non-empty")
    if ops.dtype_of(fp).kind == "c":
        dt = _rt(x, xp, ops.real(fp))
    else:
        dt = ops.to_inexact_dtype(_rt(x, xp, fp))
    x, xp = ops.astype(x, dt), ops.astype(xp, dt)
    fp = ops.astype(fp, _rt(fp, ops.array(np.zeros((), dt))))
    if ops.dtype_of(fp).kind not in "fc":
        fp = ops.astype(fp, dt)
    if period is not None:
        if left is not None or right is not None:
            raise ValueError("interp: left and right are not used with period")
        period = ops.absolute(ops.astype(ops.operand(period), dt))
        x = ops.remainder(x, period)
        xp = ops.remainder(xp, period)
        order = _argsort1(xp)
        xp, fp = take(xp, order, mode="promise_in_bounds"), take(
            fp, order, mode="promise_in_bounds")
        xp = lax.concatenate([ops.reshape(ops.subtract(xp[-1], period), (1,)), xp,
                              ops.reshape(ops.add(xp[0], period), (1,))], 0)
        fp = lax.concatenate([fp[-1:], fp, fp[:1]], 0)
    n = ops.shape(xp)[0]
    i = ops.clip(searchsorted(xp, x, side="right"), 1, builtins.max(n - 1, 1))
    if n == 1:
        f = ops.broadcast_to(fp[0], ops.shape(x))
    else:
        x0 = take(xp, i - 1, mode="promise_in_bounds")
        x1 = take(xp, i, mode="promise_in_bounds")
        f0 = take(fp, i - 1, mode="promise_in_bounds")
        f1 = take(fp, i, mode="promise_in_bounds")
        dx = ops.subtract(x1, x0)
        zero = ops.equal(dx, ops.scalar_like(dx, 0))
        safe = lax.select(zero, _full(dx, 1), dx)
        slope = ops.true_divide(ops.subtract(f1, f0), safe)
        f = ops.add(f0, ops.multiply(slope, ops.subtract(x, x0)))
        f = _where(zero, f0, f)
    if period is None:
        lv = fp[0] if left is None else ops.operand(left)
        rv = fp[-1] if right is None else ops.operand(right)
        f = _where(ops.less(x, xp[0]), lv, f)
        f = _where(ops.greater(x, xp[-1]), rv, f)
    return f


def _where(c, x, y):
    from ._math import where
    return where(c, x, y)


def _argsort1(a):
    from ._sorting import argsort
    return argsort(a)


def partition(a, kth, axis=-1):
    """``a`` with the ``kth`` element in sorted position: JAX's construction, the kth + 1
    smallest ascending (``top_k`` of ``-a``) then the rest descending (``top_k`` of ``a``),
    so that the values and the derivative (which of tied elements each slot takes) are
    JAX's; a full sort would route tied gradients elsewhere."""
    a = ops.operand(a, "partition")
    if ops.dtype_of(a).kind == "c":
        raise NotImplementedError("partition: complex arrays are not supported (as in JAX); "
                                  "partition the real and imaginary parts separately.")
    axis = _axis("partition", axis, ops.ndim(a))
    n = ops.shape(a)[axis]
    _check_kth("partition", kth, n)
    kth = operator.index(kth) % n
    arr = ops.swapaxes(a, axis, -1)
    if ops.dtype_of(arr).kind == "f":
        # XLA's TopK orders floats totally (-NaN < -inf < -0 < 0 < inf < NaN): select on
        # the bits' total order, then gather, so that the derivative follows the same slots.
        key = _total_order_key(arr)
        low = lax.top_k(lax.bitwise_not(key), kth + 1)[1]
        high = lax.top_k(key, n - kth - 1)[1]
        idx = lax.concatenate([low, high], ops.ndim(arr) - 1)
        return ops.swapaxes(take_along_axis(arr, idx, -1), -1, axis)
    if ops.dtype_of(arr).kind == "u":   # -a wraps: shift so that 0 stays the smallest
        one = ops.scalar_like(arr, 1)
        bottom = lax.sub(lax.neg(lax.top_k(lax.neg(lax.add(arr, one)), kth + 1)[0]), one)
    else:
        bottom = lax.neg(lax.top_k(lax.neg(arr), kth + 1)[0])
    top = lax.top_k(arr, n - kth - 1)[0]
    out = lax.concatenate([bottom, top], ops.ndim(arr) - 1)
    return ops.swapaxes(out, -1, axis)


def _total_order_key(x):
    """Signed integers ordered as IEEE's totalOrder of the floats ``x``."""
    bits = np.dtype(ops.dtype_of(x)).itemsize * 8
    ints = lax.bitcast_convert_type(x, np.dtype(f"int{bits}"))
    flip = lax.full_like(ints, 2 ** (bits - 1) - 1)
    negative = lax.lt(ints, lax.full_like(ints, 0))
    return lax.select(negative, lax.bitwise_xor(ints, flip), ints)


def argpartition(a, kth, axis=-1):
    """Indices that partition ``a`` (here: the indices that sort it, stably)."""
    from ._sorting import argsort
    a = ops.operand(a, "argpartition")
    axis = _axis("argpartition", axis, ops.ndim(a))
    _check_kth("argpartition", kth, ops.shape(a)[axis])
    return argsort(a, axis=axis)


def _check_kth(fname, kth, n):
    for k in np.atleast_1d(np.asarray(kth)).ravel():
        k = operator.index(k)
        if not -n <= k < n:
            raise ValueError(f"{fname}: kth {k} is out of bounds for an axis of length {n}")


# ------------------------------------------------------------------ float parts

def modf(x, /, out=None):
    """``(fractional part, integral part)``, both with the sign of ``x``."""
    if out is not None:
        raise NotImplementedError("modf: the out argument is not supported")
    x = ops.operand(x, "modf")
    x = ops.astype(x, ops.to_inexact_dtype(ops.dtype_of(x))) \
        if ops.dtype_of(x).kind not in "fc" else x
    whole = lax.select(ops.less(x, ops.scalar_like(x, 0)), lax.ceil(x), lax.floor(x))
    return ops.subtract(x, whole), whole


def _exp2_int(e, dt):
    """``2.0 ** e`` for integer ``e`` (as a float of dtype ``dt``)."""
    return lax.exp2(ops.astype(e, dt))


def _scale(x, e):
    """``x * 2**e`` without overflowing the intermediate power (two half steps)."""
    dt = ops.dtype_of(x)
    half = ops.floor_divide(e, 2)
    return ops.multiply(ops.multiply(x, _exp2_int(half, dt)),
                        _exp2_int(ops.subtract(e, half), dt))


def frexp(x, /):
    """``(mantissa, exponent)`` with ``x == mantissa * 2**exponent``, ``0.5 <= |m| < 1``."""
    x = ops.operand(x, "frexp")
    if ops.dtype_of(x).kind == "c":
        raise TypeError("frexp: complex values are not supported")
    if ops.dtype_of(x).kind != "f":
        x = ops.astype(x, ops.to_inexact_dtype(ops.dtype_of(x)))
    idt = np.dtype(np.int32)
    ax = ops.absolute(x)
    special = ops.logical_or(ops.equal(x, ops.scalar_like(x, 0)),
                             ops.logical_not(lax.is_finite(x)))
    safe = lax.select(special, _full(ax, 1), ax)
    e = ops.astype(lax.floor(lax.log(safe) / ops.scalar_like(safe, float(np.log(2.0)))), idt) + 1
    m = _scale(lax.select(special, _full(x, 1),
                          x), -e)
    for _ in range(2):  # correct the rounding of the logarithm
        big = ops.greater_equal(ops.absolute(m), ops.scalar_like(m, 1))
        small = ops.less(ops.absolute(m), ops.scalar_like(m, 0.5))
        m = lax.select(big, ops.multiply(m, ops.scalar_like(m, 0.5)), m)
        m = lax.select(small, ops.multiply(m, ops.scalar_like(m, 2)), m)
        e = e + ops.astype(big, idt) - ops.astype(small, idt)
    m = lax.select(special, x, m)
    e = lax.select(special, lax.full(ops.shape(e), 0, idt), e)
    return m, e


def ldexp(x1, x2, /, out=None):
    """``x1 * 2**x2`` (``x2`` integer)."""
    if out is not None:
        raise NotImplementedError("ldexp: the out argument is not supported")
    x1 = ops.operand(x1, "ldexp")
    x2 = ops.operand(x2, "ldexp", 1)
    if ops.dtype_of(x2).kind not in "iub":
        raise TypeError(f"ldexp: x2 must be an integer, got dtype {ops.dtype_of(x2).name}")
    if ops.dtype_of(x1).kind not in "fc":
        x1 = ops.astype(x1, ops.to_inexact_dtype(ops.dtype_of(x1)))
    x1, x2 = ops.promote_shapes("ldexp", x1, ops.astype(x2, np.int32))
    shape = ops.broadcast_shapes(ops.shape(x1), ops.shape(x2), fname="ldexp")
    x1, x2 = ops.broadcast_to(x1, shape), ops.broadcast_to(x2, shape)
    dt = ops.dtype_of(x1)
    if dt.kind == "f" and dt.itemsize < 4:  # one rounding: scale in float32, then narrow
        return ops.astype(_scale(ops.astype(x1, np.float32), x2), dt)
    return _scale(x1, x2)


# ------------------------------------------------------------------ unwrap, bits

def unwrap(p, discont=None, axis=-1, period=2 * np.pi):
    """``p`` with jumps larger than ``discont`` replaced by their ``period`` complement."""
    from ._sorting import cumsum
    p = ops.operand(p, "unwrap")
    if ops.dtype_of(p).kind not in "fc":
        p = ops.astype(p, ops.to_inexact_dtype(ops.dtype_of(p)))
    axis = _axis("unwrap", axis, ops.ndim(p))
    n = ops.shape(p)[axis]
    if n < 2:
        return p
    sl = [slice(None)] * ops.ndim(p)
    sl_hi, sl_lo = list(sl), list(sl)
    sl_hi[axis], sl_lo[axis] = slice(1, None), slice(None, -1)
    dd = ops.subtract(p[tuple(sl_hi)], p[tuple(sl_lo)])
    if discont is None:
        discont = period / 2
    high = period / 2
    ddmod = ops.add(ops.remainder(ops.add(dd, high), period), -high)
    if isinstance(period, (int, np.integer)) and period % 2 == 0:
        ddmod = lax.select(ops.logical_and(ops.equal(ddmod, ops.scalar_like(ddmod, -high)),
                                           ops.greater(dd, ops.scalar_like(dd, 0))),
                           _full(dd, high),
                           ddmod)
    correct = ops.subtract(ddmod, dd)
    correct = _where(ops.less(ops.absolute(dd), discont), 0, correct)
    shift = cumsum(correct, axis=axis)
    zero_shape = list(ops.shape(p))
    zero_shape[axis] = 1
    shift = lax.concatenate([lax.full(tuple(zero_shape), 0, ops.dtype_of(shift)),
                             ops.astype(shift, ops.dtype_of(shift))], axis)
    return ops.add(p, ops.astype(shift, ops.dtype_of(p)))


def bitwise_count(x, /):
    """The number of set bits in ``|x|`` (uint8, as NumPy and JAX)."""
    x = ops.operand(x, "bitwise_count")
    dt = ops.dtype_of(x)
    if dt.kind not in "iub":
        raise TypeError(f"bitwise_count: needs an integer or bool array, got {dt.name}")
    if dt.kind == "b":
        return ops.astype(x, np.uint8)
    if not isinstance(x, core.Tracer) and type(x) is int:
        x = ops.array(x)
    if dt.kind == "i":
        x = ops.absolute(x)
    return ops.astype(lax.population_count(x), np.uint8)


def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


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
    """The indices of the non-zero elements of the flattened ``a``.

    Differences: under ``jit`` pass ``size`` (and ``fill_value``): the output shape must be
    static, as in JAX.
    """
    from ._math import nonzero
    return nonzero(ops.ravel(ops.operand(a, "flatnonzero")), size=size,
                   fill_value=fill_value)[0]
