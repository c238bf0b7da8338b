"""NumPy semantics over lax: one place for the rules the array operators and plax.numpy share.

lax is strict (same dtypes, same shapes); NumPy is lenient.  This module is the bridge,
following ``jax.numpy``: arguments are promoted with JAX's lattice (``dtypes.result_type``,
weak types for Python scalars), then broadcast with NumPy's rules, then handed to lax.
Integer division and remainder get NumPy's floor semantics, reductions get JAX's dtype
rules (``sum`` of small ints accumulates in the default int, ``mean`` of ints is float),
and basic indexing (ints, slices, ``None``, ``...``) becomes slice/rev/reshape.

Every function accepts plax arrays, tracers, NumPy arrays and scalars, Python scalars and
(nested) lists, and works under any transformation (nothing here reads a traced value).
"""

from __future__ import annotations

import builtins
import operator

import numpy as np

from . import core, dtypes, lax
from .core import ShapedArray, Tracer, get_aval
from .prims.elementwise import convert_element_type_p

_PY_SCALARS = (bool, int, float, complex)
_AxisError = np.exceptions.AxisError


# ------------------------------------------------------------------ operands

def is_arraylike(x) -> bool:
    """Values plax treats as arrays (lists are accepted by functions, not operators)."""
    return core.is_array_like(x)


def check_arraylike(fname: str, *args) -> None:
    for i, a in enumerate(args):
        if not (core.is_array_like(a) or isinstance(a, (list, tuple))):
            raise TypeError(f"{fname}: argument {i} has type {type(a).__name__}, which is "
                            f"not a valid plax array type")


def operand(x, fname: str = "plax.numpy", argnum: int = 0):
    """``x`` as something lax accepts: plax arrays, tracers and Python scalars pass through,
    NumPy values are canonicalised (64 -> 32 bits without x64), lists become arrays."""
    if isinstance(x, Tracer) or type(x) in _PY_SCALARS:
        return x
    if isinstance(getattr(x, "aval", None), core.ShapedArray):
        return x
    if isinstance(x, (list, tuple, np.ndarray, np.generic)):
        return array(x)
    if isinstance(x, (str, bytes)) or x is None or not hasattr(x, "__array__"):
        raise TypeError(f"{fname}: argument {argnum} has type {type(x).__name__}, which is "
                        f"not a valid plax array type")
    return array(x)


def as_array(x):
    """``x`` if it is a plax array or tracer, else a plax array made from it."""
    if isinstance(x, Tracer) or isinstance(getattr(x, "aval", None), core.ShapedArray):
        return x
    return array(x)


def array(obj, dtype=None):
    """A plax value for ``obj``; nested lists holding traced values are stacked."""
    if isinstance(obj, (list, tuple)) and _has_traced_leaf(obj):
        parts = [array(o) for o in obj]
        if not parts:
            raise ValueError("cannot build an array from an empty sequence of arrays")
        parts = promote_dtypes(*parts)
        shapes = {get_aval(p).shape for p in parts}
        if len(shapes) != 1:
            raise ValueError(f"array: setting an array element with a sequence; the nested "
                             f"sequences have shapes {sorted(shapes)}")
        out = lax.concatenate([reshape(p, (1,) + get_aval(p).shape) for p in parts], 0)
        return out if dtype is None else astype(out, dtype)
    if isinstance(obj, Tracer) or isinstance(getattr(obj, "aval", None), core.ShapedArray):
        return obj if dtype is None else astype(obj, dtype)
    from .backend import get_backend
    if dtype is None:  # the backend keeps Python scalars weakly typed
        return get_backend().device_put(dtypes.coerce_to_array(obj)[0]
                                        if isinstance(obj, (list, tuple)) else obj)
    return get_backend().device_put(dtypes.coerce_to_array(obj, dtype)[0])


def _has_traced_leaf(obj) -> bool:
    for o in obj:
        if isinstance(o, (list, tuple)):
            if _has_traced_leaf(o):
                return True
        elif isinstance(o, Tracer) or isinstance(getattr(o, "aval", None), core.ShapedArray):
            return True
    return False


def shape(x) -> tuple:
    return get_aval(operand(x)).shape


def ndim(x) -> int:
    return len(shape(x))


def _dtype(x) -> np.dtype:
    return get_aval(x).dtype


# -------------------------------------------------------------- dtype promotion

def to_inexact_dtype(dt) -> np.dtype:
    """JAX's rule: bool and ints up to 32 bits -> float32, 64-bit ints -> float64."""
    dt = np.dtype(dt)
    if dtypes.is_inexact(dt):
        return dt
    return dtypes.canonicalize_dtype(np.float64 if dt.itemsize == 8 else np.float32)


def to_numeric_dtype(dt) -> np.dtype:
    dt = np.dtype(dt)
    return dtypes.canonicalize_dtype(np.int32) if dt == np.bool_ else dt


def convert(x, dt, weak: bool = False):
    """``x`` converted to ``dt`` with the given weak flag, keeping Python scalars literal."""
    dt = np.dtype(dt)
    if type(x) in _PY_SCALARS:
        if weak:
            return {"b": bool, "i": int, "u": int, "f": float, "c": complex}[
                "f" if dt == dtypes.bfloat16 else dt.kind](x)
        if type(x) is complex and dt.kind != "c":
            x = x.real
        return dtypes.coerce_to_array(x, dt)[0]
    if isinstance(x, (np.ndarray, np.generic)) and not weak:
        return x if x.dtype == dt else _host_astype(x, dt)
    aval = get_aval(x)
    if aval.dtype == dt and aval.weak_type == weak:
        return x
    if aval.dtype.kind == "c" and dt.kind != "c":
        x = lax.real(x)
        if get_aval(x).dtype == dt and not weak:
            return x
    return convert_element_type_p.bind(x, new_dtype=dt, weak_type=bool(weak), sharding=None)


def _host_astype(x: np.ndarray, dt) -> np.ndarray:
    if x.dtype.kind == "c" and np.dtype(dt).kind != "c":
        x = x.real
    with np.errstate(all="ignore"):
        return np.asarray(x).astype(dt)


def _upcast_f16(dt) -> np.dtype:
    dt = np.dtype(dt)
    return np.dtype(np.float32) if dt in (np.dtype(np.float16), np.dtype(dtypes.bfloat16)) else dt


def result_type_of(*args):
    return dtypes.result_type(*args, return_weak_type_flag=True)


def promote_dtypes(*args):
    """Convert every argument to their common dtype (JAX's lattice, weak types)."""
    if len(args) == 1 and not isinstance(args[0], (np.ndarray, np.generic)):
        return [args[0]]
    dt, weak = result_type_of(*args)
    return [convert(a, dt, weak) for a in args]


def promote_dtypes_inexact(*args):
    dt, weak = result_type_of(*args)
    dt = to_inexact_dtype(dt)
    return [convert(a, dt, weak) for a in args]


def promote_dtypes_numeric(*args):
    dt, weak = result_type_of(*args)
    dt = to_numeric_dtype(dt)
    return [convert(a, dt, weak) for a in args]


# -------------------------------------------------------------- broadcasting

def _shapes_text(shapes) -> str:
    shapes = [str(tuple(s)) for s in shapes]
    return shapes[0] if len(shapes) == 1 else ", ".join(shapes[:-1]) + " and " + shapes[-1]


def broadcast_shapes(*shapes, fname: str = "broadcast_shapes", error: type = ValueError) -> tuple:
    """NumPy's broadcasting of shapes, with an error naming the function and the shapes.

    ``error`` is JAX's class for the caller: ValueError for ``broadcast_shapes`` /
    ``where`` / ``broadcast_to``, TypeError for elementwise operations (``promote_shapes``).
    """
    shapes = [tuple(s) for s in shapes]
    rank = builtins.max((len(s) for s in shapes), default=0)
    padded = [(1,) * (rank - len(s)) + s for s in shapes]
    out = []
    for dims in zip(*padded):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            raise error(f"{fname}: incompatible shapes for broadcasting: "
                        f"{_shapes_text(shapes)}")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def broadcast_to(x, shape, fname: str = "broadcast_to"):
    x = operand(x, fname)
    shape = tuple(operator.index(d) for d in shape)
    old = get_aval(x).shape
    if old == shape:
        return as_array(x)
    if len(old) > len(shape) or builtins.any(
            a != 1 and a != b for a, b in zip(old[::-1], shape[::-1])):
        raise ValueError(f"{fname}: cannot broadcast an array of shape {old} to shape "
                         f"{shape}")
    return lax.broadcast_in_dim(x, shape, tuple(range(len(shape) - len(old), len(shape))))


def promote_shapes(fname: str, *args):
    """Broadcast the arguments to their common shape (NumPy rules).

    0-d operands are left as they are: lax's elementwise ops broadcast scalars, which
    keeps literals such as ``2.0`` inline in jaxprs (as in JAX).
    """
    if len(args) < 2:
        return list(args)
    shapes = [get_aval(a).shape for a in args]
    if builtins.all(s == shapes[0] for s in shapes):
        return list(args)
    out_shape = broadcast_shapes(*shapes, fname=fname, error=TypeError)
    return [a if s == out_shape or (s == () and _SCALAR_BROADCAST) else
            broadcast_to(a, out_shape, fname) for a, s in zip(args, shapes)]


_SCALAR_BROADCAST = True  # lax binary ops accept a 0-d operand with an n-d one


def _same_avals(args) -> bool:
    first = getattr(args[0], "aval", None) if args else None
    return isinstance(first, ShapedArray) and builtins.all(
        getattr(a, "aval", None) == first for a in args[1:])


def promote_args(fname: str, *args):
    """Operands -> common dtype (JAX promotion) -> common shape (NumPy broadcasting)."""
    if _same_avals(args):
        return list(args)  # the common case: promotion and broadcasting change nothing
    args = [operand(a, fname, i) for i, a in enumerate(args)]
    return promote_shapes(fname, *promote_dtypes(*args))


def promote_args_inexact(fname: str, *args):
    args = [operand(a, fname, i) for i, a in enumerate(args)]
    return promote_shapes(fname, *promote_dtypes_inexact(*args))


def promote_args_numeric(fname: str, *args):
    args = [operand(a, fname, i) for i, a in enumerate(args)]
    return promote_shapes(fname, *promote_dtypes_numeric(*args))


def _kind(x) -> str:
    dt = _dtype(x)
    return "f" if dt == dtypes.bfloat16 else dt.kind


def _type_error(fname, what, *args):
    names = ", ".join(_dtype(a).name for a in args)
    return TypeError(f"{fname} does not accept {what} (got dtype {names})")


_PY_TYPE_OF_KIND = {"b": bool, "i": int, "u": int, "f": float, "c": complex}


def scalar_like(x, value):
    """``value`` as a Python scalar of ``x``'s kind: lax gives it ``x``'s dtype and the
    result keeps ``x``'s weak type (a NumPy constant would make it strong)."""
    return _PY_TYPE_OF_KIND[_kind(x)](value)


def _zero(x):
    return scalar_like(x, 0)


def _one(x):
    return scalar_like(x, 1)


# ------------------------------------------------------------------ binary ops

def add(x, y):
    x, y = promote_args("add", x, y)
    return lax.bitwise_or(x, y) if _kind(x) == "b" else lax.add(x, y)


def subtract(x, y):
    x, y = promote_args("subtract", x, y)
    if _kind(x) == "b":
        raise TypeError("subtract: the `-` operator is not supported for boolean arrays; "
                        "use logical_xor or `^` instead")
    return lax.sub(x, y)


def multiply(x, y):
    x, y = promote_args("multiply", x, y)
    return lax.bitwise_and(x, y) if _kind(x) == "b" else lax.mul(x, y)


def true_divide(x, y):
    x, y = promote_args_inexact("true_divide", x, y)
    return lax.div(x, y)


divide = true_divide


def floor_divide(x, y):
    x, y = promote_args_numeric("floor_divide", x, y)
    kind = _kind(x)
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
    kind = _kind(x)
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
    x, y = promote_args_numeric("divmod", x, y)
    if _kind(x) == "f":
        return _float_divmod(x, y)
    return floor_divide(x, y), remainder(x, y)


def power(x, y):
    """NumPy's power with JAX's rules: a Python int exponent uses ``integer_pow``."""
    if isinstance(y, (int, np.integer)) and not isinstance(y, (bool, np.bool_)):
        (x,) = promote_dtypes_numeric(operand(x, "power"))
        if _kind(x) in "iu" and y < 0:
            raise ValueError("power: integers to negative integer powers are not allowed")
        return lax.integer_pow(x, int(y))
    x, y = promote_args_numeric("power", x, y)
    if _kind(x) not in "iu":
        return lax.pow(x, y)
    # integer ** integer array: binary exponentiation (XLA has no integer pow)
    zero, one = _zero(x), _one(x)
    acc = lax.select(lax.bitwise_and(lax.eq(x, zero), lax.ne(y, zero)),
                     lax.full_like(x, 0), lax.full_like(x, 1))
    for _ in range(dtypes.iinfo(_dtype(y)).bits.bit_length()):
        acc = lax.select(lax.ne(lax.bitwise_and(y, one), zero), lax.mul(acc, x), acc)
        x = lax.mul(x, x)
        y = lax.shift_right_logical(y, one)
    return acc


def maximum(x, y):
    x, y = promote_args("maximum", x, y)
    return lax.bitwise_or(x, y) if _kind(x) == "b" else lax.max(x, y)


def minimum(x, y):
    x, y = promote_args("minimum", x, y)
    return lax.bitwise_and(x, y) if _kind(x) == "b" else lax.min(x, y)


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
        if _kind(x) not in "biu":
            raise _type_error(name, "floating point or complex arguments (only integer and "
                              "boolean dtypes)", x)
        return laxfn(x, y)
    bitwise.__name__ = bitwise.__qualname__ = name
    return bitwise


bitwise_and = _bitwise("bitwise_and", lax.bitwise_and)
bitwise_or = _bitwise("bitwise_or", lax.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", lax.bitwise_xor)


def _to_bool(x):
    return x if _kind(x) == "b" else lax.ne(x, _zero(x))


def _logical(name, laxfn):
    def logical(x, y):
        x, y = (operand(a, name, i) for i, a in enumerate((x, y)))
        x, y = promote_shapes(name, _to_bool(x), _to_bool(y))
        return laxfn(x, y)
    logical.__name__ = logical.__qualname__ = name
    return logical


logical_and = _logical("logical_and", lax.bitwise_and)
logical_or = _logical("logical_or", lax.bitwise_or)
logical_xor = _logical("logical_xor", lax.bitwise_xor)


def logical_not(x):
    return lax.bitwise_not(_to_bool(operand(x, "logical_not")))


def _shift(name, x, y):
    x, y = promote_args_numeric(name, x, y)
    if _kind(x) not in "iu":
        raise _type_error(name, "non-integer arguments", x)
    return x, y


def left_shift(x, y):
    return lax.shift_left(*_shift("left_shift", x, y))


def right_shift(x, y):
    x, y = _shift("right_shift", x, y)
    shift = lax.shift_right_logical if _kind(x) == "u" else lax.shift_right_arithmetic
    return shift(x, y)


# ------------------------------------------------------------------ unary ops

def negative(x):
    (x,) = promote_dtypes(operand(x, "negative"))
    if _kind(x) == "b":
        raise TypeError("negative: the `-` operator is not supported for boolean arrays; "
                        "use logical_not or `~` instead")
    return lax.neg(x)


def positive(x):
    (x,) = promote_dtypes(operand(x, "positive"))
    if _kind(x) == "b":
        raise TypeError("positive: the unary `+` operator is not supported for boolean "
                        "arrays")
    return as_array(x)


def invert(x):
    (x,) = promote_dtypes(operand(x, "invert"))
    if _kind(x) not in "biu":
        raise _type_error("invert", "floating point or complex arguments (`~` needs integer "
                          "or boolean dtypes)", x)
    return lax.bitwise_not(x)


bitwise_not = invert


def absolute(x):
    (x,) = promote_dtypes(operand(x, "absolute"))
    return as_array(x) if _kind(x) in "bu" else lax.abs(x)


abs = absolute  # noqa: A001


def conj(x):
    (x,) = promote_dtypes(operand(x, "conj"))
    return lax.conj(x) if _kind(x) == "c" else as_array(x)


conjugate = conj


def real(x):
    (x,) = promote_dtypes(operand(x, "real"))
    return lax.real(x) if _kind(x) == "c" else as_array(x)


def imag(x):
    (x,) = promote_dtypes(operand(x, "imag"))
    return lax.imag(x) if _kind(x) == "c" else lax.full_like(x, 0)


def round(x, decimals: int = 0):  # noqa: A001
    """NumPy's round: halves to even; ``decimals`` may be negative."""
    (x,) = promote_dtypes(operand(x, "round"))
    decimals = operator.index(decimals)
    kind = _kind(x)
    if kind == "c":
        return lax.complex(round(lax.real(x), decimals), round(lax.imag(x), decimals))
    if kind in "biu":
        if decimals >= 0:
            return as_array(x)
        factor = scalar_like(x, 10 ** -decimals)
        return lax.mul(_round_half_even_int(x, factor), factor)
    dt, weak = _dtype(x), get_aval(x).weak_type
    compute = _upcast_f16(dt)
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


# The rest of ops lives in two modules that import the helpers above.
from ._ops_index import NonConcreteBooleanIndexError, at, getitem  # noqa: E402,F401
from ._ops_reduce import all, any, argmax, argmin, max, mean, min, prod, reduce, std, sum, var  # noqa: E402,F401
from ._ops_shape import (  # noqa: E402,F401
    broadcast_arrays,
    canonicalize_axis,
    expand_dims,
    moveaxis,
    ravel,
    reduction_axes,
    reshape,
    squeeze,
    swapaxes,
    transpose,
)
