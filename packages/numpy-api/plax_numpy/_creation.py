"""Array creation: array/asarray, zeros/ones/full/empty (and *_like), arange, linspace, eye;
geomspace, grids (indices, mgrid, ogrid, fromfunction), diag and the triangle/diagonal
index helpers, vander.

dtype rules are JAX's: float32 by default (float64 with x64), Python scalars weak,
``arange`` of Python ints gives the default int, ``linspace`` gives an inexact type.
"""

from __future__ import annotations

import operator

import ml_dtypes
import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

from ._linear import diagonal
from ._shape import stack

__all__ = [
    "array", "asarray", "copy", "zeros", "ones", "full", "empty", "zeros_like", "ones_like",
    "full_like", "empty_like", "arange", "linspace", "logspace", "eye", "identity",
    "tri", "tril", "triu", "meshgrid",
    "geomspace", "indices", "fromfunction", "mgrid", "ogrid", "diag", "diagflat",
    "tril_indices", "triu_indices", "tril_indices_from", "triu_indices_from",
    "diag_indices", "diag_indices_from", "mask_indices", "vander",
]


def _dtype_arg(dtype, fname):
    """The canonical dtype the user asked for; warns, as JAX does, if x64 narrows it."""
    return dtypes.check_user_dtype(dtype, fname)


def _shape_arg(fname, shape):
    if isinstance(shape, (int, np.integer)) or hasattr(shape, "__index__") and not hasattr(
            shape, "__len__"):
        shape = (shape,)
    try:
        shape = tuple(operator.index(core.concrete_or_error(None, d, f"{fname} shape"))
                      for d in shape)
    except TypeError as e:
        if isinstance(e, core.ConcretizationTypeError):
            raise
        raise TypeError(f"{fname}: shape must be an int or a sequence of ints, got "
                        f"{shape!r}") from None
    if any(d < 0 for d in shape):
        raise TypeError(f"{fname}: negative dimensions are not allowed, got shape {shape}")
    return shape


def array(object, dtype=None, copy=True, order="K", ndmin=0):  # noqa: A002
    """Make a plax array (like ``jnp.array``): lists of traced values are stacked."""
    if order not in ("K", "A", "C", None):
        raise NotImplementedError(f"array: only C order is supported, got order={order!r}")
    if object is None:
        raise TypeError("array: None is not a valid array value")
    out = ops.array(object, _dtype_arg(dtype, "array"))
    nd = len(get_aval(out).shape)
    if ndmin > nd:
        out = ops.reshape(out, (1,) * (ndmin - nd) + get_aval(out).shape)
    return out


def asarray(a, dtype=None, order=None, *, copy=None):
    """``a`` as a plax array; plax arrays and tracers pass through unchanged."""
    return array(a, dtype=_dtype_arg(dtype, "asarray"), copy=False, order=order or "K")


def copy(a, order=None):
    """A copy of ``a`` as a new array."""
    return array(a, copy=True)


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value`` (weakly typed if it is a Python
    scalar and no dtype is given, as in JAX)."""
    shape = _shape_arg("full", shape)
    dt = _dtype_arg(dtype, "full")
    fill = ops.operand(fill_value, "full")
    if get_aval(fill).ndim == 0:
        return lax.full(shape, fill, dt)
    return ops.broadcast_to(fill if dt is None else ops.astype(fill, dt), shape, "full")


def zeros(shape, dtype=None):
    """An array of ``shape`` filled with zeros (default dtype: the default float)."""
    return lax.full(_shape_arg("zeros", shape), 0, _dtype_arg(dtype, "zeros") or
                    dtypes.default_float_dtype())


def ones(shape, dtype=None):
    """An array of ``shape`` filled with ones (default dtype: the default float)."""
    return lax.full(_shape_arg("ones", shape), 1, _dtype_arg(dtype, "ones") or
                    dtypes.default_float_dtype())


def empty(shape, dtype=None):
    """Like ``zeros``: plax arrays are immutable, so there is nothing to leave uninitialised."""
    return zeros(shape, _dtype_arg(dtype, "empty"))


def full_like(a, fill_value, dtype=None, shape=None):
    """An array shaped like ``a`` filled with ``fill_value``."""
    a = ops.operand(a, "full_like")
    dt = _dtype_arg(dtype, "full_like")
    if shape is not None:
        shape = _shape_arg("full_like", shape)
    fill = ops.operand(fill_value, "full_like")
    if get_aval(fill).ndim == 0:
        return lax.full_like(a, fill, dt, shape)
    aval = get_aval(a)
    return full(aval.shape if shape is None else shape, fill, dt or aval.dtype)


def zeros_like(a, dtype=None, shape=None):
    """An array shaped like ``a`` filled with zeros."""
    return full_like(a, 0, _dtype_arg(dtype, "zeros_like"), shape)


def ones_like(a, dtype=None, shape=None):
    """An array shaped like ``a`` filled with ones."""
    return full_like(a, 1, _dtype_arg(dtype, "ones_like"), shape)


def empty_like(prototype, dtype=None, shape=None):
    """An array shaped like ``prototype``; zeros, since plax arrays are never uninitialised."""
    return zeros_like(prototype, _dtype_arg(dtype, "empty_like"), shape)


def _concrete(fname, what, x):
    return core.concrete_or_error(None, x, f"{fname} argument '{what}'")


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (arguments must be concrete).

    The dtype is JAX's: ``result_type`` of the arguments (Python ints -> the default
    int, floats -> the default float), not weakly typed.
    """
    start = _concrete("arange", "start", start)
    stop = None if stop is None else _concrete("arange", "stop", stop)
    step = None if step is None else _concrete("arange", "step", step)
    if step is not None and np.all(np.asarray(step) == 0):
        raise ZeroDivisionError(f"arange: step must not be zero, got step={step!r} "
                                f"(start={start!r}, stop={stop!r})")  # JAX's class
    if dtype is None:
        dt = dtypes.result_type(*(x for x in (start, stop, step) if x is not None))
    else:
        dt = _dtype_arg(dtype, "arange")
    if stop is None and step is None:
        start_value = np.asarray(start)
        if start_value.dtype.kind == "c":
            raise TypeError("arange: complex arguments are not supported")
        size = max(int(np.ceil(start_value)), 0)
        return lax.iota(dt, size)
    args = [np.asarray(x).item() for x in (start, stop, step) if x is not None]
    compute = np.float32 if dt in (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16)) else dt
    return array(np.arange(*args, dtype=compute).astype(dt), dtype=dt)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced samples over ``[start, stop]`` (JAX's dtype rules)."""
    num = operator.index(_concrete("linspace", "num", num))
    if num < 0:
        raise ValueError(f"linspace: number of samples, {num}, must be non-negative")
    start, stop = ops.operand(start, "linspace"), ops.operand(stop, "linspace", 1)
    if dtype is None:
        dt = ops.to_inexact_dtype(dtypes.result_type(start, stop))
    else:
        dt = _dtype_arg(dtype, "linspace")
    compute = ops.upcast_f16(ops.to_inexact_dtype(dt))
    start, stop = ops.convert(start, compute), ops.convert(stop, compute)
    bshape = ops.broadcast_shapes(get_aval(start).shape, get_aval(stop).shape,
                                  fname="linspace")
    start = ops.broadcast_to(start, bshape, "linspace")
    stop = ops.broadcast_to(stop, bshape, "linspace")
    axis = ops.canonicalize_axis(axis, len(bshape) + 1, "linspace")
    out_shape = bshape[:axis] + (num,) + bshape[axis:]
    s = ops.expand_dims(start, axis)
    e = ops.expand_dims(stop, axis)
    div = (num - 1) if endpoint else num
    if div > 0:
        delta = lax.div(lax.sub(stop, start), ops.convert(div, compute))
        t = lax.broadcasted_iota(compute, out_shape, axis)
        t = lax.div(t, ops.convert(div, compute))
        one = ops.convert(1, compute)
        out = lax.add(lax.mul(ops.broadcast_to(s, out_shape), lax.sub(one, t)),
                      lax.mul(ops.broadcast_to(e, out_shape), t))
        if endpoint:
            head = lax.slice_in_dim(out, 0, num - 1, axis=axis)
            out = lax.concatenate([head, e], axis)
    else:
        delta = lax.full_like(start, np.nan) if num == 1 and endpoint else lax.sub(stop, start)
        if num == 0:
            delta = lax.full_like(start, np.nan)
        out = ops.broadcast_to(s, out_shape) if num else lax.full(out_shape, 0, compute)
    if dtypes.is_int(dt) or dtypes.is_bool(dt):
        out = lax.floor(out)
    out = ops.convert(out, dt)
    if retstep:
        return out, ops.convert(delta, ops.to_inexact_dtype(dt))
    return out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``num`` numbers spaced evenly on a log scale from ``base**start`` to ``base**stop``."""
    dt = _dtype_arg(dtype, "logspace")
    out = ops.power(base, linspace(start, stop, num, endpoint, axis=axis))
    return out if dt is None else ops.astype(out, dt)


def _eye_mask(n, m, k):
    rows = lax.broadcasted_iota(np.int32, (n, m), 0)
    cols = lax.broadcasted_iota(np.int32, (n, m), 1)
    return rows, cols, ops.convert(k, np.int32)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803  (NumPy's names)
    """A 2-d array with ones on the ``k``-th diagonal."""
    n = operator.index(_concrete("eye", "N", N))
    m = n if M is None else operator.index(_concrete("eye", "M", M))
    k = operator.index(_concrete("eye", "k", k))
    if n < 0 or m < 0:
        raise ValueError(f"eye: negative dimensions are not allowed, got N={n}, M={m}")
    rows, cols, kk = _eye_mask(n, m, k)
    mask = lax.eq(lax.add(rows, kk), cols)
    return ops.convert(mask, _dtype_arg(dtype, "eye") or dtypes.default_float_dtype())


def identity(n, dtype=None):
    """The ``n``-by-``n`` identity matrix."""
    return eye(n, dtype=_dtype_arg(dtype, "identity"))


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
    """An ``N``-by-``M`` array with ones at and below diagonal ``k``."""
    n = operator.index(_concrete("tri", "N", N))
    m = n if M is None else operator.index(_concrete("tri", "M", M))
    rows, cols, kk = _eye_mask(n, m, operator.index(k))
    return ops.convert(lax.ge(lax.add(rows, kk), cols),
                       _dtype_arg(dtype, "tri") or dtypes.default_float_dtype())


def _triangle(fname, m, k, lower):
    m = ops.operand(m, fname)
    shape = get_aval(m).shape
    if len(shape) < 2:
        raise ValueError(f"{fname}: input must be at least 2-d, got shape {shape}")
    n, c = shape[-2:]
    rows, cols, kk = _eye_mask(n, c, operator.index(k))
    mask = lax.ge(lax.add(rows, kk), cols) if lower else lax.le(lax.add(rows, kk), cols)
    mask = ops.broadcast_to(mask, shape, fname)
    return lax.select(mask, m, lax.full_like(m, 0))


def tril(m, k=0):
    """``m`` with the elements above diagonal ``k`` zeroed."""
    return _triangle("tril", m, k, True)


def triu(m, k=0):
    """``m`` with the elements below diagonal ``k`` zeroed."""
    return _triangle("triu", m, k, False)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate matrices from coordinate vectors (``indexing='xy'`` or ``'ij'``)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xi = [ops.ravel(ops.operand(x, "meshgrid", i)) for i, x in enumerate(xi)]
    shape = [get_aval(x).shape[0] for x in xi]
    if indexing == "xy" and len(xi) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, x in enumerate(xi):
        axis = i
        if indexing == "xy" and len(xi) > 1 and i < 2:
            axis = 1 - i
        s = [1] * len(xi)
        s[axis] = get_aval(x).shape[0]
        x = ops.reshape(x, tuple(s))
        out.append(x if sparse else ops.broadcast_to(x, tuple(shape), "meshgrid"))
    return out


# ------------------------------------------------------------------ grids and indices

def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Samples evenly spaced on a log scale; the end points are exact."""
    dt = dtypes.check_user_dtype(dtype, "geomspace")
    start, stop = ops.promote_args_inexact("geomspace", start, stop)
    if ops.dtype_kind(start) == "c":
        raise NotImplementedError("geomspace: complex end points are not supported")
    num = _int("geomspace", "num", num)
    sign = lax.sign(start)
    lo, hi = lax.log(lax.abs(start)), lax.log(lax.abs(stop))
    out = lax.exp(linspace(lo, hi, num, endpoint=endpoint, axis=axis))
    bshape = get_aval(lo).shape
    axis_c = ops.canonicalize_axis(axis, len(bshape) + 1, "geomspace")
    out = ops.multiply(ops.expand_dims(sign, axis_c), out)
    if num:
        s, e = ops.expand_dims(start, axis_c), ops.expand_dims(stop, axis_c)
        parts = [s]
        if num > 1:
            parts.append(lax.slice_in_dim(out, 1, num - 1 if endpoint else num, axis=axis_c))
            if endpoint:
                parts.append(e)
        out = lax.concatenate([ops.convert(p, get_aval(out).dtype) for p in parts], axis_c)
    return out if dt is None else ops.astype(out, dt)


def indices(dimensions, dtype=None, sparse=False):
    """An array of index grids of ``dimensions`` (one per axis; ``sparse`` for broadcastable
    ones).
    """
    dims = tuple(_int("indices", "dimensions", d) for d in dimensions)
    dt = dtypes.check_user_dtype(dtype, "indices") or dtypes.default_int_dtype()
    out = []
    for i, d in enumerate(dims):
        if sparse:
            shape = tuple(d if j == i else 1 for j in range(len(dims)))
        else:
            shape = dims
        out.append(lax.broadcasted_iota(dt, shape, i))
    if sparse:
        return tuple(out)
    return stack(out) if out else lax.full((0,), 0, dt)


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """``function(*indices(shape))`` (``function`` sees whole index arrays, as in NumPy)."""
    return function(*indices(shape, dtype=dtypes.check_user_dtype(dtype, "fromfunction")),
                    **kwargs)


def _grid_axis(s):
    if not isinstance(s, slice):
        raise TypeError(f"mgrid/ogrid: index with slices, got {s!r}")
    start = 0 if s.start is None else s.start
    step = 1 if s.step is None else s.step
    if isinstance(step, complex) or np.iscomplexobj(step):
        return linspace(start, s.stop, int(abs(step)), endpoint=True)
    return arange(start, s.stop, step)


class _Grid:
    def __init__(self, sparse, name):
        self.sparse, self.name = sparse, name

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _grid_axis(key)
        axes = [_grid_axis(s) for s in key]
        if not axes:
            return array([], dtype=dtypes.default_int_dtype())
        axes = ops.promote_dtypes(*axes) if len(axes) > 1 else axes
        n = len(axes)
        shapes = [get_aval(a).shape[0] for a in axes]
        out = []
        for i, a in enumerate(axes):
            a = ops.reshape(a, tuple(shapes[i] if j == i else 1 for j in range(n)))
            out.append(a if self.sparse else ops.broadcast_to(a, tuple(shapes), self.name))
        return out if self.sparse else stack(out)

    def __repr__(self):
        return f"plax.numpy.{self.name}"


mgrid = _Grid(False, "mgrid")
ogrid = _Grid(True, "ogrid")


def diag(v, k=0):
    """The ``k``-th diagonal of a 2-d array, or a 2-d array with ``v`` on it (1-d ``v``)."""
    v = ops.operand(v, "diag")
    k = _int("diag", "k", k)
    shape = get_aval(v).shape
    if len(shape) == 2:
        return diagonal(v, k)
    if len(shape) != 1:
        raise ValueError(f"diag: input must be 1-d or 2-d, got shape {shape}")
    n = shape[0] + abs(k)
    padded = lax.pad(v, lax.full((), 0, get_aval(v).dtype), ((0, abs(k), 0),))
    along = ops.reshape(padded, (n, 1) if k >= 0 else (1, n))
    rows = lax.broadcasted_iota(np.int32, (n, n), 0)
    cols = lax.broadcasted_iota(np.int32, (n, n), 1)
    mask = lax.eq(lax.add(rows, ops.convert(k, np.int32)), cols)
    return lax.select(mask, ops.broadcast_to(along, (n, n), "diag"),
                      lax.full((n, n), 0, get_aval(v).dtype))


def diagflat(v, k=0):
    """A 2-d array with the flattened input on diagonal ``k``."""
    return diag(ops.ravel(ops.operand(v, "diagflat")), k)


def _index_tuple(idx):
    return tuple(array(i.astype(np.int64), dtype=dtypes.default_int_dtype()) for i in idx)


def tril_indices(n, k=0, m=None):
    """The indices of the lower triangle (at and below diagonal ``k``) of an ``n``-by-``m``
    array.
    """
    return _index_tuple(np.tril_indices(_int("tril_indices", "n", n), _int(
        "tril_indices", "k", k), None if m is None else _int("tril_indices", "m", m)))


def triu_indices(n, k=0, m=None):
    """The indices of the upper triangle (at and above diagonal ``k``) of an ``n``-by-``m``
    array.
    """
    return _index_tuple(np.triu_indices(_int("triu_indices", "n", n), _int(
        "triu_indices", "k", k), None if m is None else _int("triu_indices", "m", m)))


def _shape_2d(fname, arr):
    shape = ops.shape(arr)
    if len(shape) != 2:
        raise ValueError(f"{fname}: input array must be 2-d, got shape {shape}")
    return shape


def tril_indices_from(arr, k=0):
    """The indices of the lower triangle of ``arr``."""
    n, m = _shape_2d("tril_indices_from", arr)
    return tril_indices(n, k, m)


def triu_indices_from(arr, k=0):
    """The indices of the upper triangle of ``arr``."""
    n, m = _shape_2d("triu_indices_from", arr)
    return triu_indices(n, k, m)


def diag_indices(n, ndim=2):
    """The indices of the main diagonal of an ``n``-by-``n`` (``ndim``-d) array."""
    n, ndim = _int("diag_indices", "n", n), _int("diag_indices", "ndim", ndim)
    if n < 0 or ndim < 0:
        raise ValueError(f"diag_indices: n and ndim must be non-negative, got {n}, {ndim}")
    return (lax.iota(dtypes.default_int_dtype(), n),) * ndim


def diag_indices_from(arr):
    """The indices of the main diagonal of the square array ``arr``."""
    shape = ops.shape(arr)
    if len(shape) < 2 or len(set(shape)) != 1:
        raise ValueError(f"diag_indices_from: input must be at least 2-d with all "
                         f"dimensions equal, got shape {shape}")
    return diag_indices(shape[0], len(shape))


def mask_indices(n, mask_func, k=0, *, size=None):
    """Indices where ``mask_func(ones((n, n)), k)`` is nonzero (a concrete computation)."""
    from ._math import nonzero
    return nonzero(mask_func(ones((_int("mask_indices", "n", n),) * 2), k), size=size)


def vander(x, N=None, increasing=False):  # noqa: N803  (NumPy's name)
    """The Vandermonde matrix of ``x``: columns are powers of ``x`` (decreasing unless
    ``increasing``).
    """
    x = ops.operand(x, "vander")
    shape = get_aval(x).shape
    if len(shape) != 1:
        raise ValueError(f"vander: x must be 1-d, got shape {shape}")
    n = shape[0] if N is None else _int("vander", "N", N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {n}")
    powers = lax.iota(dtypes.default_int_dtype(), n)
    if not increasing:
        powers = lax.rev(powers, (0,))
    return ops.power(ops.reshape(x, (-1, 1)), ops.reshape(powers, (1, -1)))
