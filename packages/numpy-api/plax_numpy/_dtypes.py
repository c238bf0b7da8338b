"""The dtype objects of plax.numpy (with NumPy's aliases and the ml_dtypes names) and the
dtype functions (JAX's promotion rules, astype).

``plax.numpy.float32`` and friends are scalar types: they work wherever NumPy takes a
dtype (``x.astype(jnp.float32)``, ``np.dtype(jnp.float32)``, ``x.dtype == jnp.float32``),
and calling one makes a plax array of that dtype, as in JAX: ``jnp.float32(1)``.
"""

from __future__ import annotations

import builtins

import ml_dtypes
import numpy as np

from plax_core import dtypes as _dt
from plax_core import ops

__all__ = [
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128", "float_",
    "int_", "uint", "complex_", "dtype", "iinfo", "finfo", "issubdtype", "promote_types",
    "result_type", "can_cast", "isdtype", "generic", "number", "inexact", "floating",
    "complexfloating", "integer", "signedinteger", "unsignedinteger", "float0",
    "single", "double", "csingle", "cdouble", "object_", "character", "flexible",
    "ComplexWarning", "int1", "uint1", "int2", "uint2", "int4", "uint4", "float4_e2m1fn",
    "float6_e2m3fn", "float6_e3m2fn", "float8_e3m4", "float8_e4m3", "float8_e4m3b11fnuz",
    "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
    "iterable", "astype",
]


class _ScalarMeta(type):
    """Metaclass of the scalar types: equal to (and hashed like) NumPy's own type, and
    ``isinstance(np.float32(1), jnp.float32)`` is true."""

    def __instancecheck__(cls, instance):
        return isinstance(instance, cls._np_type)

    def __eq__(cls, other):
        return cls is other or cls._np_type == other

    def __ne__(cls, other):
        return not cls.__eq__(other)

    def __hash__(cls):
        return hash(cls._np_type)

    def __repr__(cls):
        return f"<class 'plax.numpy.{cls.__name__}'>"


def _scalar_type(np_type, name=None):
    np_type = np.dtype(np_type).type

    def __new__(cls, x=0):  # noqa: N807
        from ._creation import asarray
        return asarray(x, dtype=cls.dtype)

    return _ScalarMeta(name or np.dtype(np_type).name, (np_type,), {
        "_np_type": np_type, "dtype": np.dtype(np_type), "__new__": __new__,
        "__module__": "plax.numpy", "__slots__": ()})


bool_ = _scalar_type(np.bool_, "bool_")
int8, int16, int32, int64 = (_scalar_type(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (_scalar_type(t) for t in (np.uint8, np.uint16, np.uint32,
                                                           np.uint64))
float16, float32, float64 = (_scalar_type(t) for t in (np.float16, np.float32, np.float64))
bfloat16 = _scalar_type(ml_dtypes.bfloat16, "bfloat16")
complex64, complex128 = _scalar_type(np.complex64), _scalar_type(np.complex128)
# JAX's "default" aliases: 64-bit names, canonicalised to 32 bits unless x64 is on
float_, int_, uint, complex_ = float64, int64, uint64, complex128

dtype = np.dtype
float0 = _dt.float0
generic, number, inexact, floating = np.generic, np.number, np.inexact, np.floating
complexfloating, integer = np.complexfloating, np.integer
signedinteger, unsignedinteger = np.signedinteger, np.unsignedinteger


def _plain(x):
    """NumPy's type for one of our scalar types (other values unchanged)."""
    return x._np_type if isinstance(x, _ScalarMeta) else x


def _to_dtype(x) -> np.dtype:
    """np.dtype of a dtype-like or of a value with a ``dtype`` (arrays, scalars)."""
    if isinstance(x, type):
        return np.dtype(_plain(x))
    d = getattr(x, "dtype", None)
    return d if isinstance(d, np.dtype) else np.dtype(x)


def issubdtype(arg1, arg2) -> bool:
    """``np.issubdtype`` that knows bfloat16 is a floating type."""
    arg1, arg2 = _plain(arg1), _plain(arg2)
    if not (isinstance(arg2, type) and issubclass(arg2, np.generic)):
        arg2 = np.dtype(arg2).type
    if not (isinstance(arg1, type) and issubclass(arg1, np.generic)):
        arg1 = getattr(arg1, "dtype", arg1)
    return _dt.issubdtype(np.dtype(arg1) if not isinstance(arg1, type) else arg1, arg2)


def promote_types(a, b) -> np.dtype:
    """JAX's ``promote_types``: the join of two dtypes on the promotion lattice."""
    return _dt.promote_types(_plain(a), _plain(b))


def result_type(*args, return_weak_type_flag=False):
    """The dtype JAX's rules give an operation on ``args`` (Python scalars are weak)."""
    return _dt.result_type(*(_plain(a) for a in args),
                           return_weak_type_flag=return_weak_type_flag)


def can_cast(from_, to, casting="safe") -> bool:
    """Whether a value of dtype ``from_`` converts to ``to`` under ``casting`` rules."""
    return builtins.bool(np.can_cast(_to_dtype(from_), _to_dtype(to), casting))


_KINDS = {
    "bool": lambda d: d.kind == "b",
    "signed integer": lambda d: d.kind == "i",
    "unsigned integer": lambda d: d.kind == "u",
    "integral": lambda d: d.kind in "iu",
    "real floating": lambda d: d.kind == "f" or d == ml_dtypes.bfloat16,
    "complex floating": lambda d: d.kind == "c",
    "numeric": lambda d: d.kind in "iufc" or d == ml_dtypes.bfloat16,
}


def isdtype(dtype_, kind) -> bool:
    """The array API's ``isdtype``: ``kind`` is a dtype, a kind name or a tuple of them."""
    d = _to_dtype(dtype_)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            if k not in _KINDS:
                raise ValueError(f"isdtype: unknown kind {k!r}; known: {', '.join(_KINDS)}")
            if _KINDS[k](d):
                return True
        elif d == np.dtype(_plain(k)):
            return True
    return False


def iinfo(int_type):
    """Machine limits of an integer type."""
    return _dt.iinfo(_to_dtype(int_type))


def finfo(float_type):
    """Machine limits of a float type (also for ``bfloat16`` and the float8 types)."""
    return _dt.finfo(_to_dtype(float_type))


# ------------------------------------------------------------------ dtype names

single, double, csingle, cdouble = float32, float64, complex64, complex128
object_, character, flexible = np.object_, np.character, np.flexible
ComplexWarning = np.exceptions.ComplexWarning

_ML_NAMES = ["int1", "uint1", "int2", "uint2", "int4", "uint4", "float4_e2m1fn",
             "float6_e2m3fn", "float6_e3m2fn", "float8_e3m4", "float8_e4m3",
             "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
             "float8_e5m2fnuz", "float8_e8m0fnu"]
(int1, uint1, int2, uint2, int4, uint4, float4_e2m1fn, float6_e2m3fn, float6_e3m2fn,
 float8_e3m4, float8_e4m3, float8_e4m3b11fnuz, float8_e4m3fn, float8_e4m3fnuz, float8_e5m2,
 float8_e5m2fnuz, float8_e8m0fnu) = (_scalar_type(getattr(ml_dtypes, n), n) for n in _ML_NAMES)


def iterable(y) -> bool:
    """Whether ``y`` can be iterated over (arrays of one or more dimensions can)."""
    try:
        iter(y)
    except TypeError:
        return False
    return True


def astype(x, dtype, /, *, copy=False, device=None):
    """``x`` converted to ``dtype``, as the array API's ``astype``."""
    return ops.astype(ops.operand(x, "astype"), dtype)
