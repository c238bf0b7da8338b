"""Array creation: array/asarray, zeros/ones/full/empty (and *_like), arange, linspace, eye.

dtype rules are JAX's: float32 by default (float64 with x64), Python scalars weak,
``arange`` of Python ints gives the default int, ``linspace`` gives an inexact type.
"""

from __future__ import annotations

import operator

import ml_dtypes
import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

__all__ = [
    "array", "asarray", "copy", "zeros", "ones", "full", "empty", "zeros_like", "ones_like",
    "full_like", "empty_like", "arange", "linspace", "logspace", "eye", "identity",
    "tri", "tril", "triu", "meshgrid",
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
    return lax.full(_shape_arg("zeros", shape), 0, _dtype_arg(dtype, "zeros") or
                    dtypes.default_float_dtype())


def ones(shape, dtype=None):
    return lax.full(_shape_arg("ones", shape), 1, _dtype_arg(dtype, "ones") or
                    dtypes.default_float_dtype())


def empty(shape, dtype=None):
    """Like ``zeros``: plax arrays are immutable, so there is nothing to leave uninitialised."""
    return zeros(shape, _dtype_arg(dtype, "empty"))


def full_like(a, fill_value, dtype=None, shape=None):
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
    return full_like(a, 0, _dtype_arg(dtype, "zeros_like"), shape)


def ones_like(a, dtype=None, shape=None):
    return full_like(a, 1, _dtype_arg(dtype, "ones_like"), shape)


def empty_like(prototype, dtype=None, shape=None):
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
    return eye(n, dtype=_dtype_arg(dtype, "identity"))


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
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
    return _triangle("tril", m, k, True)


def triu(m, k=0):
    return _triangle("triu", m, k, False)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
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

