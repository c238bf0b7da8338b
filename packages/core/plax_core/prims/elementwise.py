"""Elementwise primitives and their ``lax`` functions.

Every primitive here is built from one table line: its name, the dtype classes each
operand accepts (JAX's), its NumPy kernel (``elementwise_math``, which follows XLA
where NumPy differs) and, when it is not the operand dtype, its result dtype.  The
abstract evaluation they share checks operand dtypes and shapes: elementwise
primitives take operands of equal shapes (``clamp`` and ``select_n`` also take a 0-d
bound or selector, as in JAX), and the result is weakly typed when every operand is.

The lax functions are strict like ``jax.lax``: no dtype promotion and no rank
promotion.  Two conveniences match JAX's: a Python scalar (int, float, complex) takes
the dtype of the other operands and stays weakly typed, and a 0-d operand is
broadcast (with ``broadcast_in_dim``) to the shape of the others before binding.
"""

from __future__ import annotations

import builtins
import enum
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.special

from .. import dtypes
from ..core import Primitive, ShapedArray, get_aval, is_array_like, trace_stack
from ..plugins import get_backend
from . import elementwise_math as m
from .structural import broadcast_in_dim, canonical_shape

__all__ = [
    "RoundingMethod", "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2",
    "atanh", "bitcast_convert_type", "bitwise_and", "bitwise_not", "bitwise_or",
    "bitwise_xor", "cbrt", "ceil", "clamp", "complex", "conj", "convert_element_type",
    "cos", "cosh", "digamma", "div", "eq", "erf", "erf_inv", "erfc", "exp", "exp2",
    "expm1", "floor", "full", "full_like", "ge", "gt", "imag", "integer_pow",
    "is_finite", "le", "lgamma", "log", "log1p", "logistic", "lt", "max", "min", "mul",
    "ne", "neg", "nextafter", "pow", "real", "reciprocal", "rem", "round", "rsqrt",
    "select", "select_n", "shift_left", "shift_right_arithmetic", "shift_right_logical",
    "sign", "sin", "sinh", "sqrt", "square", "sub", "tan", "tanh", "zeros_like_array",
]

# ------------------------------------------------------------------ dtype classes
# A class is a set of kind letters: b(ool), i (signed), u (unsigned), f (floating,
# bfloat16 included), c (complex), and F for exactly float32/float64 (complex parts).

_BOOL, _SIGNED, _UNSIGNED = frozenset("b"), frozenset("i"), frozenset("u")
_FLOAT, _COMPLEX, _F32_64 = frozenset("f"), frozenset("c"), frozenset("F")
_INT = _SIGNED | _UNSIGNED
_INEXACT = _FLOAT | _COMPLEX
_NUM = _INT | _INEXACT
_ANY = _NUM | _BOOL
_ORDERED = _INT | _FLOAT | _BOOL
_BOOL_OR_INT = _INT | _BOOL

_KIND_NAMES = {"b": "bool", "i": "signed integer", "u": "unsigned integer",
               "f": "floating", "c": "complex", "F": "float32/float64"}
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_C64, _C128 = np.dtype(np.complex64), np.dtype(np.complex128)
_BOOL_DT = np.dtype(np.bool_)


def _kind(dt: np.dtype) -> str:
    return "f" if dtypes.is_float(dt) else dt.kind


def _accepts(classes: frozenset, dt: np.dtype) -> bool:
    return _kind(dt) in classes or ("F" in classes and dt in (_F32, _F64))


def _describe(classes: frozenset) -> str:
    return ", ".join(_KIND_NAMES[k] for k in "biufFc" if k in classes)


# The plax.numpy function that promotes where the lax one does not (for errors).
_NUMPY_NAMES = {
    "add": "add", "sub": "subtract", "mul": "multiply", "div": "divide", "rem": "fmod",
    "pow": "power", "max": "maximum", "min": "minimum", "nextafter": "nextafter",
    "atan2": "arctan2", "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
    "shift_left": "left_shift", "shift_right_arithmetic": "right_shift", "eq": "equal",
    "ne": "not_equal", "lt": "less", "le": "less_equal", "gt": "greater",
    "ge": "greater_equal", "clamp": "clip", "select_n": "where", "complex": "complex",
}


def _promotion_hint(name: str) -> str:
    np_name = _NUMPY_NAMES.get(name)
    where = f"plax.numpy.{np_name}" if np_name else "plax.numpy"
    return f"{where} promotes dtypes; lax does not"


# ------------------------------------------------------------- abstract evaluation

def _check_dtypes(name: str, accepted: Sequence[frozenset], avals) -> None:
    for i, (classes, aval) in enumerate(zip(accepted, avals)):
        if not _accepts(classes, aval.dtype):
            raise TypeError(f"{name} does not accept dtype {aval.dtype.name} (operand {i}); "
                            f"accepted dtypes are: {_describe(classes)}")


def _check_same_dtypes(name: str, avals) -> None:
    if len({a.dtype for a in avals}) > 1:
        got = ", ".join(a.dtype.name for a in avals)
        raise TypeError(f"{name} requires arguments to have the same dtypes, got {got} "
                        f"({_promotion_hint(name)})")


def _check_same_shapes(name: str, avals) -> None:
    if len({a.shape for a in avals}) > 1:
        got = ", ".join(str(a.shape) for a in avals)
        raise TypeError(f"{name} got incompatible shapes for broadcasting: {got} (lax "
                        f"broadcasts only 0-d operands; use broadcast_in_dim or plax.numpy)")


def _result(shape, dtype, avals) -> ShapedArray:
    dtype = np.dtype(dtype)
    return ShapedArray(shape, dtype, dtype != _BOOL_DT and all(a.weak_type for a in avals))


def _same(*dts, **params):
    return dts[0]


def _to_bool(*dts, **params):
    return _BOOL_DT


def _real_part(dt, **params):
    return {_C64: _F32, _C128: _F64}.get(dt, dt)


def _complex_of(dt, *rest, **params):
    return _C64 if dt in (_F32, _C64) else _C128


def _naryop(name: str, accepted: Sequence[frozenset], kernel: Callable,
            result_dtype: Callable = _same, same_dtypes: bool = True,
            check: Callable | None = None, upcast: bool = True) -> Primitive:
    """An elementwise primitive over ``len(accepted)`` operands of one shape."""
    prim = Primitive(name)
    arity = len(accepted)

    def abstract_eval(*avals, **params):
        if len(avals) != arity:
            raise TypeError(f"{name} takes {arity} operand(s), got {len(avals)}")
        _check_dtypes(name, accepted, avals)
        if same_dtypes:
            _check_same_dtypes(name, avals)
        _check_same_shapes(name, avals)
        if check is not None:
            check(*avals, **params)
        return _result(avals[0].shape, result_dtype(*(a.dtype for a in avals), **params),
                       avals)

    prim.def_abstract_eval(abstract_eval)
    prim.def_impl(m.upcast(kernel) if upcast else m.quiet(kernel))
    return prim


def _unop(name, accepted, kernel, result_dtype=_same, **kw) -> Primitive:
    return _naryop(name, [accepted], kernel, result_dtype, **kw)


def _binop(name, accepted, kernel, result_dtype=_same, **kw) -> Primitive:
    return _naryop(name, [accepted, accepted], kernel, result_dtype, **kw)


class RoundingMethod(enum.IntEnum):
    """How ``round`` breaks ties (values as in JAX)."""
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def _check_round(x, *, rounding_method):
    if not isinstance(rounding_method, (int, np.integer)) or rounding_method not in (0, 1):
        raise ValueError(f"round: rounding_method must be a RoundingMethod (0 or 1), got "
                         f"{rounding_method!r}")


def _check_integer_pow(x, *, y):
    if not isinstance(y, (int, np.integer)) or isinstance(y, (bool, np.bool_)):
        raise TypeError(f"integer_pow: exponent y must be a Python int, got {y!r}")
    if y < 0 and dtypes.is_int(x.dtype):
        raise TypeError(f"Integers cannot be raised to negative powers, got "
                        f"integer_pow({x.str_short()}, {y})")


def _pow_dtype(x, y, **params):
    if dtypes.is_int(y) or x == y:
        return x
    raise TypeError(f"the first argument to pow must have an inexact dtype (float or "
                    f"complex), and the second argument must have an inexact or integer "
                    f"dtype, and two inexact dtypes must match, but got {x.name} and "
                    f"{y.name} respectively ({_promotion_hint('pow')})")


# ----------------------------------------------------------------- the primitives
sc = scipy.special

neg_p = _unop("neg", _NUM, np.negative)
sign_p = _unop("sign", _NUM, m.sign)
floor_p = _unop("floor", _FLOAT, np.floor)
ceil_p = _unop("ceil", _FLOAT, np.ceil)
round_p = _unop("round", _FLOAT, m.round_, check=_check_round)
is_finite_p = _unop("is_finite", _FLOAT, np.isfinite, _to_bool)
abs_p = _unop("abs", _SIGNED | _INEXACT, np.abs, _real_part)
square_p = _unop("square", _NUM, np.square)
integer_pow_p = _unop("integer_pow", _NUM, m.integer_pow, check=_check_integer_pow)
exp_p = _unop("exp", _INEXACT, np.exp)
exp2_p = _unop("exp2", _INEXACT, m.exp2)
log_p = _unop("log", _INEXACT, np.log)
log1p_p = _unop("log1p", _INEXACT, np.log1p)
expm1_p = _unop("expm1", _INEXACT, np.expm1)
tanh_p = _unop("tanh", _INEXACT, np.tanh)
logistic_p = _unop("logistic", _INEXACT, m.logistic)
sin_p = _unop("sin", _INEXACT, np.sin)
cos_p = _unop("cos", _INEXACT, np.cos)
tan_p = _unop("tan", _INEXACT, np.tan)
asin_p = _unop("asin", _INEXACT, np.arcsin)
acos_p = _unop("acos", _INEXACT, np.arccos)
atan_p = _unop("atan", _INEXACT, np.arctan)
sinh_p = _unop("sinh", _INEXACT, np.sinh)
cosh_p = _unop("cosh", _INEXACT, np.cosh)
asinh_p = _unop("asinh", _INEXACT, np.arcsinh)
acosh_p = _unop("acosh", _INEXACT, np.arccosh)
atanh_p = _unop("atanh", _INEXACT, np.arctanh)
sqrt_p = _unop("sqrt", _INEXACT, np.sqrt)
rsqrt_p = _unop("rsqrt", _INEXACT, m.rsqrt)
cbrt_p = _unop("cbrt", _FLOAT, np.cbrt)
erf_p = _unop("erf", _FLOAT, sc.erf)
erfc_p = _unop("erfc", _FLOAT, sc.erfc)
erf_inv_p = _unop("erf_inv", _FLOAT, sc.erfinv)
lgamma_p = _unop("lgamma", _FLOAT, sc.gammaln)
digamma_p = _unop("digamma", _FLOAT, m.digamma)
real_p = _unop("real", _COMPLEX, np.real, _real_part)
imag_p = _unop("imag", _COMPLEX, np.imag, _real_part)
conj_p = _unop("conj", _F32_64 | _COMPLEX, m.conj, _complex_of)
not_p = _unop("not", _BOOL_OR_INT, m.not_)
copy_p = _unop("copy", _ANY, m.copy, upcast=False)

add_p = _binop("add", _NUM, np.add)
sub_p = _binop("sub", _NUM, np.subtract)
mul_p = _binop("mul", _NUM, np.multiply)
div_p = _binop("div", _NUM, m.div)
rem_p = _binop("rem", _INT | _FLOAT, m.rem)
pow_p = _naryop("pow", [_INEXACT, _INT | _INEXACT], m.pow_, _pow_dtype, same_dtypes=False)
max_p = _binop("max", _ANY, m.max_)
min_p = _binop("min", _ANY, m.min_)
nextafter_p = _binop("nextafter", _FLOAT, m.nextafter, upcast=False)
atan2_p = _binop("atan2", _FLOAT, np.arctan2)
and_p = _binop("and", _BOOL_OR_INT, np.bitwise_and)
or_p = _binop("or", _BOOL_OR_INT, np.bitwise_or)
xor_p = _binop("xor", _BOOL_OR_INT, np.bitwise_xor)
shift_left_p = _binop("shift_left", _INT, m.shift_left)
shift_right_logical_p = _binop("shift_right_logical", _INT, m.shift_right_logical)
shift_right_arithmetic_p = _binop("shift_right_arithmetic", _INT, m.shift_right_arithmetic)
eq_p = _binop("eq", _ANY, np.equal, _to_bool)
ne_p = _binop("ne", _ANY, np.not_equal, _to_bool)
lt_p = _binop("lt", _ORDERED, np.less, _to_bool)
le_p = _binop("le", _ORDERED, np.less_equal, _to_bool)
gt_p = _binop("gt", _ORDERED, np.greater, _to_bool)
ge_p = _binop("ge", _ORDERED, np.greater_equal, _to_bool)
complex_p = _binop("complex", _F32_64, m.complex_, _complex_of)

del sc


# clamp(min, x, max): min and max may be 0-d.
def _clamp_abstract_eval(lo, x, hi):
    _check_dtypes("clamp", [_ORDERED] * 3, (lo, x, hi))
    _check_same_dtypes("clamp", (lo, x, hi))
    for what, bound in (("min", lo), ("max", hi)):
        if bound.shape and bound.shape != x.shape:
            raise TypeError(f"clamp requires {what}.shape == operand.shape or {what}.shape "
                            f"== (), got {what}.shape {bound.shape} and operand.shape "
                            f"{x.shape}")
    return _result(x.shape, x.dtype, (lo, x, hi))


clamp_p = Primitive("clamp")
clamp_p.def_abstract_eval(_clamp_abstract_eval)
clamp_p.def_impl(m.upcast(m.clamp))


# select_n(which, *cases): which is bool (two cases at most) or an integer, 0-d or
# of the cases' shape; out-of-range indices select the nearest end case.
def _select_n_abstract_eval(which, *cases):
    if not cases:
        raise TypeError("select_n requires at least one case")
    if len({c.shape for c in cases}) > 1:
        raise TypeError(f"select_n cases must have the same shapes, got "
                        f"[{', '.join(str(c.shape) for c in cases)}]")
    _check_same_dtypes("select_n", cases)
    if which.shape and which.shape != cases[0].shape:
        raise TypeError(f"select_n `which` must be scalar or have the same shape as cases, "
                        f"got `which` shape {which.shape} but case shape {cases[0].shape}")
    if not (dtypes.is_bool(which.dtype) or dtypes.is_int(which.dtype)):
        raise TypeError(f"select_n `which` must be boolean or integer type, got "
                        f"{which.dtype.name}")
    if dtypes.is_bool(which.dtype) and len(cases) > 2:
        raise TypeError(f"select_n with a boolean `which` cannot have more than 2 cases, "
                        f"got {len(cases)}")
    return _result(cases[0].shape, cases[0].dtype, cases)


select_n_p = Primitive("select_n")
select_n_p.def_abstract_eval(_select_n_abstract_eval)
select_n_p.def_impl(m.quiet(m.select_n))


def _new_dtype(name: str, new_dtype) -> np.dtype:
    if not isinstance(new_dtype, np.dtype) or new_dtype not in dtypes.SUPPORTED_DTYPES:
        raise TypeError(f"{name}: new_dtype must be a supported np.dtype, got {new_dtype!r}")
    return new_dtype


def _convert_abstract_eval(operand, *, new_dtype, weak_type=False, sharding=None):
    new_dtype = _new_dtype("convert_element_type", new_dtype)
    return ShapedArray(operand.shape, new_dtype, bool(weak_type) and new_dtype != _BOOL_DT)


convert_element_type_p = Primitive("convert_element_type")
convert_element_type_p.def_abstract_eval(_convert_abstract_eval)
convert_element_type_p.def_impl(m.quiet(m.convert_element_type))


def _bitcast_abstract_eval(operand, *, new_dtype):
    old, new = operand.dtype, _new_dtype("bitcast_convert_type", new_dtype)
    if old != new and (_kind(old) in "bc" or _kind(new) in "bc"):
        raise TypeError(f"bitcast_convert_type does not support bool or complex values "
                        f"unless the operand and destination types match; got operand "
                        f"dtype {old.name} and new_dtype {new.name}")
    if old.itemsize == new.itemsize:
        shape = operand.shape
    elif old.itemsize > new.itemsize:
        shape = operand.shape + (old.itemsize // new.itemsize,)
    else:
        last = operand.shape[-1] if operand.shape else 1
        if last * old.itemsize != new.itemsize:
            raise ValueError(f"bitcast_convert_type: cannot convert an array of shape "
                             f"{operand.shape} from {old.name} (size {old.itemsize}) to "
                             f"{new.name} (size {new.itemsize}): the last dimension must "
                             f"be {new.itemsize // old.itemsize}, got {last}")
        shape = operand.shape[:-1]
    return ShapedArray(shape, new, False)


bitcast_convert_type_p = Primitive("bitcast_convert_type")
bitcast_convert_type_p.def_abstract_eval(_bitcast_abstract_eval)
bitcast_convert_type_p.def_impl(m.quiet(m.bitcast_convert_type))


# ------------------------------------------------------------ argument handling

_WEAK_PY = (int, float, builtins.complex)   # `complex` is lax.complex below
# The kinds each weakly typed Python scalar may take without promotion.
_SCALAR_FITS = {int: "iufc", float: "fc", builtins.complex: "c"}


def _is_py_scalar(x) -> bool:
    """A weakly typed Python scalar (``bool`` is strongly typed, as in JAX)."""
    return type(x) in _WEAK_PY


def _check_arg(name: str, pos: int, x) -> None:
    if isinstance(x, (list, tuple)) or not is_array_like(x):
        raise TypeError(f"lax.{name}: argument {pos} has type {type(x).__name__}, which "
                        f"is not a valid plax array type")


def _eager(prim: Primitive, *args, **params):
    """Run ``prim`` now, outside any trace: constant folding of Python scalars."""
    return get_backend().apply_primitive(prim, args, params)


def _host_value(x, dtype: np.dtype) -> np.ndarray:
    """A Python scalar converted to ``dtype`` on the host with XLA's conversion rules."""
    if type(x) is int:
        for wide in (np.int64, np.uint64):
            try:
                value = np.asarray(x, wide)
                break
            except OverflowError:
                continue
        else:
            if not dtypes.is_inexact(dtype):
                raise OverflowError(f"Python int {x} too large to convert to {dtype.name}")
            value = np.asarray(float(x))
    with np.errstate(all="ignore"):
        if type(x) is not int:
            value = np.asarray(x, dtypes.canonicalize_dtype(type(x)))
        return np.asarray(m.convert_element_type(value, new_dtype=dtype))


def _fold_convert(x, dtype: np.dtype, weak_type: bool):
    """A Python scalar as a concrete array of ``dtype`` (no equation when staging)."""
    return _eager(convert_element_type_p, _host_value(x, dtype), new_dtype=dtype,
                  weak_type=weak_type, sharding=None)


def _convert_weak_scalar(x, like_dtype, name: str = "lax"):
    """The Python scalar ``x`` as a weakly typed 0-d array of ``like_dtype``.

    Raises TypeError when ``x`` would need promotion (a float with an integer dtype,
    a complex with a real one, anything but a bool with bool) and OverflowError when
    an int does not fit an integer dtype.
    """
    return _fold_convert(x, _check_weak_scalar(x, like_dtype, name), True)


def _check_weak_scalar(x, like_dtype, name: str) -> np.dtype:
    """``like_dtype`` as a dtype, once ``x`` is known to fit it (see above)."""
    dtype = np.dtype(like_dtype)
    kind = _kind(dtype)
    if kind not in _SCALAR_FITS[type(x)]:
        raise TypeError(f"{name} requires arguments to have the same dtypes, got "
                        f"{dtype.name} and a Python {type(x).__name__} ({x!r}) "
                        f"({_promotion_hint(name)})")
    if type(x) is int and kind in "iu":
        info = np.iinfo(dtype)
        if not info.min <= x <= info.max:
            raise OverflowError(f"Python int {x} too large to convert to {dtype.name}")
    return dtype


def _eager_scalar(x, like_dtype, name: str, shape: tuple, backend):
    """The Python scalar ``x`` as a weakly typed array of ``shape`` on ``backend``,
    from the backend's cache of small constants when it keeps one.

    Eager only: this is what converting and broadcasting the scalar computes (the
    value is converted on the host exactly as ``_fold_convert`` does), without the two
    eager primitives; ``x * 2.0`` in a loop reuses one device constant.
    """
    dtype = _check_weak_scalar(x, like_dtype, name)
    # (-0.0 == 0.0 and 0j == -0j hash alike: the key tells their signs apart)
    key = (type(x), x if x and type(x) is not builtins.complex else repr(x), dtype, shape)

    def make():
        return (np.full(shape, _host_value(x, dtype), dtype),
                ShapedArray(shape, dtype, True))
    return backend.constant(key, make)


def _is_host_0d(x) -> bool:
    return isinstance(x, (np.ndarray, np.generic)) and x.ndim == 0


def _eager_host(x, shape: tuple, backend):
    """A 0-d NumPy value broadcast to ``shape``: ``_eager_scalar``'s constant for the
    strongly typed scalars promotion makes (``2.0 - x``)."""
    value, weak = dtypes.coerce_to_array(x)
    key = (value.dtype, value.tobytes(), weak, shape)
    return backend.constant(key, lambda: (np.full(shape, value, value.dtype),
                                          ShapedArray(shape, value.dtype, weak)))


def _prepare(name: str, args: Sequence[Any], like=None, first: int = 0,
             default_shape: tuple = ()) -> list:
    """Check ``args``, give Python scalars the common dtype, broadcast 0-d operands.

    The common dtype is ``like`` or that of the first non-Python-scalar argument (the
    join of the scalars when all are Python scalars).  0-d operands are broadcast to
    the shape of the first operand of higher rank (``default_shape`` if none).
    """
    if like is None and _same_shape_arrays(args, default_shape):
        return list(args)  # the common case: nothing to convert or broadcast
    for i, a in enumerate(args):
        _check_arg(name, first + i, a)
    if like is None:
        ref = next((a for a in args if not _is_py_scalar(a)), None)
        like = get_aval(ref).dtype if ref is not None else dtypes.result_type(*args)
    if len(trace_stack()) == 1 and getattr(backend := get_backend(), "constant", None):
        shape = next((s for s in (get_aval(a).shape for a in args if not _is_py_scalar(a))
                      if s), default_shape)
        args = [_eager_scalar(a, like, name, shape, backend) if _is_py_scalar(a) else
                _eager_host(a, shape, backend) if shape and _is_host_0d(a) else a
                for a in args]
    args = [_convert_weak_scalar(a, like, name) if _is_py_scalar(a) else a for a in args]
    avals = [get_aval(a) for a in args]
    shape = next((av.shape for av in avals if av.ndim), default_shape)
    if shape:
        args = [broadcast_in_dim(a, shape, ()) if av.ndim == 0 else a
                for a, av in zip(args, avals)]
    return args


def _same_shape_arrays(args, default_shape) -> bool:
    """Whether ``args`` are arrays or tracers of one shape that needs no broadcasting."""
    shape = None
    for a in args:
        aval = getattr(a, "aval", None)
        if not isinstance(aval, ShapedArray) or (shape is not None and aval.shape != shape):
            return False
        shape = aval.shape
    return shape is not None and (shape != () or default_shape == ())


def standard_binary_args(name: str, x, y):
    """``(x, y)`` ready for a binary elementwise primitive named ``name``.

    Rejects non-arrays, converts a Python scalar to the other operand's dtype (weakly
    typed) and broadcasts a 0-d operand to the other's shape.  Other dtype and shape
    mismatches are left for the primitive's abstract evaluation to report.
    """
    x, y = _prepare(name, (x, y))
    return x, y


# ------------------------------------------------------------------ lax functions

def _unary_function(prim: Primitive, name: str, doc: str) -> Callable:
    def fun(x):
        _check_arg(name, 0, x)
        return prim.bind(x)
    fun.__name__ = fun.__qualname__ = name
    fun.__doc__ = doc
    return fun


def _binary_function(prim: Primitive, name: str, doc: str) -> Callable:
    def fun(x, y):
        x, y = _prepare(prim.name, (x, y))
        return prim.bind(x, y)
    fun.__name__ = fun.__qualname__ = name
    fun.__doc__ = doc
    return fun


neg = _unary_function(neg_p, "neg", "Elementwise negation: -x (unsigned values wrap).")
sign = _unary_function(sign_p, "sign", "Elementwise sign: -1, 0 or 1 (``x / abs(x)`` for complex).")
floor = _unary_function(floor_p, "floor", "Elementwise floor.")
ceil = _unary_function(ceil_p, "ceil", "Elementwise ceiling.")
is_finite = _unary_function(is_finite_p, "is_finite", "Elementwise: neither inf nor NaN.")
abs = _unary_function(abs_p, "abs", "Elementwise absolute value (real for complex input).")
square = _unary_function(square_p, "square", "Elementwise square: x * x.")
exp = _unary_function(exp_p, "exp", "Elementwise exponential.")
exp2 = _unary_function(exp2_p, "exp2", "Elementwise base-2 exponential.")
log = _unary_function(log_p, "log", "Elementwise natural logarithm.")
log1p = _unary_function(log1p_p, "log1p", "Elementwise log(1 + x).")
expm1 = _unary_function(expm1_p, "expm1", "Elementwise exp(x) - 1.")
tanh = _unary_function(tanh_p, "tanh", "Elementwise hyperbolic tangent.")
logistic = _unary_function(logistic_p, "logistic", "Elementwise 1 / (1 + exp(-x)).")
sin = _unary_function(sin_p, "sin", "Elementwise sine.")
cos = _unary_function(cos_p, "cos", "Elementwise cosine.")
tan = _unary_function(tan_p, "tan", "Elementwise tangent.")
asin = _unary_function(asin_p, "asin", "Elementwise arc sine.")
acos = _unary_function(acos_p, "acos", "Elementwise arc cosine.")
atan = _unary_function(atan_p, "atan", "Elementwise arc tangent.")
sinh = _unary_function(sinh_p, "sinh", "Elementwise hyperbolic sine.")
cosh = _unary_function(cosh_p, "cosh", "Elementwise hyperbolic cosine.")
asinh = _unary_function(asinh_p, "asinh", "Elementwise inverse hyperbolic sine.")
acosh = _unary_function(acosh_p, "acosh", "Elementwise inverse hyperbolic cosine.")
atanh = _unary_function(atanh_p, "atanh", "Elementwise inverse hyperbolic tangent.")
sqrt = _unary_function(sqrt_p, "sqrt", "Elementwise square root.")
rsqrt = _unary_function(rsqrt_p, "rsqrt", "Elementwise 1 / sqrt(x).")
cbrt = _unary_function(cbrt_p, "cbrt", "Elementwise cube root.")
erf = _unary_function(erf_p, "erf", "Elementwise error function.")
erfc = _unary_function(erfc_p, "erfc", "Elementwise complementary error function.")
erf_inv = _unary_function(erf_inv_p, "erf_inv", "Elementwise inverse error function.")
lgamma = _unary_function(lgamma_p, "lgamma", "Elementwise ``log(abs(gamma(x)))``.")
digamma = _unary_function(digamma_p, "digamma", "Elementwise digamma (NaN at poles).")
real = _unary_function(real_p, "real", "Elementwise real part of a complex array.")
imag = _unary_function(imag_p, "imag", "Elementwise imaginary part of a complex array.")
bitwise_not = _unary_function(not_p, "bitwise_not", "Elementwise NOT (logical for bool).")

add = _binary_function(add_p, "add", "Elementwise x + y.")
sub = _binary_function(sub_p, "sub", "Elementwise x - y.")
mul = _binary_function(mul_p, "mul", "Elementwise x * y.")
div = _binary_function(div_p, "div", "Elementwise x / y (integers round toward zero).")
rem = _binary_function(rem_p, "rem", "Elementwise remainder with the sign of x (C fmod).")
max = _binary_function(max_p, "max", "Elementwise maximum (NaN-propagating).")
min = _binary_function(min_p, "min", "Elementwise minimum (NaN-propagating).")
nextafter = _binary_function(nextafter_p, "nextafter",
                             "The next representable value after x in the direction of y.")
atan2 = _binary_function(atan2_p, "atan2", "Elementwise arc tangent of x / y (quadrant-aware).")
bitwise_and = _binary_function(and_p, "bitwise_and", "Elementwise AND (logical for bool).")
bitwise_or = _binary_function(or_p, "bitwise_or", "Elementwise OR (logical for bool).")
bitwise_xor = _binary_function(xor_p, "bitwise_xor", "Elementwise XOR (logical for bool).")
shift_left = _binary_function(shift_left_p, "shift_left", "Elementwise x << y.")
shift_right_logical = _binary_function(shift_right_logical_p, "shift_right_logical",
                                       "Elementwise logical (zero-filling) x >> y.")
shift_right_arithmetic = _binary_function(shift_right_arithmetic_p, "shift_right_arithmetic",
                                          "Elementwise arithmetic (sign-filling) x >> y.")
eq = _binary_function(eq_p, "eq", "Elementwise x == y.")
ne = _binary_function(ne_p, "ne", "Elementwise x != y.")
lt = _binary_function(lt_p, "lt", "Elementwise x < y.")
le = _binary_function(le_p, "le", "Elementwise x <= y.")
gt = _binary_function(gt_p, "gt", "Elementwise x > y.")
ge = _binary_function(ge_p, "ge", "Elementwise x >= y.")
complex = _binary_function(complex_p, "complex", "Elementwise x + 1j * y.")


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):
    """Elementwise rounding to an integral value, ties per ``rounding_method``."""
    _check_arg("round", 0, x)
    try:
        method = RoundingMethod(rounding_method)
    except ValueError:
        raise ValueError(f"round: rounding_method must be a RoundingMethod (0 or 1), got "
                         f"{rounding_method!r}") from None
    return round_p.bind(x, rounding_method=method)


def integer_pow(x, y):
    """Elementwise x ** y for a Python int ``y`` (by repeated multiplication)."""
    _check_arg("integer_pow", 0, x)
    if isinstance(y, (bool, np.bool_)) or not isinstance(y, (int, np.integer)):
        raise TypeError(f"integer_pow: exponent y must be a Python int, got "
                        f"{type(y).__name__} {y!r}")
    return integer_pow_p.bind(x, y=operator.index(y))


def reciprocal(x):
    """Elementwise 1 / x."""
    return integer_pow(x, -1)


def pow(x, y):
    """Elementwise x ** y: x inexact; y of x's dtype or any integer dtype."""
    _check_arg("pow", 0, x)
    _check_arg("pow", 1, y)
    if type(y) is int:                       # an integer exponent stays an integer
        y = _convert_weak_scalar(y, dtypes.default_int_dtype(), "pow")
    if _is_py_scalar(x):
        like = None if _is_py_scalar(y) else get_aval(y).dtype
        if like is None or not dtypes.is_inexact(like):
            like = dtypes.result_type(x)
        x = _convert_weak_scalar(x, like, "pow")
    if _is_py_scalar(y):
        like = get_aval(x).dtype
        if not dtypes.is_inexact(like):
            like = dtypes.result_type(y)
        y = _convert_weak_scalar(y, like, "pow")
    x, y = _prepare("pow", (x, y))
    return pow_p.bind(x, y)


def conj(x):
    """Elementwise complex conjugate (real input gives a complex result)."""
    _check_arg("conj", 0, x)
    return conj_p.bind(x, input_dtype=get_aval(x).dtype)


def clamp(min, x, max):
    """Elementwise ``min(max(x, min), max)``; ``min``/``max`` may be 0-d."""
    args = (min, x, max)
    for i, a in enumerate(args):
        _check_arg("clamp", i, a)
    ref = next((a for a in (x, min, max) if not _is_py_scalar(a)), None)
    like = get_aval(ref).dtype if ref is not None else dtypes.result_type(*args)
    lo, x, hi = (_convert_weak_scalar(a, like, "clamp") if _is_py_scalar(a) else a
                 for a in args)
    return clamp_p.bind(lo, x, hi)


def select_n(which, *cases):
    """``cases[which]`` elementwise; ``which`` is bool (2 cases) or an integer array."""
    return _select_n("select_n", which, cases)


def select(pred, on_true, on_false):
    """Elementwise ``on_true if pred else on_false`` for a boolean ``pred``."""
    return _select_n("select", pred, (on_false, on_true))


def _select_n(name, which, cases):
    if not cases:
        raise ValueError(f"{name}() must have at least one case")
    _check_arg(name, 0, which)
    cases = _prepare(name, cases, first=1, default_shape=get_aval(which).shape)
    return select_n_p.bind(which, *cases)


def _convert(x, dtype: np.dtype, weak_type: bool):
    if _is_py_scalar(x) or type(x) is bool:
        return _fold_convert(x, dtype, weak_type)
    return convert_element_type_p.bind(x, new_dtype=dtype, weak_type=weak_type,
                                       sharding=None)


def convert_element_type(operand, new_dtype):
    """Elementwise cast to ``new_dtype`` (XLA semantics: float -> int truncates and
    saturates, NaN -> 0; complex -> real keeps the real part)."""
    _check_arg("convert_element_type", 0, operand)
    return _convert(operand, dtypes.canonicalize_dtype(new_dtype), False)


def bitcast_convert_type(operand, new_dtype):
    """Reinterpret the bits as ``new_dtype``; a narrower type adds a trailing dimension
    of size ``old_size // new_size``, a wider one removes such a dimension."""
    _check_arg("bitcast_convert_type", 0, operand)
    return bitcast_convert_type_p.bind(operand, new_dtype=dtypes.canonicalize_dtype(new_dtype))


def _array_copy(x):
    """A copy of ``x`` (the ``copy`` primitive, used by transformations)."""
    _check_arg("copy", 0, x)
    return copy_p.bind(x)


def _full(name, shape, fill_value, dtype, weak_type):
    shape = canonical_shape(name, shape)
    _check_arg(name, 1, fill_value)
    if not _is_py_scalar(fill_value) and get_aval(fill_value).ndim:
        raise TypeError(f"{name} must be called with a scalar fill_value, got "
                        f"fill_value.shape {get_aval(fill_value).shape}")
    if dtype is None:
        dtype = dtypes.dtype(fill_value)
    weak_type = weak_type and dtype != _BOOL_DT
    if _is_py_scalar(fill_value) or type(fill_value) is bool:
        fill = _fold_convert(fill_value, dtype, weak_type)
    else:
        aval = get_aval(fill_value)
        fill = (fill_value if (aval.dtype, aval.weak_type) == (dtype, weak_type)
                else _convert(fill_value, dtype, weak_type))
    return broadcast_in_dim(fill, shape, ())


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with the scalar ``fill_value``."""
    weak = dtype is None and dtypes.is_weakly_typed(fill_value)
    dtype = None if dtype is None else dtypes.canonicalize_dtype(dtype)
    return _full("full", shape, fill_value, dtype, weak)


def full_like(x, fill_value, dtype=None, shape=None):
    """An array like ``x`` (its shape and dtype unless given) filled with ``fill_value``."""
    _check_arg("full_like", 0, x)
    aval = get_aval(x)
    weak = dtype is None and aval.weak_type
    dtype = aval.dtype if dtype is None else dtypes.canonicalize_dtype(dtype)
    return _full("full_like", aval.shape if shape is None else shape, fill_value, dtype,
                 weak)


def zeros_like_array(x):
    """Zeros of ``x``'s shape and dtype."""
    return full_like(x, 0)
