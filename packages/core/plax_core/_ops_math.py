"""NumPy's arithmetic, comparison, bitwise and matrix operators over lax (part of
``plax_core.ops``): JAX's promotion, NumPy's broadcasting and floor semantics for
integer division and remainder."""

from __future__ import annotations

import operator

import numpy as np

from . import dtypes, lax
from ._ops_rules import (
    _one,
    _type_error,
    _zero,
    array,
    as_array,
    broadcast_shapes,
    broadcast_to,
    convert,
    dtype_kind,
    dtype_of,
    operand,
    promote_args,
    promote_args_inexact,
    promote_args_numeric,
    promote_dtypes,
    promote_dtypes_numeric,
    promote_shapes,
    scalar_like,
    to_bool,
    upcast_f16,
)
from ._ops_shape import reshape
from .core import get_aval

# ------------------------------------------------------------------ binary ops

def add(x, y):
    """Elementwise ``x + y`` with NumPy broadcasting and JAX's type promotion."""
    x, y = promote_args("add", x, y)
    return lax.bitwise_or(x, y) if dtype_kind(x) == "b" else lax.add(x, y)


def subtract(x, y):
    """Elementwise ``x - y`` with NumPy broadcasting and JAX's type promotion."""
    x, y = promote_args("subtract", x, y)
    if dtype_kind(x) == "b":
        raise TypeError("subtract: the `-` operator is not supported for boolean arrays; "
                        "use logical_xor or `^` instead")
    return lax.sub(x, y)


def multiply(x, y):
    """Elementwise ``x * y`` with NumPy broadcasting and JAX's type promotion."""
    x, y = promote_args("multiply", x, y)
    return lax.bitwise_and(x, y) if dtype_kind(x) == "b" else lax.mul(x, y)


def true_divide(x, y):
    """Elementwise true division ``x / y``; integers promote to the default float."""
    x, y = promote_args_inexact("true_divide", x, y)
    return lax.div(x, y)


divide = true_divide


def floor_divide(x, y):
    """Elementwise ``x // y``, rounding toward negative infinity as NumPy does."""
    x, y = promote_args_numeric("floor_divide", x, y)
    kind = dtype_kind(x)
    if kind == "u":
        return lax.div(x, y)
    if kind == "i":
        quotient = lax.div(x, y)
        rem = lax.rem(x, y)
        fix = lax.bitwise_and(lax.ne(lax.sign(x), lax.sign(y)), lax.ne(rem, _zero(rem)))
        return lax.select(fix, lax.sub(quotient, _one(quotient)), quotient)
    if kind == "c":
        raise _type_error("floor_divide", "complex numbers", x)
    return _float_divmod(x, y)[0]


def _float_divmod(x, y):
    mod = lax.rem(x, y)
    div = lax.div(lax.sub(x, mod), y)
    fix = lax.bitwise_and(lax.ne(mod, _zero(mod)), lax.ne(lax.lt(y, _zero(y)),
                                                          lax.lt(mod, _zero(mod))))
    mod = lax.select(fix, lax.add(mod, y), mod)
    div = lax.select(fix, lax.sub(div, _one(div)), div)
    return lax.round(div, lax.RoundingMethod.TO_NEAREST_EVEN), mod


def remainder(x, y):
    """NumPy's remainder: the result has the sign of the divisor."""
    x, y = promote_args_numeric("remainder", x, y)
    kind = dtype_kind(x)
    if kind == "c":
        raise _type_error("remainder", "complex numbers", x)
    if kind in "iu":
        y = lax.select(lax.eq(y, _zero(y)), lax.full_like(y, 1), y)
    mod = lax.rem(x, y)
    if kind == "u":
        return mod
    fix = lax.bitwise_and(lax.ne(mod, _zero(mod)),
                          lax.ne(lax.lt(mod, _zero(mod)), lax.lt(y, _zero(y))))
    return lax.select(fix, lax.add(mod, y), mod)


mod = remainder


def divmod(x, y):  # noqa: A001  (NumPy's name)
    """``(floor_divide(x, y), remainder(x, y))`` elementwise, as ``numpy.divmod``."""
    x, y = promote_args_numeric("divmod", x, y)
    if dtype_kind(x) == "f":
        return _float_divmod(x, y)
    return floor_divide(x, y), remainder(x, y)


def power(x, y):
    """NumPy's power with JAX's rules: a Python int exponent uses ``integer_pow``."""
    if isinstance(y, (int, np.integer)) and not isinstance(y, (bool, np.bool_)):
        (x,) = promote_dtypes_numeric(operand(x, "power"))
        if dtype_kind(x) in "iu" and y < 0:
            raise ValueError("power: integers to negative integer powers are not allowed")
        return lax.integer_pow(x, int(y))
    x, y = promote_args_numeric("power", x, y)
    if dtype_kind(x) not in "iu":
        return lax.pow(x, y)
    # integer ** integer array: binary exponentiation (XLA has no integer pow)
    zero, one = _zero(x), _one(x)
    acc = lax.select(lax.bitwise_and(lax.eq(x, zero), lax.ne(y, zero)),
                     lax.full_like(x, 0), lax.full_like(x, 1))
    for _ in range(dtypes.iinfo(dtype_of(y)).bits.bit_length()):
        acc = lax.select(lax.ne(lax.bitwise_and(y, one), zero), lax.mul(acc, x), acc)
        x = lax.mul(x, x)
        y = lax.shift_right_logical(y, one)
    return acc


def maximum(x, y):
    """Elementwise maximum; NaN wins, as in NumPy."""
    x, y = promote_args("maximum", x, y)
    return lax.bitwise_or(x, y) if dtype_kind(x) == "b" else lax.max(x, y)


def minimum(x, y):
    """Elementwise minimum; NaN wins, as in NumPy."""
    x, y = promote_args("minimum", x, y)
    return lax.bitwise_and(x, y) if dtype_kind(x) == "b" else lax.min(x, y)


def _comparison(name, laxfn):
    def compare(x, y):
        x, y = promote_args(name, x, y)
        return laxfn(x, y)
    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = f"Elementwise ``{name}`` with NumPy promotion and broadcasting."
    return compare


equal = _comparison("equal", lax.eq)
not_equal = _comparison("not_equal", lax.ne)
less = _comparison("less", lax.lt)
less_equal = _comparison("less_equal", lax.le)
greater = _comparison("greater", lax.gt)
greater_equal = _comparison("greater_equal", lax.ge)


def _bitwise(name, laxfn):
    def bitwise(x, y):
        x, y = promote_args(name, x, y)
        if dtype_kind(x) not in "biu":
            raise _type_error(name, "floating point or complex arguments (only integer and "
                              "boolean dtypes)", x)
        return laxfn(x, y)
    bitwise.__name__ = bitwise.__qualname__ = name
    bitwise.__doc__ = f"Elementwise ``{name}`` of integer or boolean arrays, as ``numpy.{name}``."
    return bitwise


bitwise_and = _bitwise("bitwise_and", lax.bitwise_and)
bitwise_or = _bitwise("bitwise_or", lax.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", lax.bitwise_xor)


def _logical(name, laxfn):
    def logical(x, y):
        x, y = (operand(a, name, i) for i, a in enumerate((x, y)))
        x, y = promote_shapes(name, to_bool(x), to_bool(y))
        return laxfn(x, y)
    logical.__name__ = logical.__qualname__ = name
    logical.__doc__ = f"Elementwise ``{name}`` of the truth values of ``x`` and ``y``."
    return logical


logical_and = _logical("logical_and", lax.bitwise_and)
logical_or = _logical("logical_or", lax.bitwise_or)
logical_xor = _logical("logical_xor", lax.bitwise_xor)


def logical_not(x):
    """Elementwise truth of ``not x``, as a boolean array."""
    return lax.bitwise_not(to_bool(operand(x, "logical_not")))


def _shift(name, x, y):
    x, y = promote_args_numeric(name, x, y)
    if dtype_kind(x) not in "iu":
        raise _type_error(name, "non-integer arguments", x)
    return x, y


def left_shift(x, y):
    """Elementwise ``x << y``, as ``numpy.bitwise_left_shift``."""
    return lax.shift_left(*_shift("left_shift", x, y))


def right_shift(x, y):
    """Elementwise ``x >> y`` (arithmetic for signed integers)."""
    x, y = _shift("right_shift", x, y)
    shift = lax.shift_right_logical if dtype_kind(x) == "u" else lax.shift_right_arithmetic
    return shift(x, y)


# ------------------------------------------------------------------ unary ops

def negative(x):
    """Elementwise ``-x``."""
    (x,) = promote_dtypes(operand(x, "negative"))
    if dtype_kind(x) == "b":
        raise TypeError("negative: the `-` operator is not supported for boolean arrays; "
                        "use logical_not or `~` instead")
    return lax.neg(x)


def positive(x):
    """Elementwise ``+x``: a copy of ``x``."""
    (x,) = promote_dtypes(operand(x, "positive"))
    if dtype_kind(x) == "b":
        raise TypeError("positive: the unary `+` operator is not supported for boolean "
                        "arrays")
    return as_array(x)


def invert(x):
    """Elementwise bitwise NOT (``~x``), as ``numpy.bitwise_invert``."""
    (x,) = promote_dtypes(operand(x, "invert"))
    if dtype_kind(x) not in "biu":
        raise _type_error("invert", "floating point or complex arguments (`~` needs integer "
                          "or boolean dtypes)", x)
    return lax.bitwise_not(x)


bitwise_not = invert


def absolute(x):
    """Elementwise absolute value, as ``numpy.abs`` (the modulus for complex inputs)."""
    (x,) = promote_dtypes(operand(x, "absolute"))
    return as_array(x) if dtype_kind(x) in "bu" else lax.abs(x)


abs = absolute  # noqa: A001


def conj(x):
    """Elementwise complex conjugate; real inputs are returned as they are."""
    (x,) = promote_dtypes(operand(x, "conj"))
    return lax.conj(x) if dtype_kind(x) == "c" else as_array(x)


conjugate = conj


def real(x):
    """The real part of each element (``x`` itself for real inputs)."""
    (x,) = promote_dtypes(operand(x, "real"))
    return lax.real(x) if dtype_kind(x) == "c" else as_array(x)


def imag(x):
    """The imaginary part of each element (zeros for real inputs)."""
    (x,) = promote_dtypes(operand(x, "imag"))
    return lax.imag(x) if dtype_kind(x) == "c" else lax.full_like(x, 0)


def round(x, decimals: int = 0):  # noqa: A001
    """NumPy's round: halves to even; ``decimals`` may be negative."""
    (x,) = promote_dtypes(operand(x, "round"))
    decimals = operator.index(decimals)
    kind = dtype_kind(x)
    if kind == "c":
        return lax.complex(round(lax.real(x), decimals), round(lax.imag(x), decimals))
    if kind in "biu":
        if decimals >= 0:
            return as_array(x)
        factor = scalar_like(x, 10 ** -decimals)
        return lax.mul(_round_half_even_int(x, factor), factor)
    dt, weak = dtype_of(x), get_aval(x).weak_type
    compute = upcast_f16(dt)
    x = convert(x, compute, weak)
    nearest = lax.RoundingMethod.TO_NEAREST_EVEN
    if decimals == 0:
        out = lax.round(x, nearest)
    else:
        factor = 10.0 ** decimals
        out = lax.div(lax.round(lax.mul(x, factor), nearest), factor)
    return convert(out, dt, weak)


def _round_half_even_int(x, factor):
    # round(x / factor) to the nearest integer, halves to even, for integer x
    q = floor_divide(x, factor)
    r = lax.sub(x, lax.mul(q, factor))
    twice = lax.mul(r, scalar_like(x, 2))
    up = lax.bitwise_or(lax.gt(twice, factor),
                        lax.bitwise_and(lax.eq(twice, factor),
                                        lax.ne(remainder(q, 2), _zero(q))))
    return lax.select(up, lax.add(q, _one(q)), q)


def clip(x, min=None, max=None):  # noqa: A002,F811
    """Clip to ``[min, max]`` (either may be None), promoting like ``maximum``/``minimum``."""
    x = operand(x, "clip")
    if min is not None:
        x = maximum(min, x)
    if max is not None:
        x = minimum(max, x)
    return as_array(x)


def astype(x, dtype):
    x = operand(x, "astype")
    dt = dtypes.check_user_dtype(dtype, "astype")
    if isinstance(x, (np.ndarray, np.generic)):
        x = array(x)
    return convert(x, dt, False)


def matmul(a, b, *, precision=None, preferred_element_type=None):
    """NumPy's matmul: 1-d operands gain and lose a dimension; batch dims broadcast.
    ``preferred_element_type`` sets the accumulation and result dtype (as in JAX)."""
    a, b = (operand(v, "matmul", i) for i, v in enumerate((a, b)))
    sa0, sb0 = get_aval(a).shape, get_aval(b).shape
    if not sa0 or not sb0:
        raise ValueError(f"matmul: operands must have at least 1 dimension, got shapes "
                         f"{sa0} and {sb0}")
    a, b = promote_dtypes(a, b)
    sa = (1,) + sa0 if len(sa0) == 1 else sa0
    sb = sb0 + (1,) if len(sb0) == 1 else sb0
    if sa[-1] != sb[-2]:
        raise TypeError(f"matmul: contracting dimensions differ: shapes {sa0} and {sb0} "
                        f"({sa[-1]} != {sb[-2]})")
    a, b = reshape(a, sa), reshape(b, sb)
    if len(sb) == 2:  # no batch dims on b: contract directly, output (..., m, n)
        out = lax.dot_general(a, b, (((len(sa) - 1,), (0,)), ((), ())), precision,
                              preferred_element_type)
    else:
        batch = broadcast_shapes(sa[:-2], sb[:-2], fname="matmul")
        a = broadcast_to(a, batch + sa[-2:], "matmul")
        b = broadcast_to(b, batch + sb[-2:], "matmul")
        nb = len(batch)
        out = lax.dot_general(a, b, (((nb + 1,), (nb,)),
                                     (tuple(range(nb)), tuple(range(nb)))), precision,
                              preferred_element_type)
    oshape = get_aval(out).shape
    final = oshape[:-2] + (() if len(sa0) == 1 else oshape[-2:-1]) + (
        () if len(sb0) == 1 else oshape[-1:])
    return reshape(out, final)


def dot(a, b, *, precision=None, preferred_element_type=None):
    """NumPy's dot: products of scalars, inner products, matrix products (no batch dims).
    ``preferred_element_type`` sets the accumulation and result dtype (as in JAX)."""
    a, b = (operand(v, "dot", i) for i, v in enumerate((a, b)))
    sa, sb = get_aval(a).shape, get_aval(b).shape
    if not sa or not sb:
        out = multiply(a, b)
        return out if preferred_element_type is None else astype(out, preferred_element_type)
    a, b = promote_dtypes(a, b)
    cb = len(sb) - 2 if len(sb) >= 2 else 0
    if sa[-1] != sb[cb]:
        raise TypeError(f"dot: shapes {sa} and {sb} not aligned: {sa[-1]} (dim "
                        f"{len(sa) - 1}) != {sb[cb]} (dim {cb})")
    return lax.dot_general(a, b, (((len(sa) - 1,), (cb,)), ((), ())), precision,
                           preferred_element_type)
