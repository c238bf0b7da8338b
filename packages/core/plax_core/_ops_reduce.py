"""Reductions with JAX's dtype rules (part of ``plax_core.ops``).

Import these through ``plax_core.ops``; this module only keeps ops.py short.
"""

from __future__ import annotations

import builtins

import numpy as np

from . import dtypes, lax
from ._ops_math import subtract
from ._ops_rules import broadcast_to, convert, operand, to_bool, to_inexact_dtype, upcast_f16
from ._ops_shape import canonicalize_axis, reduction_axes, reshape
from .array import Array
from .core import get_aval

# ------------------------------------------------------------------ reductions

def promote_integer_dtype(dt) -> np.dtype:
    """JAX's accumulation dtype of sum/prod: small ints and bool widen to the default."""
    dt = np.dtype(dt)
    if dt.kind == "b":
        return dtypes.default_int_dtype()
    if dt.kind == "i" and dt.itemsize < dtypes.default_int_dtype().itemsize:
        return dtypes.default_int_dtype()
    if dt.kind == "u" and dt.itemsize < dtypes.default_uint_dtype().itemsize:
        return dtypes.default_uint_dtype()
    return dt


def _keepdims(out, in_shape, axes, keepdims):
    if not keepdims:
        return out
    return reshape(out, tuple(1 if i in axes else d for i, d in enumerate(in_shape)))


def check_out(fname, out):
    """NumPy's ``out=`` argument, refused (plax arrays are immutable)."""
    if out is not None:
        raise NotImplementedError(f"{fname}: the 'out' argument is not supported; plax "
                                  f"arrays are immutable, use the return value")


# name -> (lax reducer for numbers, reducer for bool, combine with initial, identity)
_REDUCERS = {
    "sum": ("reduce_sum", "reduce_or", "add", 0),
    "prod": ("reduce_prod", "reduce_and", "mul", 1),
    "max": ("reduce_max", "reduce_or", "max", None),
    "min": ("reduce_min", "reduce_and", "min", None),
    "all": ("reduce_and", "reduce_and", "bitwise_and", True),
    "any": ("reduce_or", "reduce_or", "bitwise_or", False),
}
_BOOL_COMBINE = {"add": "bitwise_or", "mul": "bitwise_and", "max": "bitwise_or",
                 "min": "bitwise_and"}


# the primitive of a whole-array reduction that needs no conversion (``_reduction``'s
# fast path: ``jnp.sum(x)`` of a float32 array is this one primitive)
_WHOLE = {"sum": lax.reduce_sum_p, "prod": lax.reduce_prod_p, "max": lax.reduce_max_p,
          "min": lax.reduce_min_p}


def _reduction(name, x, axis=None, dtype=None, keepdims=False, initial=None, where=None):
    if (type(x) is Array and axis is None and dtype is None and initial is None
            and where is None and not keepdims and name in _WHOLE):
        aval = x._aval
        dt = aval.dtype
        if (not aval.weak_type and dt.kind in "iufc" and upcast_f16(dt) == dt
                and (aval.size > 0 if name in ("max", "min")         # those raise
                     else promote_integer_dtype(dt) == dt)):
            return _WHOLE[name].bind(x, axes=tuple(range(len(aval.shape))))
    x = operand(x, name)
    aval = get_aval(x)
    axes = reduction_axes(axis, aval.ndim, name)
    numeric, boolean, combine, identity = _REDUCERS[name]
    if name in ("all", "any"):
        x, result = to_bool(x), np.dtype(bool)
    elif dtype is not None:
        result = dtypes.canonicalize_dtype(dtype)
    elif name in ("sum", "prod"):
        result = promote_integer_dtype(aval.dtype)
    else:
        result = aval.dtype
    compute = upcast_f16(result)
    x = convert(x, compute, False)
    if identity is None and initial is None and builtins.any(aval.shape[a] == 0 for a in axes):
        raise ValueError(f"zero-size array to reduction operation {name} which has no "
                         f"identity")
    if where is not None:
        if identity is None and initial is None:
            raise ValueError(f"reduction operation {name} does not have an identity, so to "
                             f"use a where mask one has to specify 'initial'")
        mask = broadcast_to(to_bool(operand(where, name)), aval.shape, name)
        fill = identity if identity is not None else initial
        x = lax.select(mask, x, lax.full_like(x, fill))
    is_bool = compute == np.bool_
    out = getattr(lax, boolean if is_bool else numeric)(x, axes)
    if initial is not None:
        comb = _BOOL_COMBINE.get(combine, combine) if is_bool else combine
        out = getattr(lax, comb)(out, convert(operand(initial, name), compute, False))
    out = _keepdims(out, aval.shape, axes, keepdims)
    return convert(out, result, False)


def sum(x, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """The sum of the elements over ``axis`` (all axes when None), as ``numpy.sum``;
    ``keepdims`` keeps reduced axes as size 1.

    Differences: small integer types sum in the default integer type, as in JAX.
    """
    check_out("sum", out)
    return _reduction("sum", x, axis, dtype, keepdims, initial, where)


def prod(x, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """The product of the elements over ``axis`` (all axes when None), as ``numpy.prod``;
    ``keepdims`` keeps reduced axes as size 1.
    """
    check_out("prod", out)
    return _reduction("prod", x, axis, dtype, keepdims, initial, where)


def max(x, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """The maximum over ``axis`` (all axes when None), as ``numpy.max``; ``keepdims`` keeps
    reduced axes as size 1.
    """
    check_out("max", out)
    return _reduction("max", x, axis, None, keepdims, initial, where)


def min(x, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """The minimum over ``axis`` (all axes when None), as ``numpy.min``; ``keepdims`` keeps
    reduced axes as size 1.
    """
    check_out("min", out)
    return _reduction("min", x, axis, None, keepdims, initial, where)


def all(x, axis=None, out=None, keepdims=False, *, where=None):  # noqa: A001
    """Whether every element is true over ``axis`` (all axes when None), as ``numpy.all``;
    ``keepdims`` keeps reduced axes as size 1.
    """
    check_out("all", out)
    return _reduction("all", x, axis, None, keepdims, None, where)


def any(x, axis=None, out=None, keepdims=False, *, where=None):  # noqa: A001
    """Whether any element is true over ``axis`` (all axes when None), as ``numpy.any``;
    ``keepdims`` keeps reduced axes as size 1.
    """
    check_out("any", out)
    return _reduction("any", x, axis, None, keepdims, None, where)


def _count(shape, axes) -> int:
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def mean(x, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """The arithmetic mean over ``axis`` (all axes when None), as ``numpy.mean``; ``keepdims``
    keeps reduced axes as size 1.

    Integers average in the default float type, as in JAX.
    """
    check_out("mean", out)
    x = operand(x, "mean")
    aval = get_aval(x)
    axes = reduction_axes(axis, aval.ndim, "mean")
    result = (dtypes.canonicalize_dtype(dtype) if dtype is not None
              else to_inexact_dtype(aval.dtype))
    compute = upcast_f16(result)
    total = _reduction("sum", x, axes, compute, keepdims, None, where)
    if where is None:
        count = convert(_count(aval.shape, axes), compute)
    else:
        mask = broadcast_to(to_bool(operand(where, "mean")), aval.shape, "mean")
        count = _reduction("sum", mask, axes, compute, keepdims)
    return convert(lax.div(total, count), result)


def _real_dtype(dt) -> np.dtype:
    dt = np.dtype(dt)
    return {np.dtype(np.complex64): np.dtype(np.float32),
            np.dtype(np.complex128): np.dtype(np.float64)}.get(dt, dt)


def _variance(fname, x, axis, dtype, ddof, keepdims, where, correction, root):
    if where is not None:
        raise NotImplementedError(f"{fname}: the 'where' argument is not supported yet")
    if correction is not None:
        if ddof != 0:
            raise ValueError(f"{fname}: ddof and correction can't be provided simultaneously")
        ddof = correction
    x = operand(x, fname)
    aval = get_aval(x)
    axes = reduction_axes(axis, aval.ndim, fname)
    a_dt = aval.dtype
    if dtype is not None:
        result = dtypes.canonicalize_dtype(dtype)
        if dtypes.is_complex(a_dt) and not dtypes.is_complex(result):
            raise ValueError(f"{fname}: a real dtype cannot be used for the variance of "
                             f"complex values (got dtype={result.name} for {a_dt.name})")
        compute = result
    elif not dtypes.is_inexact(a_dt):
        result = compute = dtypes.default_float_dtype()
    else:
        result, compute = _real_dtype(a_dt), a_dt
    compute = upcast_f16(compute)
    x = convert(x, compute)
    centered = subtract(x, mean(x, axes, keepdims=True))
    if dtypes.is_complex(compute):
        squares = lax.real(lax.mul(centered, lax.conj(centered)))
    else:
        squares = lax.mul(centered, centered)
    real = get_aval(squares).dtype
    normalizer = convert(builtins.max(_count(aval.shape, axes) - ddof, 0), real)
    out = lax.div(_reduction("sum", squares, axes, real, keepdims), normalizer)
    if root:
        out = lax.sqrt(out)
    return convert(out, result)


def var(x, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
        correction=None):
    """The variance over ``axis`` (all axes when None), as ``numpy.var``; ``keepdims`` keeps
    reduced axes as size 1.

    ``ddof`` (or ``correction``) is subtracted from the count in the divisor.
    """
    check_out("var", out)
    return _variance("var", x, axis, dtype, ddof, keepdims, where, correction, False)


def std(x, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
        correction=None):
    """The standard deviation over ``axis`` (all axes when None), as ``numpy.std``;
    ``keepdims`` keeps reduced axes as size 1.

    ``ddof`` (or ``correction``) is subtracted from the count in the divisor.
    """
    check_out("std", out)
    return _variance("std", x, axis, dtype, ddof, keepdims, where, correction, True)


def _arg_reduction(name, laxfn, x, axis, keepdims):
    x = operand(x, name)
    aval = get_aval(x)
    if axis is None:
        flat, ax = reshape(x, (-1,)), 0
        size = aval.size
    else:
        ax = canonicalize_axis(axis, aval.ndim, name)
        flat, size = x, aval.shape[ax]
    if size == 0:
        raise ValueError(f"attempt to get {name} of an empty sequence")
    out = laxfn(flat, ax, dtypes.default_int_dtype())
    if keepdims:
        shape_ = ((1,) * aval.ndim if axis is None
                  else tuple(1 if i == ax else d for i, d in enumerate(aval.shape)))
        out = reshape(out, shape_)
    return out


def argmax(x, axis=None, out=None, keepdims=None):
    """The index of the first maximum along ``axis`` (of the flattened array when None)."""
    check_out("argmax", out)
    return _arg_reduction("argmax", lax.argmax, x, axis, bool(keepdims))


def argmin(x, axis=None, out=None, keepdims=None):
    """The index of the first minimum along ``axis`` (of the flattened array when None)."""
    check_out("argmin", out)
    return _arg_reduction("argmin", lax.argmin, x, axis, bool(keepdims))


_REDUCTIONS = {"sum": sum, "prod": prod, "max": max, "min": min, "all": all, "any": any,
               "mean": mean, "var": var, "std": std, "argmax": argmax, "argmin": argmin}


def reduce(op: str, x, axis=None, keepdims=False, dtype=None, **kwargs):
    """Dispatch a named NumPy reduction (``sum``, ``prod``, ``max``, ``min``, ``all``,
    ``any``, ``mean``, ``var``, ``std``, ``argmax``, ``argmin``)."""
    try:
        fn = _REDUCTIONS[op]
    except KeyError:
        raise ValueError(f"unknown reduction {op!r}; known: {', '.join(_REDUCTIONS)}") from None
    if dtype is not None:
        kwargs["dtype"] = dtype
    return fn(x, axis=axis, keepdims=keepdims, **kwargs)


