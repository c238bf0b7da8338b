"""plax's dtype rules: the supported set, x64 canonicalisation and JAX's
type promotion lattice with weak types.

NumPy's own rules are unsuitable: they promote to 64 bits eagerly
(``int32 + float32 -> float64``, ``int8 array + 2 -> int64`` in older NumPy),
they know nothing of bfloat16, and Python scalars carry no "weak" marker.
Everything here follows JAX: see https://docs.jax.dev/en/latest/type_promotion.html
"""

from __future__ import annotations

import functools
import sys
import warnings
from typing import Any

import ml_dtypes
import numpy as np

from .config import enable_x64 as _enable_x64

__all__ = [
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "uint64", "bfloat16", "float16", "float32", "float64", "complex64",
    "complex128", "float0", "SUPPORTED_DTYPES", "python_scalar_dtypes",
    "weak_types", "TypePromotionError", "canonicalize_dtype", "check_user_dtype",
    "default_float_dtype", "default_int_dtype", "default_uint_dtype",
    "default_complex_dtype", "is_weakly_typed", "dtype", "promote_types",
    "result_type", "issubdtype", "is_float", "is_int", "is_unsigned",
    "is_signed", "is_complex", "is_bool", "is_inexact", "finfo", "iinfo",
    "coerce_to_array", "short_dtype_name",
]

# ------------------------------------------------------------------ the types

bool_ = np.bool_
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, uint16, uint32, uint64 = np.uint8, np.uint16, np.uint32, np.uint64
bfloat16 = ml_dtypes.bfloat16
float16, float32, float64 = np.float16, np.float32, np.float64
complex64, complex128 = np.complex64, np.complex128

#: Tangent dtype of integer and boolean primals: a zero-size "no value" type.
float0 = np.dtype([("float0", np.void, 0)])

_B1 = np.dtype(bool)
_U1, _U2, _U4, _U8 = (np.dtype(t) for t in (uint8, uint16, uint32, uint64))
_I1, _I2, _I4, _I8 = (np.dtype(t) for t in (int8, int16, int32, int64))
_BF = np.dtype(bfloat16)
_F2, _F4, _F8 = (np.dtype(t) for t in (float16, float32, float64))
_C8, _C16 = np.dtype(complex64), np.dtype(complex128)

SUPPORTED_DTYPES: tuple[np.dtype, ...] = (
    _B1, _I1, _I2, _I4, _I8, _U1, _U2, _U4, _U8,
    _BF, _F2, _F4, _F8, _C8, _C16)
_SUPPORTED = frozenset(SUPPORTED_DTYPES)
_SUPPORTED_NAMES = ", ".join(d.name for d in SUPPORTED_DTYPES)

_TO_32BIT: dict[np.dtype, np.dtype] = {_I8: _I4, _U8: _U4, _F8: _F4, _C16: _C8}

#: The un-canonicalised dtype of each Python scalar type (as in JAX).
python_scalar_dtypes: dict[type, np.dtype] = {
    bool: _B1, int: _I8, float: _F8, complex: _C16}
_PY_SCALAR_TYPES = frozenset(python_scalar_dtypes)

#: Python types whose values are weakly typed (bool is not: it is b1).
weak_types: tuple[type, ...] = (int, float, complex)

# Dtypes that NumPy's scalar hierarchy misfiles (bfloat16 is kind 'V').
_CUSTOM_FLOAT_SCTYPES = frozenset({bfloat16})


class TypePromotionError(ValueError):
    """Inputs with no implicit promotion path (e.g. float0 with a number)."""


def _x64() -> bool:
    return _enable_x64.value


# ---------------------------------------------------------- canonicalisation

def _describe(x: Any) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, type):
        return x.__name__
    return str(x)


def _unsupported(x: Any) -> TypeError:
    return TypeError(f"plax does not support dtype {_describe(x)!r}; "
                     f"supported dtypes are: {_SUPPORTED_NAMES}")


def _np_dtype(x: Any) -> np.dtype:
    """np.dtype of a dtype-like, native byte order, checked to be supported."""
    if isinstance(x, type) and x in _PY_SCALAR_TYPES:
        return python_scalar_dtypes[x]
    try:
        dt = np.dtype(x)
    except (TypeError, ValueError):
        raise _unsupported(x) from None
    if dt in _SUPPORTED:
        return dt
    if dt.byteorder not in "=|":
        native = dt.newbyteorder("=")
        if native in _SUPPORTED:
            return native
    if dt == float0:
        return float0
    raise _unsupported(x)


_canon_cache: dict[tuple[bool, Any], np.dtype] = {}


def canonicalize_dtype(dtype: Any) -> np.dtype:
    """The np.dtype plax computes in: 64-bit types become 32-bit ones unless
    x64 is on. Python types mean their 64-bit NumPy type first (int -> int64
    -> int32); ``None`` means float64, as in NumPy. float0 passes through."""
    x64 = _x64()
    try:
        return _canon_cache[(x64, dtype)]
    except (KeyError, TypeError):
        pass
    dt = _np_dtype(dtype)
    if not x64:
        dt = _TO_32BIT.get(dt, dt)
    try:
        _canon_cache[(x64, dtype)] = dt
    except TypeError:  # unhashable dtype-like
        pass
    return dt


# JAX's text, word for word up to the flag (code written for JAX filters on it); the
# ways to set the flag are plax's.
_NARROWED = ("Explicitly requested dtype {requested} {where}is not available, and will be "
             "truncated to dtype {got}. To enable more dtypes, set the jax_enable_x64 "
             "configuration option (plax.config.update('jax_enable_x64', True)) or the "
             "PLAX_ENABLE_X64 shell environment variable.")


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside plax."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("plax"):
        frame, level = frame.f_back, level + 1
    return level


def check_user_dtype(dtype: Any, fun_name: str | None = None) -> np.dtype | None:
    """``canonicalize_dtype`` of a dtype the USER asked for (``dtype=`` of a public
    function): like JAX, warn when x64 is off and the request is narrowed (float64 ->
    float32), so that it is never silent. Python's ``int``/``float``/``complex`` do not
    warn (they ask for the default kind); ``None`` (no request) passes through."""
    if dtype is None:
        return None
    dt = canonicalize_dtype(dtype)
    if not _x64() and not (isinstance(dtype, type) and dtype in _PY_SCALAR_TYPES):
        requested = _np_dtype(dtype)
        if requested != dt:
            where = f"requested in {fun_name} " if fun_name else ""
            warnings.warn(_NARROWED.format(requested=requested, where=where, got=dt),
                          UserWarning, stacklevel=_user_stacklevel())
    return dt


def default_int_dtype() -> np.dtype:
    """``int64`` when x64 is enabled, else ``int32``."""
    return _I8 if _x64() else _I4


def default_uint_dtype() -> np.dtype:
    """``uint64`` when x64 is enabled, else ``uint32``."""
    return _U8 if _x64() else _U4


def default_float_dtype() -> np.dtype:
    """``float64`` when x64 is enabled, else ``float32``."""
    return _F8 if _x64() else _F4


def default_complex_dtype() -> np.dtype:
    """``complex128`` when x64 is enabled, else ``complex64``."""
    return _C16 if _x64() else _C8


_DEFAULT_BY_KIND = {"b": lambda: _B1, "i": default_int_dtype,
                    "u": default_uint_dtype, "f": default_float_dtype,
                    "c": default_complex_dtype}


def _default_of_kind(dt: np.dtype) -> np.dtype:
    return _DEFAULT_BY_KIND["f" if dt == _BF else dt.kind]()


# ------------------------------------------------------ dtypes of values

def is_weakly_typed(x: Any) -> bool:
    """True for Python int/float/complex values and for objects whose
    ``weak_type`` (or ``aval.weak_type``) is true. Python bool is strong."""
    t = type(x)
    if t is int or t is float or t is complex:
        return True
    if isinstance(x, type):
        return False
    w = getattr(x, "weak_type", None)
    if w is None:
        w = getattr(getattr(x, "aval", None), "weak_type", None)
    return isinstance(w, (bool, np.bool_)) and bool(w)


def dtype(x: Any, canonicalize: bool = True) -> np.dtype:
    """The dtype plax gives ``x``: a value, an array-like or a dtype-like.

    Python scalars (and the types bool/int/float/complex) map to their
    default types; lists and tuples follow ``coerce_to_array``.
    """
    if x is None:
        raise ValueError("plax cannot determine the dtype of None")
    t = type(x)
    if t in _PY_SCALAR_TYPES:
        dt = python_scalar_dtypes[t]
    elif isinstance(x, type):
        if x in _PY_SCALAR_TYPES:
            dt = python_scalar_dtypes[x]
        elif issubclass(x, np.generic):
            dt = _np_dtype(x)
        else:
            raise _unsupported(x)
    elif isinstance(x, (str, np.dtype)):
        dt = _np_dtype(x)
    elif isinstance(x, (list, tuple)):
        return _sequence_dtype(x)  # already canonical
    else:
        d = getattr(x, "dtype", None)
        if isinstance(d, np.dtype):
            dt = d
        else:
            try:
                dt = np.result_type(x)
            except (TypeError, ValueError):
                raise TypeError(f"plax cannot determine the dtype of "
                                f"{type(x).__name__} {x!r}") from None
        dt = _np_dtype(dt)
    return canonicalize_dtype(dt) if canonicalize else dt


# ------------------------------------------------------------ the lattice

# Node labels as in JAX's docs; "i*", "f*", "c*" are the weak (Python) types.
_LABEL_OF: dict[np.dtype, str] = {
    _B1: "b1", _U1: "u1", _U2: "u2", _U4: "u4", _U8: "u8",
    _I1: "i1", _I2: "i2", _I4: "i4", _I8: "i8",
    _BF: "bf", _F2: "f2", _F4: "f4", _F8: "f8", _C8: "c8", _C16: "c16"}
_DTYPE_OF: dict[str, np.dtype] = {v: k for k, v in _LABEL_OF.items()}
_WEAK_LABELS = {"i*": int, "f*": float, "c*": complex}
_DTYPE_OF.update({k: python_scalar_dtypes[v] for k, v in _WEAK_LABELS.items()})


def _lattice(x64: bool) -> dict[str, list[str]]:
    """Each node's immediate successors. Without x64, u4 v i4 is i4 rather
    than i8, so that no 64-bit type is formed from 32-bit inputs (JAX does
    the same)."""
    return {
        "b1": ["i*"],
        "i*": ["u1", "i1"],
        "u1": ["u2", "i2"], "u2": ["u4", "i4"],
        "u4": ["u8", "i8"] if x64 else ["u8", "i4"],
        "u8": ["f*"],
        "i1": ["i2"], "i2": ["i4"], "i4": ["i8"], "i8": ["f*"],
        "f*": ["bf", "f2", "c*"],
        "bf": ["f4"], "f2": ["f4"], "f4": ["f8", "c8"], "f8": ["c16"],
        "c*": ["c8"], "c8": ["c16"], "c16": [],
    }


def _upper_bounds(x64: bool) -> dict[str, frozenset[str]]:
    succ = _lattice(x64)
    ub: dict[str, frozenset[str]] = {}

    def visit(n: str) -> frozenset[str]:
        if n not in ub:
            ub[n] = frozenset({n}).union(*(visit(m) for m in succ[n]))
        return ub[n]

    for n in succ:
        visit(n)
    return ub


_UB = {True: _upper_bounds(True), False: _upper_bounds(False)}


@functools.lru_cache(maxsize=4096)
def _lub(x64: bool, nodes: frozenset[str]) -> str:
    """Least upper bound of a set of node labels."""
    ub = _UB[x64]
    common = frozenset.intersection(*(ub[n] for n in nodes))
    least = [c for c in common if common <= ub[c]]
    if len(least) != 1:  # cannot happen for a well-formed lattice
        raise TypePromotionError(f"no unique least upper bound for {sorted(nodes)}")
    return least[0]


def _node(dt: np.dtype, weak: bool) -> str:
    if weak and dt != _B1:
        if dt == _BF or dt.kind == "f":
            return "f*"
        if dt.kind in "iu":
            return "i*"
        if dt.kind == "c":
            return "c*"
    try:
        return _LABEL_OF[dt]
    except KeyError:
        raise TypePromotionError(
            f"dtype {_describe(dt)} does not take part in type promotion") from None


def promote_types(a: Any, b: Any) -> np.dtype:
    """JAX's ``promote_types``: the lattice join of two dtype-likes.

    The Python types int/float/complex are weak. The result is not
    canonicalised (so ``promote_types(uint64, int64)`` is float64), except
    that without x64 the lattice itself sends ``uint32 v int32`` to int32.
    """
    na = _WEAK_NODE_OF_TYPE.get(a) if isinstance(a, type) else None
    nb = _WEAK_NODE_OF_TYPE.get(b) if isinstance(b, type) else None
    na = na or _node(_np_dtype(a), False)
    nb = nb or _node(_np_dtype(b), False)
    return _DTYPE_OF[_lub(_x64(), frozenset((na, nb)))]


_WEAK_NODE_OF_TYPE = {int: "i*", float: "f*", complex: "c*"}


def _dtype_and_weak(x: Any) -> tuple[np.dtype, bool]:
    if x is None:
        return default_float_dtype(), False
    weak = (x is int or x is float or x is complex) or is_weakly_typed(x)
    return dtype(x), weak


def _result(pairs: frozenset[tuple[np.dtype, bool]]) -> tuple[np.dtype, bool]:
    """JAX's lattice result over distinct canonical (dtype, weak) pairs."""
    x64 = _x64()
    if len(pairs) == 1:
        (out, weak), = pairs
    else:
        dts = {d for d, _ in pairs}
        all_weak = all(w for _, w in pairs)
        if len(dts) == 1 and not all_weak:
            out, weak = next(iter(dts)), False
        elif all_weak:
            # Join the strong counterparts, then mark weak: avoids e.g. a weak
            # int16 vs weak int8 joining at i* and losing the width.
            out = _DTYPE_OF[_lub(x64, frozenset(_node(d, False) for d in dts))]
            weak = True
        else:
            label = _lub(x64, frozenset(_node(d, w) for d, w in pairs))
            out, weak = _DTYPE_OF[label], label in _WEAK_LABELS
        out = canonicalize_dtype(out)
    weak = weak and out != _B1
    if weak:
        out = _default_of_kind(out)
    return out, weak


def result_type(*args: Any, return_weak_type_flag: bool = False):
    """The dtype of an operation on ``args`` under JAX's promotion rules.

    ``args`` may be dtype-likes, Python scalars (weak), arrays or objects
    with ``.dtype`` (weak if their ``weak_type`` is true); ``None`` means the
    default float. The result is weak when the join lands on a weak node
    (i*, f*, c*), and then it is the default dtype of that kind.
    """
    if not args:
        raise ValueError("at least one array or dtype is required")
    out, weak = _result(frozenset(_dtype_and_weak(a) for a in args))
    return (out, weak) if return_weak_type_flag else out


# ---------------------------------------------------------- categories

def _sctype(x: Any) -> type:
    if isinstance(x, type) and issubclass(x, np.generic):
        return x
    if isinstance(x, np.dtype):
        return x.type
    if not isinstance(x, (str, type)) and x is not None:
        d = getattr(x, "dtype", None)
        if isinstance(d, np.dtype):
            return d.type
    return np.dtype(x).type


def issubdtype(a: Any, b: Any) -> bool:
    """``np.issubdtype`` that files bfloat16 under np.floating."""
    sa, sb = _sctype(a), _sctype(b)
    if sa in _CUSTOM_FLOAT_SCTYPES:
        return sb in (sa, np.floating, np.inexact, np.number, np.generic)
    return bool(np.issubdtype(sa, sb))


def is_float(x: Any) -> bool:
    """Real floating, bfloat16 included."""
    return issubdtype(x, np.floating)


def is_int(x: Any) -> bool:
    """Signed or unsigned integer (not bool)."""
    return issubdtype(x, np.integer)


def is_signed(x: Any) -> bool:
    """Whether ``dtype`` is a signed integer type."""
    return issubdtype(x, np.signedinteger)


def is_unsigned(x: Any) -> bool:
    """Whether ``dtype`` is an unsigned integer type."""
    return issubdtype(x, np.unsignedinteger)


def is_complex(x: Any) -> bool:
    """Whether ``dtype`` is a complex type."""
    return issubdtype(x, np.complexfloating)


def is_bool(x: Any) -> bool:
    """Whether ``dtype`` is the boolean type."""
    return issubdtype(x, np.bool_)


def is_inexact(x: Any) -> bool:
    """Whether ``dtype`` is a float or complex type."""
    return issubdtype(x, np.inexact)


def finfo(dtype: Any) -> np.finfo:
    """Float limits; works for bfloat16 (through ml_dtypes). Not canonicalised."""
    return ml_dtypes.finfo(_np_dtype(dtype))


def iinfo(dtype: Any) -> np.iinfo:
    """Integer limits. Not canonicalised."""
    return ml_dtypes.iinfo(_np_dtype(dtype))


def short_dtype_name(dt: Any) -> str:
    """Short names for printing jaxprs: f32, i8, u32, bf16, c64, bool."""
    dt = _np_dtype(dt)
    if dt == float0:
        return "float0"
    return (dt.name.replace("float", "f").replace("uint", "u")
            .replace("int", "i").replace("complex", "c"))


# ------------------------------------------------------------- conversion

def _cannot_convert(x: Any, why: str) -> TypeError:
    return TypeError(f"plax cannot convert {type(x).__name__} to an array: {why}")


def _check_int_range(value: int, dt: np.dtype) -> None:
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if value < info.min or value > info.max:
            raise OverflowError(f"Python int {value} too large to convert to {dt}")


def _flatten(x: Any, top: Any, out: list) -> list:
    for item in x:
        if isinstance(item, (list, tuple)):
            _flatten(item, top, out)
        elif (type(item) in _PY_SCALAR_TYPES or isinstance(item, (np.generic, np.ndarray))
              or hasattr(item, "__array__")):
            out.append(item)
        else:
            raise _cannot_convert(
                top, f"element {item!r} of type {type(item).__name__} is not "
                "a number, a bool or an array")
    return out


def _sequence_dtype(x: Any) -> np.dtype:
    leaves = _flatten(x, x, [])
    if not leaves:
        return default_float_dtype()
    return _result(frozenset(_dtype_and_weak(leaf) for leaf in leaves))[0]


def coerce_to_array(x: Any, dtype: Any = None) -> tuple[np.ndarray, bool]:
    """Turn a Python or NumPy value into ``(ndarray, weak_type)``.

    Python int/float/complex give weak 0-d arrays of the default type; bool,
    lists (JAX: ``jnp.array([1.0])`` is strong), NumPy values and an explicit
    ``dtype`` give strong ones. 64-bit inputs become 32-bit without x64. Other
    objects that offer ``__array__`` keep their ``weak_type`` attribute.
    The result may share memory with ``x``.
    """
    want = None if dtype is None else canonicalize_dtype(dtype)
    t = type(x)
    if t in _PY_SCALAR_TYPES:
        weak = False
        if want is None:
            want = canonicalize_dtype(python_scalar_dtypes[t])
            weak = t is not bool
        if t is int:
            _check_int_range(x, want)
        return np.asarray(x, want), weak
    if isinstance(x, (list, tuple)):
        leaves = _flatten(x, x, [])
        if want is None:
            want = (_result(frozenset(_dtype_and_weak(v) for v in leaves))[0]
                    if leaves else default_float_dtype())
        for leaf in leaves:
            if type(leaf) is int:
                _check_int_range(leaf, want)
        return np.asarray(x, want), False
    if isinstance(x, (np.ndarray, np.generic)):
        arr, weak = np.asarray(x), False
    elif isinstance(x, (str, bytes)) or not hasattr(x, "__array__"):
        raise _cannot_convert(x, "only numbers, bools, arrays and (nested) "
                              "lists or tuples of them are supported")
    else:
        arr = np.asarray(x)
        weak = want is None and is_weakly_typed(x)
    try:
        src = canonicalize_dtype(arr.dtype)
    except TypeError:
        raise _cannot_convert(
            x, f"its dtype {arr.dtype} is not supported; supported "
            f"dtypes are: {_SUPPORTED_NAMES}") from None
    if want is None:
        want = src
    if arr.dtype != want:
        arr = arr.astype(want)
    return arr, weak
