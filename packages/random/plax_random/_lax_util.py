"""Small helpers the samplers share: aval queries, broadcasting and dtype checks.

This module once also held stand-ins for primitives plax-core lacked (stable sorting,
``top_k``, ``take``/``searchsorted`` by one-hot comparisons, ``cumsum``, a Python
``while_loop``, ``cholesky`` and ``qr``).  Core has all of them now, and the samplers
call ``plax_core.lax.sort_key_val``, ``top_k``, ``cumsum``, ``while_loop``,
``cholesky``, ``qr``, ``eigh``, ``svd`` and gather-based indexing directly.
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes, lax, ops
from plax_core.core import get_aval


def shape(x) -> tuple:
    return get_aval(x).shape


def dtype(x) -> np.dtype:
    return get_aval(x).dtype


def where(c, x, y):
    """NumPy's three-argument ``where`` (same dtypes for x and y, or Python scalars)."""
    c = ops.operand(c)
    x, y = ops.promote_args("where", x, y)
    out = ops.broadcast_shapes(shape(c), shape(x), shape(y))
    return lax.select(ops.broadcast_to(c, out), ops.broadcast_to(x, out),
                      ops.broadcast_to(y, out))


_PY_SCALARS = (bool, int, float, complex)


def bcast(fn, *args):
    """``fn`` (a lax function) applied after NumPy-style broadcasting of its arguments.

    Python scalars and 0-d arrays are left to lax (which gives a Python scalar the
    other operand's dtype, weakly typed, and broadcasts 0-d operands).
    """
    arrs = [a if type(a) in _PY_SCALARS else ops.operand(a) for a in args]
    shapes = [shape(a) for a in arrs if type(a) not in _PY_SCALARS]
    out = ops.broadcast_shapes(*shapes, fname=getattr(fn, "__name__", "lax"))
    return fn(*[a if type(a) in _PY_SCALARS or shape(a) in (out, ()) else
                ops.broadcast_to(a, out) for a in arrs])


def full_like(x, value, dt=None):
    return lax.full(shape(x), value, dtype(x) if dt is None else dt)


def promote_inexact(*xs):
    return ops.promote_dtypes_inexact(*xs)


def canonical_float(dt, name: str, kinds: str = "f", what: str = "a float"):
    """``dt`` (None -> default float) canonicalised, or JAX's ValueError."""
    dt = dtypes.check_user_dtype(float if dt is None else dt, name)
    kind = "f" if dtypes.is_float(dt) else dt.kind
    if kind not in kinds:
        raise ValueError(f"dtype argument to `{name}` must be {what} dtype, got {dt.name}")
    return dt


def check_arraylike(name: str, *args) -> None:
    """JAX's check for samplers: arrays and scalars only (lists are refused)."""
    for i, a in enumerate(args):
        if isinstance(a, (list, tuple)):
            raise TypeError(f"plax.random.{name} requires array or scalar arguments, got "
                            f"{type(a).__name__} at position {i}; wrap it in "
                            f"plax.numpy.asarray")
    ops.check_arraylike(name, *args)
