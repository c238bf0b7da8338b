"""Elementwise math: NumPy's ufunc names over lax primitives, with JAX's promotion; also
differences and integrals (diff, gradient, trapezoid), gcd/lcm, predicates, bit packing,
select and piecewise.

Functions that only make sense for floats (``exp``, ``sin``, ...) promote integer and
bool inputs to the default inexact type, as ``jax.numpy`` does; arithmetic keeps
integer types (``add``, ``floor_divide``, ``remainder``...; see ``plax_core.ops``).
"""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

from ._custom_jvp import with_jvp
from ._shape import concatenate

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder",
    "mod", "fmod", "divmod", "power", "pow", "float_power", "negative", "positive", "abs",
    "absolute", "fabs", "sign", "floor", "ceil", "round", "around", "round_", "rint",
    "trunc", "fix", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logaddexp",
    "logaddexp2", "sqrt", "cbrt", "square", "reciprocal", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
    "arctanh", "asin", "acos", "atan", "atan2", "asinh", "acosh", "atanh", "deg2rad",
    "rad2deg", "degrees", "radians", "hypot", "maximum", "minimum", "fmax", "fmin",
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_not", "bitwise_invert", "invert", "left_shift", "right_shift",
    "bitwise_left_shift", "bitwise_right_shift", "equal", "not_equal", "less",
    "less_equal", "greater", "greater_equal", "isfinite", "isnan", "isinf", "isposinf",
    "isneginf", "nextafter", "conj", "conjugate", "real", "imag", "angle", "clip", "where",
    "nonzero", "argwhere", "copysign", "signbit", "sinc", "heaviside", "isclose",
    "allclose", "array_equal", "iscomplexobj", "isrealobj", "nan_to_num",
    "diff", "ediff1d", "gradient", "trapezoid", "spacing", "gcd", "lcm", "iscomplex",
    "isreal", "array_equiv", "packbits", "unpackbits", "select", "piecewise",
]


# ------------------------------------------------------------- from plax_core.ops

add, subtract, multiply = ops.add, ops.subtract, ops.multiply
divide = true_divide = ops.true_divide
floor_divide, remainder, mod, divmod = ops.floor_divide, ops.remainder, ops.mod, ops.divmod
power = pow = ops.power  # noqa: A001
negative, positive = ops.negative, ops.positive
abs = absolute = ops.absolute  # noqa: A001
maximum, minimum = ops.maximum, ops.minimum
logical_and, logical_or = ops.logical_and, ops.logical_or
logical_xor, logical_not = ops.logical_xor, ops.logical_not
bitwise_and, bitwise_or, bitwise_xor = ops.bitwise_and, ops.bitwise_or, ops.bitwise_xor
bitwise_not = bitwise_invert = invert = ops.invert
left_shift = bitwise_left_shift = ops.left_shift
right_shift = bitwise_right_shift = ops.right_shift
equal, not_equal, less, less_equal = ops.equal, ops.not_equal, ops.less, ops.less_equal
greater, greater_equal = ops.greater, ops.greater_equal
conj = conjugate = ops.conj
real, imag, clip = ops.real, ops.imag, ops.clip
round = around = round_ = ops.round  # noqa: A001


# ------------------------------------------------------------- float functions

def _inexact_unary(name, laxfn, doc=None):
    def fn(x, /):
        (x,) = ops.promote_args_inexact(name, x)
        return laxfn(x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc or f"Elementwise ``{name}`` (integers promote to the default float)."
    return fn


exp = _inexact_unary("exp", lax.exp)
exp2 = _inexact_unary("exp2", lax.exp2)
expm1 = _inexact_unary("expm1", lax.expm1)
log = _inexact_unary("log", lax.log)
log1p = _inexact_unary("log1p", lax.log1p)
sqrt = _inexact_unary("sqrt", lax.sqrt)
cbrt = _inexact_unary("cbrt", lax.cbrt)
sin = _inexact_unary("sin", lax.sin)
cos = _inexact_unary("cos", lax.cos)
tan = _inexact_unary("tan", lax.tan)
arcsin = asin = _inexact_unary("arcsin", lax.asin)
arccos = acos = _inexact_unary("arccos", lax.acos)
arctan = atan = _inexact_unary("arctan", lax.atan)
sinh = _inexact_unary("sinh", lax.sinh)
cosh = _inexact_unary("cosh", lax.cosh)
tanh = _inexact_unary("tanh", lax.tanh)
arcsinh = asinh = _inexact_unary("arcsinh", lax.asinh)
arccosh = acosh = _inexact_unary("arccosh", lax.acosh)
arctanh = atanh = _inexact_unary("arctanh", lax.atanh)


_const = ops.scalar_like


def log2(x, /):
    """Elementwise base-2 logarithm."""
    (x,) = ops.promote_args_inexact("log2", x)
    return lax.div(lax.log(x), _const(x, np.log(2)))


def log10(x, /):
    """Elementwise base-10 logarithm."""
    (x,) = ops.promote_args_inexact("log10", x)
    return lax.div(lax.log(x), _const(x, np.log(10)))


def deg2rad(x, /):
    """Elementwise conversion of degrees to radians."""
    (x,) = ops.promote_args_inexact("deg2rad", x)
    return lax.mul(x, _const(x, np.pi / 180))


def rad2deg(x, /):
    """Elementwise conversion of radians to degrees."""
    (x,) = ops.promote_args_inexact("rad2deg", x)
    return lax.mul(x, _const(x, 180 / np.pi))


radians, degrees = deg2rad, rad2deg


def arctan2(x1, x2, /):
    """Elementwise ``arctan(x1 / x2)`` choosing the quadrant from the signs of both."""
    x1, x2 = ops.promote_args_inexact("arctan2", x1, x2)
    return lax.atan2(x1, x2)


atan2 = arctan2


def nextafter(x1, x2, /):
    """Elementwise the next representable float after ``x1`` toward ``x2``."""
    x1, x2 = ops.promote_args_inexact("nextafter", x1, x2)
    return lax.nextafter(x1, x2)


def float_power(x1, x2, /):
    """Elementwise ``x1 ** x2`` computed in the widest enabled float type."""
    x1, x2 = ops.promote_args_inexact("float_power", x1, x2)
    return lax.pow(x1, x2)


def fmod(x1, x2, /):
    """C's fmod: the remainder has the sign of the dividend."""
    x1, x2 = ops.promote_args_numeric("fmod", x1, x2)
    if ops.dtype_kind(x1) in "iu":
        x2 = lax.select(lax.eq(x2, _const(x2, 0)), lax.full_like(x2, 1), x2)
    return lax.rem(x1, x2)


def square(x, /):
    """Elementwise ``x * x``."""
    (x,) = ops.promote_args_numeric("square", x)
    return lax.square(x)


def reciprocal(x, /):
    """Elementwise ``1 / x``.

    Differences: integers promote to the default float, as in JAX (NumPy divides integers).
    """
    (x,) = ops.promote_args_inexact("reciprocal", x)
    return lax.integer_pow(x, -1)


def fabs(x, /):
    """Elementwise absolute value of real numbers (complex inputs are refused, as in NumPy)."""
    (x,) = ops.promote_args_inexact("fabs", x)
    if ops.dtype_kind(x) == "c":
        raise TypeError("fabs does not accept complex arguments; use abs")
    return lax.abs(x)


def sign(x, /):
    """Elementwise sign: -1, 0 or 1 (``x / abs(x)`` for complex, as NumPy 2)."""
    (x,) = ops.promote_args_numeric("sign", x)
    return lax.sign(x)


def _integral_passthrough(name, laxfn):
    def fn(x, /):
        (x,) = ops.promote_args(name, x)
        kind = ops.dtype_kind(x)
        if kind in "biu":
            return ops.as_array(x)
        if kind == "c":
            raise TypeError(f"{name} does not accept complex arguments")
        return laxfn(x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}``; integer and bool inputs are returned unchanged."
    return fn


floor = _integral_passthrough("floor", lax.floor)
ceil = _integral_passthrough("ceil", lax.ceil)
rint = _integral_passthrough(
    "rint", lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN))
trunc = fix = _integral_passthrough(
    "trunc", lambda x: lax.select(lax.lt(x, _const(x, 0)), lax.ceil(x), lax.floor(x)))


def hypot(x1, x2, /):
    """sqrt(x1**2 + x2**2) without overflow in the intermediate squares."""
    x1, x2 = ops.promote_args_inexact("hypot", x1, x2)
    if ops.dtype_kind(x1) == "c":
        raise TypeError("hypot does not accept complex arguments")
    x1, x2 = lax.abs(x1), lax.abs(x2)
    big, small = lax.max(x1, x2), lax.min(x1, x2)
    zero = _const(big, 0)
    safe = lax.select(lax.eq(big, zero), lax.full_like(big, 1), big)
    ratio = lax.div(small, safe)
    out = lax.mul(big, lax.sqrt(lax.add(_const(big, 1), lax.mul(ratio, ratio))))
    out = lax.select(lax.eq(big, zero), big, out)
    inf = lax.bitwise_or(lax.eq(x1, _const(x1, np.inf)), lax.eq(x2, _const(x2, np.inf)))
    return lax.select(inf, lax.full_like(out, np.inf), out)


def _logaddexp_jvp(primals, tangents):
    """JAX's rule: t1 exp(x1 - out) + t2 exp(x2 - out), +inf read as 0 (so a tie splits
    the tangent evenly, and logaddexp(x, inf) passes x's tangent on)."""
    (x1, x2), (t1, t2) = primals, tangents
    out = _logaddexp(x1, x2)
    finite = [lax.select(lax.eq(v, _const(v, np.inf)), lax.full_like(v, 0), v)
              for v in (x1, x2, out)]
    w1, w2 = (lax.exp(lax.sub(v, finite[2])) for v in finite[:2])
    return out, lax.add(lax.mul(t1, w1), lax.mul(t2, w2))


@with_jvp(_logaddexp_jvp)
def _logaddexp(x1, x2):
    big = lax.max(x1, x2)
    delta = lax.sub(x1, x2)
    out = lax.add(big, lax.log1p(lax.exp(lax.neg(lax.abs(delta)))))
    # equal infinities give NaN in delta: the answer is then x1 + x2 (inf, or NaN)
    return lax.select(lax.ne(delta, delta), lax.add(x1, x2), out)


def logaddexp(x1, x2, /):
    """log(exp(x1) + exp(x2)) computed stably (JAX's derivative: ties split evenly)."""
    return _logaddexp(*ops.promote_args_inexact("logaddexp", x1, x2))


def logaddexp2(x1, x2, /):
    """Elementwise ``log2(2**x1 + 2**x2)``, without overflow."""
    x1, x2 = ops.promote_args_inexact("logaddexp2", x1, x2)
    ln2 = _const(x1, np.log(2))
    return lax.div(_logaddexp(lax.mul(x1, ln2), lax.mul(x2, ln2)), ln2)


def fmax(x1, x2, /):
    """Elementwise maximum that ignores NaN (NaN only where both are NaN)."""
    x1, x2 = ops.promote_args("fmax", x1, x2)
    return lax.select(lax.bitwise_or(isnan(x2), lax.gt(x1, x2)), x1, x2) \
        if ops.dtype_kind(x1) in "fc" else ops.maximum(x1, x2)


def fmin(x1, x2, /):
    """Elementwise minimum ignoring NaNs (NaN only where both are NaN)."""
    x1, x2 = ops.promote_args("fmin", x1, x2)
    return lax.select(lax.bitwise_or(isnan(x2), lax.lt(x1, x2)), x1, x2) \
        if ops.dtype_kind(x1) in "fc" else ops.minimum(x1, x2)


# ------------------------------------------------------------- predicates

def _bool_like(x, value):
    return lax.full_like(x, value, np.bool_)


def isfinite(x, /):
    """Elementwise whether a value is neither infinite nor NaN."""
    (x,) = ops.promote_args("isfinite", x)
    kind = ops.dtype_kind(x)
    if kind == "f":
        return lax.is_finite(x)
    if kind == "c":
        return lax.bitwise_and(lax.is_finite(lax.real(x)), lax.is_finite(lax.imag(x)))
    return _bool_like(x, True)


def isnan(x, /):
    """Elementwise whether a value is NaN."""
    (x,) = ops.promote_args("isnan", x)
    return lax.ne(x, x) if ops.dtype_kind(x) in "fc" else _bool_like(x, False)


def isinf(x, /):
    """Elementwise whether a value is positive or negative infinity."""
    (x,) = ops.promote_args("isinf", x)
    kind = ops.dtype_kind(x)
    if kind == "f":
        return lax.eq(lax.abs(x), _const(x, np.inf))
    if kind == "c":
        return lax.bitwise_or(isinf(lax.real(x)), isinf(lax.imag(x)))
    return _bool_like(x, False)


def isposinf(x, /):
    """Elementwise whether a value is positive infinity."""
    (x,) = ops.promote_args("isposinf", x)
    return lax.eq(x, _const(x, np.inf)) if ops.dtype_kind(x) == "f" else _bool_like(x, False)


def isneginf(x, /):
    """Elementwise whether a value is negative infinity."""
    (x,) = ops.promote_args("isneginf", x)
    return lax.eq(x, _const(x, -np.inf)) if ops.dtype_kind(x) == "f" else _bool_like(x, False)


def signbit(x, /):
    """True where the sign bit is set (negative numbers, -0.0, negative NaNs)."""
    (x,) = ops.promote_args("signbit", x)
    kind = ops.dtype_kind(x)
    if kind in "bu":
        return _bool_like(x, False)
    if kind == "i":
        return lax.lt(x, _const(x, 0))
    if kind == "c":
        raise TypeError("signbit does not accept complex arguments")
    dt = get_aval(x).dtype
    if dt.itemsize == 2 and dt != np.float16:  # bfloat16: through float32 (exact)
        x, dt = ops.convert(x, np.float32), np.dtype(np.float32)
    int_dt = {2: np.int16, 4: np.int32, 8: np.int64}[dt.itemsize]
    bits = lax.bitcast_convert_type(x, int_dt)
    return lax.lt(bits, ops.convert(0, int_dt))


def copysign(x1, x2, /):
    """Elementwise magnitude of ``x1`` with the sign of ``x2``."""
    x1, x2 = ops.promote_args_inexact("copysign", x1, x2)
    if ops.dtype_kind(x1) == "c":
        raise TypeError("copysign does not accept complex arguments")
    mag = lax.abs(x1)
    return lax.select(signbit(x2), lax.neg(mag), mag)


def heaviside(x1, x2, /):
    """The Heaviside step: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``."""
    x1, x2 = ops.promote_args_inexact("heaviside", x1, x2)
    zero = _const(x1, 0)
    return lax.select(lax.lt(x1, zero), lax.full_like(x1, 0),
                      lax.select(lax.eq(x1, zero), x2, lax.full_like(x1, 1)))


def sinc(x, /):
    """sin(pi x) / (pi x), 1 at 0."""
    (x,) = ops.promote_args_inexact("sinc", x)
    zero = _const(x, 0)
    is_zero = lax.eq(x, zero)
    safe = lax.select(is_zero, lax.full_like(x, 1), x)
    pix = lax.mul(safe, _const(x, np.pi))
    return lax.select(is_zero, lax.full_like(x, 1), lax.div(lax.sin(pix), pix))


def angle(z, deg=False):
    """The argument (phase) of each complex element, in radians (degrees when ``deg``)."""
    (z,) = ops.promote_args_inexact("angle", z)
    if ops.dtype_kind(z) == "c":
        out = lax.atan2(lax.imag(z), lax.real(z))
    else:
        out = lax.atan2(lax.full_like(z, 0), z)
    return rad2deg(out) if deg else out


def iscomplexobj(x) -> bool:
    """Whether ``x`` has a complex dtype (whatever its values)."""
    return dtypes.is_complex(get_aval(ops.operand(x, "iscomplexobj")).dtype)


def isrealobj(x) -> bool:
    """Whether ``x`` has a non-complex dtype."""
    return not iscomplexobj(x)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN replaced by ``nan`` and infinities by ``posinf``/``neginf`` (the dtype's
    extremes by default).
    """
    (x,) = ops.promote_args("nan_to_num", x)
    kind = ops.dtype_kind(x)
    if kind == "c":
        return lax.complex(nan_to_num(lax.real(x), nan=nan, posinf=posinf, neginf=neginf),
                           nan_to_num(lax.imag(x), nan=nan, posinf=posinf, neginf=neginf))
    if kind != "f":
        return ops.as_array(x)
    info = dtypes.finfo(get_aval(x).dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    x = lax.select(isnan(x), lax.full_like(x, nan), x)
    x = lax.select(isposinf(x), lax.full_like(x, posinf), x)
    return lax.select(isneginf(x), lax.full_like(x, neginf), x)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (``equal_nan`` treats NaNs as equal)."""
    a, b = ops.promote_args("isclose", a, b)
    if ops.dtype_kind(a) not in "fc":
        return ops.equal(a, b)
    diff = lax.abs(lax.sub(a, b))
    tol = lax.add(ops.convert(atol, get_aval(diff).dtype),
                  lax.mul(ops.convert(rtol, get_aval(diff).dtype), lax.abs(b)))
    finite = lax.bitwise_and(isfinite(a), isfinite(b))
    out = lax.bitwise_or(lax.bitwise_and(finite, lax.le(diff, tol)), lax.eq(a, b))
    if equal_nan:
        out = lax.bitwise_or(out, lax.bitwise_and(isnan(a), isnan(b)))
    return out


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``a`` and ``b`` are elementwise equal within ``rtol * |b| + atol``, as one bool
    array.
    """
    return ops.all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1, a2, equal_nan=False) -> bool:
    """Whether ``a1`` and ``a2`` have the same shape and elements (``equal_nan`` treats NaNs as
    equal).
    """
    a1, a2 = ops.operand(a1, "array_equal"), ops.operand(a2, "array_equal", 1)
    if get_aval(a1).shape != get_aval(a2).shape:
        return ops.array(False)
    eq = ops.equal(a1, a2)
    if equal_nan:
        eq = ops.logical_or(eq, ops.logical_and(isnan(a1), isnan(a2)))
    return ops.all(eq)


# ------------------------------------------------------------- where / nonzero

def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """``x`` where ``condition`` else ``y``; the one-argument form is ``nonzero``."""
    if x is None and y is None:
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("where: either both or neither of x and y should be given")
    c = ops.operand(condition, "where")
    x, y = ops.promote_dtypes(ops.operand(x, "where", 1), ops.operand(y, "where", 2))
    c = ops.to_bool(c)
    shape = ops.broadcast_shapes(*(get_aval(v).shape for v in (c, x, y)), fname="where")
    c, x, y = (ops.broadcast_to(v, shape, "where") for v in (c, x, y))
    return lax.select(c, x, y)


def nonzero(a, *, size=None, fill_value=None):
    """Indices of the nonzero elements (needs a concrete array: the output size depends on
    the values; with ``size`` it is traceable, padded with ``fill_value``)."""
    if size is not None:  # traceable: a scatter of positions
        from ._indexing import nonzero_sized
        return nonzero_sized(a, size, fill_value)
    a = ops.operand(a, "nonzero")
    value = core.concrete_or_error(
        None, a, "nonzero (and the one-argument form of where, argwhere)")
    value = np.asarray(value)
    if value.ndim == 0:
        raise ValueError("nonzero: calling nonzero on 0d arrays is not allowed; use "
                         "atleast_1d(a).nonzero()")
    idx = np.nonzero(value)
    if size is not None:
        fill = 0 if fill_value is None else fill_value
        idx = tuple(np.concatenate([i[:size], np.full(max(size - len(i), 0), fill)])
                    for i in idx)
    return tuple(ops.array(i.astype(dtypes.default_int_dtype())) for i in idx)


def argwhere(a, *, size=None, fill_value=None):
    """The indices of the non-zero elements, one row per element.

    Differences: under ``jit`` pass ``size`` (and ``fill_value``): the output shape must be
    static, as in JAX.
    """
    idx = nonzero(ops.operand(a, "argwhere") if get_aval(ops.operand(a)).ndim
                  else ops.reshape(a, (1,)), size=size, fill_value=fill_value)
    cols = [ops.reshape(i, (-1, 1)) for i in idx]
    return lax.concatenate(cols, 1) if cols else ops.array(np.zeros((0, 0), np.int32))

_c = ops.scalar_like


def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


# ------------------------------------------------------------------ differences, integrals

def diff(a, n=1, axis=-1, prepend=None, append=None):
    """n-th discrete difference along ``axis`` (``!=`` for booleans)."""
    a = ops.operand(a, "diff")
    n = _int("diff", "n", n)
    if n < 0:
        raise ValueError(f"diff: order must be non-negative, got n={n}")
    nd = get_aval(a).ndim
    if nd == 0:
        raise ValueError("diff: requires an input that is at least 1-d")
    axis = ops.canonicalize_axis(axis, nd, "diff")
    parts = []
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is None:
            parts.append(None)
            continue
        extra = ops.operand(extra, "diff")
        if get_aval(extra).ndim == 0:
            shape = list(get_aval(a).shape)
            shape[axis] = 1
            extra = ops.broadcast_to(extra, tuple(shape), f"diff {name}")
        parts.append(extra)
    if parts[0] is not None or parts[1] is not None:
        a = concatenate([p for p in (parts[0], a, parts[1]) if p is not None], axis)
    for _ in range(n):
        m = get_aval(a).shape[axis]
        hi = lax.slice_in_dim(a, min(1, m), m, axis=axis)
        lo = lax.slice_in_dim(a, 0, max(m - 1, 0), axis=axis)
        a = ops.not_equal(hi, lo) if ops.dtype_kind(a) == "b" else ops.subtract(hi, lo)
    return ops.as_array(a)


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of consecutive elements of the flattened array, with optional ends."""
    out = diff(ops.ravel(ops.operand(ary, "ediff1d")))
    pieces = [out]
    if to_begin is not None:
        pieces.insert(0, ops.ravel(ops.operand(to_begin, "ediff1d")))
    if to_end is not None:
        pieces.append(ops.ravel(ops.operand(to_end, "ediff1d")))
    return concatenate(pieces) if len(pieces) > 1 else out


def gradient(f, *varargs, axis=None, edge_order=None):
    """Central differences inside, one-sided at the edges (scalar spacings)."""
    if edge_order not in (None, 1):
        raise NotImplementedError("gradient: only edge_order=1 is supported")
    (f,) = ops.promote_args_inexact("gradient", f)
    nd = get_aval(f).ndim
    axes = ops.reduction_axes(axis, nd, "gradient") if axis is not None else tuple(range(nd))
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1:
        spacing = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise TypeError(f"gradient: expected 0, 1 or {len(axes)} spacings, got "
                        f"{len(varargs)}")
    out = []
    for ax, h in zip(axes, spacing):
        if get_aval(ops.operand(h)).ndim:
            raise NotImplementedError("gradient: only scalar spacings are supported")
        m = get_aval(f).shape[ax]
        if m < 2:
            raise ValueError("gradient: each dimension must have at least 2 points "
                             f"(axis {ax} has {m})")
        sl = lambda lo, hi, ax=ax: lax.slice_in_dim(f, lo, hi, axis=ax)  # noqa: E731
        first = ops.subtract(sl(1, 2), sl(0, 1))
        last = ops.subtract(sl(m - 1, m), sl(m - 2, m - 1))
        inner = ops.true_divide(ops.subtract(sl(2, m), sl(0, m - 2)), 2.0)
        g = concatenate([first, inner, last] if m > 2 else [first, last], ax)
        out.append(ops.true_divide(g, h))
    return out[0] if len(out) == 1 else out


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` by the trapezoidal rule (points ``x`` or spacing ``dx``)."""
    (y,) = ops.promote_args_inexact("trapezoid", y)
    nd = get_aval(y).ndim
    axis = ops.canonicalize_axis(axis, nd, "trapezoid")
    y = ops.moveaxis(y, axis, -1)
    m = get_aval(y).shape[-1]
    if x is None:
        d = dx
    else:
        x = ops.operand(x, "trapezoid", 1)
        x = ops.moveaxis(x, axis if get_aval(x).ndim == nd else -1, -1)
        d = diff(x, axis=-1)
    avg = ops.true_divide(ops.add(lax.slice_in_dim(y, 1, m, axis=nd - 1),
                                  lax.slice_in_dim(y, 0, max(m - 1, 0), axis=nd - 1)), 2.0)
    return ops.sum(ops.multiply(d, avg), axis=-1)


# ------------------------------------------------------------------ spacing, gcd/lcm, predicates

def spacing(x, /):
    """Distance from ``x`` to the next representable number away from zero."""
    (x,) = ops.promote_args_inexact("spacing", x)
    if ops.dtype_kind(x) == "c":
        raise TypeError("spacing does not accept complex arguments")
    toward = lax.select(lax.lt(x, _c(x, 0)), lax.full_like(x, -np.inf),
                        lax.full_like(x, np.inf))
    return lax.sub(nextafter(x, toward), x)


def gcd(x1, x2):
    """Greatest common divisor of integers (Euclid's algorithm in a while_loop)."""
    x1, x2 = ops.promote_args_numeric("gcd", x1, x2)
    if ops.dtype_kind(x1) not in "iub":
        raise TypeError(f"gcd: arguments must be integers, got {ops.dtype_of(x1)}")
    x1, x2 = ops.broadcast_arrays(ops.absolute(x1), ops.absolute(x2))

    def cond(c):
        return ops.any(ops.not_equal(c[1], 0))

    def body(c):
        a, b = c
        nz = ops.not_equal(b, 0)
        safe = lax.select(nz, b, lax.full_like(b, 1))
        return lax.select(nz, b, a), lax.select(nz, lax.rem(a, safe), lax.full_like(b, 0))

    return lax.while_loop(cond, body, (x1, x2))[0]


def lcm(x1, x2):
    """Elementwise least common multiple of integers."""
    x1, x2 = ops.promote_args_numeric("lcm", x1, x2)
    g = gcd(x1, x2)
    a1, a2 = ops.absolute(x1), ops.absolute(x2)
    zero = ops.equal(g, 0)
    safe = lax.select(zero, lax.full_like(g, 1), g)
    return lax.select(zero, lax.full_like(g, 0), ops.multiply(a1, ops.floor_divide(a2, safe)))


def iscomplex(x):
    """Elementwise whether the imaginary part is non-zero."""
    x = ops.operand(x, "iscomplex")
    return ops.not_equal(ops.imag(x), 0)


def isreal(x):
    """Elementwise whether the imaginary part is zero."""
    x = ops.operand(x, "isreal")
    return ops.equal(ops.imag(x), 0)


def array_equiv(a1, a2):
    """True if the arrays broadcast together and are equal everywhere."""
    a1, a2 = ops.operand(a1, "array_equiv"), ops.operand(a2, "array_equiv", 1)
    try:
        ops.broadcast_shapes(get_aval(a1).shape, get_aval(a2).shape)
    except ValueError:
        return ops.array(False)
    return ops.all(ops.equal(a1, a2))


# ------------------------------------------------------------------ bits

def packbits(a, axis=None, bitorder="big"):
    """Pack the truth values of ``a`` into uint8 (8 per byte, zero-padded)."""
    a = ops.operand(a, "packbits")
    if ops.dtype_kind(a) not in "biu":
        raise TypeError(f"packbits: expected an integer or boolean array, got {ops.dtype_of(a)}")
    if bitorder not in ("big", "little"):
        raise ValueError(f"packbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = ops.canonicalize_axis(axis, get_aval(a).ndim, "packbits")
    a = ops.moveaxis(ops.to_bool(a), axis, -1)
    n = get_aval(a).shape[-1]
    pad = -n % 8
    a = ops.convert(a, np.uint8)
    nd = get_aval(a).ndim
    a = lax.pad(a, lax.full((), 0, np.uint8), ((0, 0, 0),) * (nd - 1) + ((0, pad, 0),))
    a = ops.reshape(a, get_aval(a).shape[:-1] + ((n + pad) // 8, 8))
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    out = lax.reduce_sum(ops.left_shift(a, ops.array(shifts)), (nd,))
    return ops.moveaxis(out, -1, axis)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    """The bits of a ``uint8`` array as a ``uint8`` array of 0s and 1s, along ``axis``."""
    a = ops.operand(a, "unpackbits")
    if ops.dtype_of(a) != np.uint8:
        raise TypeError(f"unpackbits: expected a uint8 array, got {ops.dtype_of(a)}")
    if bitorder not in ("big", "little"):
        raise ValueError(f"unpackbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = ops.canonicalize_axis(axis, get_aval(a).ndim, "unpackbits")
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    bits = ops.bitwise_and(ops.right_shift(ops.expand_dims(a, -1), ops.array(shifts)),
                           ops.array(np.uint8(1)))
    bits = ops.moveaxis(bits, -1, axis + 1)
    s = get_aval(bits).shape
    bits = ops.reshape(bits, s[:axis] + (s[axis] * 8,) + s[axis + 2:])
    if count is not None:
        total = get_aval(bits).shape[axis]
        count = _int("unpackbits", "count", count)
        count = count if count >= 0 else total + count
        if count > total:
            pad = [(0, 0, 0)] * len(get_aval(bits).shape)
            pad[axis] = (0, count - total, 0)
            bits = lax.pad(bits, lax.full((), 0, np.uint8), pad)
        else:
            bits = lax.slice_in_dim(bits, 0, max(count, 0), axis=axis)
    return bits


# ------------------------------------------------------------------ select / piecewise

def select(condlist, choicelist, default=0):
    """``choicelist[i]`` where ``condlist[i]`` is the first true condition, else default."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist has {len(condlist)} entries but choicelist has "
                         f"{len(choicelist)}")
    if not condlist:
        raise ValueError("select: condlist must be non-empty")
    choices = ops.promote_dtypes(*(ops.operand(c, "select") for c in choicelist),
                                 ops.operand(default, "select"))
    out = choices[-1]
    for cond, choice in zip(reversed(condlist), reversed(choices[:-1])):
        cond = ops.operand(cond, "select")
        if ops.dtype_kind(cond) != "b":
            raise TypeError(f"select: condlist entries must be boolean, got {ops.dtype_of(cond)}")
        shape = ops.broadcast_shapes(get_aval(cond).shape, get_aval(choice).shape,
                                     get_aval(out).shape, fname="select")
        out = lax.select(ops.broadcast_to(cond, shape, "select"),
                         ops.broadcast_to(choice, shape, "select"),
                         ops.broadcast_to(out, shape, "select"))
    return out


def piecewise(x, condlist, funclist, *args, **kw):
    """``funclist[i](x)`` where ``condlist[i]`` holds (the last true condition wins; an
    extra last function is the default).  Every function sees all of ``x``."""
    x = ops.operand(x, "piecewise")
    if isinstance(condlist, (bool, np.bool_)) or core.is_array_like(condlist) and \
            not isinstance(condlist, (list, tuple)):
        conds = ops.operand(condlist, "piecewise")
        condlist = [conds] if get_aval(conds).ndim <= get_aval(x).ndim else list(conds)
    n = len(condlist)
    if len(funclist) == n + 1:
        otherwise = funclist[-1]
    elif len(funclist) == n:
        otherwise = 0
    else:
        raise ValueError(f"piecewise: with {n} condition(s), either {n} or {n + 1} functions "
                         f"are needed, got {len(funclist)}")
    dt = ops.dtype_of(x)

    def value(f):
        v = f(x, *args, **kw) if callable(f) else f
        return ops.broadcast_to(ops.convert(ops.operand(v, "piecewise"), dt),
                                get_aval(x).shape, "piecewise")

    out = value(otherwise)
    for cond, f in zip(condlist, funclist[:n]):
        cond = ops.broadcast_to(ops.to_bool(ops.operand(cond, "piecewise")),
                                get_aval(x).shape, "piecewise")
        out = lax.select(cond, value(f), out)
    return out
