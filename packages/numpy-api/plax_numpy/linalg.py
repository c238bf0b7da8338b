"""``plax.numpy.linalg``: norms, decompositions, solvers and the spectral functions."""

from __future__ import annotations

import numpy as np

from plax_core import ops
from plax_core.core import get_aval

from . import _linalg
from ._linalg import *  # noqa: F403

__all__ = ["norm", "vector_norm", "matrix_norm"]


def _abs(x):
    return ops.absolute(x)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        a = _abs(x)
        return _sqrt(ops.sum(ops.multiply(a, a), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return ops.max(_abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return ops.min(_abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return ops.sum(ops.not_equal(x, 0), axis=axis, keepdims=keepdims,
                       dtype=_real_dtype(x))
    if ord == 1:
        return ops.sum(_abs(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
    p = float(ord)
    s = ops.sum(ops.power(_abs(x), p), axis=axis, keepdims=keepdims)
    return ops.power(s, 1.0 / p)


def _real_dtype(x):
    dt = get_aval(x).dtype
    return {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}.get(
        dt, dt)


def _sqrt(x):
    from plax_core import lax
    return lax.sqrt(x)


def _matrix_norm(x, ord, axes, keepdims):
    row, col = axes
    if ord in (None, "fro", "f"):
        a = _abs(x)
        return _sqrt(ops.sum(ops.multiply(a, a), axis=axes, keepdims=keepdims))
    if ord in (1, -1):
        sums = ops.sum(_abs(x), axis=row, keepdims=True)
        red = ops.max if ord == 1 else ops.min
        out = red(sums, axis=col, keepdims=True)
    elif ord in (np.inf, -np.inf):
        sums = ops.sum(_abs(x), axis=col, keepdims=True)
        red = ops.max if ord == np.inf else ops.min
        out = red(sums, axis=row, keepdims=True)
    elif ord in (2, -2, "nuc"):
        return _linalg.spectral_matrix_norm(x, ord, axes, keepdims)
    else:
        raise ValueError(f"norm: invalid norm order {ord!r} for matrices")
    return out if keepdims else ops.squeeze(out, axes)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as ``numpy.linalg.norm`` (every ``ord``)."""
    (x,) = ops.promote_dtypes_inexact(ops.operand(x, "norm"))
    nd = get_aval(x).ndim
    if axis is None:
        if ord is None:
            return _vector_norm(ops.ravel(x) if not keepdims else x, None,
                                None, keepdims)
        if nd == 1:
            return _vector_norm(x, ord, None, keepdims)
        if nd == 2:
            return _matrix_norm(x, ord, (0, 1), keepdims)
        raise ValueError(f"norm: improper number of dimensions ({nd}) to norm with "
                         f"ord={ord!r}; give axis")
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        axes = tuple(ops.canonicalize_axis(a, nd, "norm") for a in axis)
        if axes[0] == axes[1]:
            raise ValueError("norm: duplicate axes given")
        return _matrix_norm(x, ord, axes, keepdims)
    if isinstance(axis, (tuple, list)):
        if len(axis) != 1:
            raise ValueError(f"norm: axis must be an int or a pair of ints, got {axis}")
        axis = axis[0]
    return _vector_norm(x, ord, ops.canonicalize_axis(axis, nd, "norm"), keepdims)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """The ``ord``-norm of vectors along ``axis`` (all elements when None)."""
    (x,) = ops.promote_dtypes_inexact(ops.operand(x, "vector_norm"))
    if axis is None:
        out = _vector_norm(ops.ravel(x), ord, None, False)
        return ops.reshape(out, (1,) * get_aval(x).ndim) if keepdims else out
    return _vector_norm(x, ord, axis, keepdims)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """The norm of each matrix over the last two axes (``ord`` as ``numpy.linalg.norm``)."""
    (x,) = ops.promote_dtypes_inexact(ops.operand(x, "matrix_norm"))
    return _matrix_norm(x, ord, (-2 % get_aval(x).ndim, -1 % get_aval(x).ndim), keepdims)


def _numpy_function(name):
    def fn(*args, **kwargs):
        import plax_numpy
        return getattr(plax_numpy, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``plax.numpy.{name}``, under ``numpy.linalg``'s name."
    return fn


cross, outer, trace, vecdot, matmul, matrix_transpose, diagonal, tensordot = map(
    _numpy_function, ("cross", "outer", "trace", "vecdot", "matmul", "matrix_transpose",
                      "diagonal", "tensordot"))

__all__ += _linalg.__all__ + ["cross", "outer", "trace", "vecdot", "matmul",
                              "matrix_transpose", "diagonal", "tensordot"]
