"""Tangent values: symbolic zeros, float0, undefined primals, and adding tangents.

Forward mode carries a tangent next to every primal.  Most tangents in a program are
zero (constants, integer values, arguments nobody differentiates), so a zero tangent
is the symbolic ``Zero(aval)`` rather than an array: rules skip it, and it only
becomes an array (``instantiate``) where an operation really needs one.

Integer and boolean values have no derivative; as in JAX their tangents and
cotangents have the dtype ``float0`` (zero bytes per element), and they are always
symbolic zeros inside plax.  ``float0`` arrays only appear at the API boundary.

``UndefinedPrimal(aval)`` marks the linear inputs of an equation while a linear
jaxpr is transposed: the value is unknown, only its type matters.
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes, lax
from plax_core.core import ShapedArray, get_aval

float0 = dtypes.float0


def is_differentiable_dtype(dtype) -> bool:
    """Floating and complex values have derivatives; ints, bools and float0 do not."""
    dtype = np.dtype(dtype)
    return dtype != float0 and dtypes.is_inexact(dtype)


def tangent_aval(aval: ShapedArray) -> ShapedArray:
    """The type of tangents of values of type ``aval`` (float0 for non-floats)."""
    if is_differentiable_dtype(aval.dtype):
        return aval
    return ShapedArray(aval.shape, float0, False)


class Zero:
    """A symbolic zero tangent (or cotangent) of type ``aval``."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    @staticmethod
    def from_value(x) -> Zero:
        """The zero tangent for the primal value ``x``."""
        return Zero(tangent_aval(get_aval(x)))

    def __repr__(self):
        return f"Zero({self.aval.str_short()})"


def is_zero(t) -> bool:
    return type(t) is Zero


class UndefinedPrimal:
    """A linear input of an equation being transposed: only its type is known."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self):
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x) -> bool:
    return type(x) is UndefinedPrimal


def float0_zeros(shape) -> np.ndarray:
    """A float0 array, the tangent of an integer or boolean value at the API boundary."""
    return np.zeros(shape, dtype=float0)


def zeros_like_aval(aval: ShapedArray):
    """Zeros of type ``aval`` (float0 zeros as a NumPy array), weak type included."""
    if aval.dtype == float0:
        return float0_zeros(aval.shape)
    zero = lax.convert_element_type_p.bind(np.zeros((), aval.dtype), new_dtype=aval.dtype,
                                           weak_type=aval.weak_type, sharding=None)
    if not aval.shape:
        return zero
    return lax.broadcast_in_dim_p.bind(zero, shape=aval.shape, broadcast_dimensions=(),
                                       sharding=None)


def instantiate(t):
    """``t`` as an array: symbolic zeros become zeros of their type."""
    return zeros_like_aval(t.aval) if type(t) is Zero else t


def add_tangents(x, y):
    """The sum of two tangents of the same type, with symbolic zeros short-cut."""
    if type(x) is Zero:
        return y
    if type(y) is Zero:
        return x
    return lax.add_p.bind(x, y)


def value_aval(x) -> ShapedArray:
    """``get_aval`` that also accepts float0 NumPy arrays (tangents of integers)."""
    if isinstance(x, np.ndarray) and x.dtype == float0:
        return ShapedArray(x.shape, float0, False)
    return get_aval(x)


__all__ = [
    "UndefinedPrimal", "Zero", "add_tangents", "float0", "float0_zeros",
    "instantiate", "is_differentiable_dtype", "is_undefined", "is_zero", "tangent_aval",
    "value_aval", "zeros_like_aval",
]
