"""The rules of NumPy semantics over lax (part of ``plax_core.numpy_semantics``).

lax is strict (same dtypes, same shapes); NumPy is lenient.  These functions are the
bridge, following ``jax.numpy``: arguments are turned into operands (``operand``),
promoted with JAX's lattice (``dtypes.result_type``, weak types for Python scalars), then
broadcast with NumPy's rules, then handed to lax.  Every function accepts plax arrays,
tracers, NumPy arrays and scalars, Python scalars and (nested) lists, and works under any
transformation (nothing here reads a traced value).
"""

from __future__ import annotations

import builtins
import operator

import numpy as np

from . import core, dtypes, lax
from .core import ShapedArray, Tracer, get_aval
from .plugins import get_backend
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
        out = lax.concatenate([lax.reshape(p, (1,) + get_aval(p).shape) for p in parts], 0)
        return out if dtype is None else convert(out, dtypes.check_user_dtype(dtype, "astype"))
    if isinstance(obj, Tracer) or isinstance(getattr(obj, "aval", None), core.ShapedArray):
        return obj if dtype is None else convert(obj, dtypes.check_user_dtype(dtype, "astype"))
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


def dtype_of(x) -> np.dtype:
    """The dtype of any array-like plax accepts (its aval's)."""
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


def upcast_f16(dt) -> np.dtype:
    """float16/bfloat16 -> float32 (the dtype JAX computes their reductions in)."""
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


def dtype_kind(x) -> str:
    """NumPy's kind letter of ``x``'s dtype ('b', 'i', 'u', 'f', 'c'); bfloat16 is 'f'."""
    dt = dtype_of(x)
    return "f" if dt == dtypes.bfloat16 else dt.kind


def _type_error(fname, what, *args):
    names = ", ".join(dtype_of(a).name for a in args)
    return TypeError(f"{fname} does not accept {what} (got dtype {names})")


_PY_TYPE_OF_KIND = {"b": bool, "i": int, "u": int, "f": float, "c": complex}


def scalar_like(x, value):
    """``value`` as a Python scalar of ``x``'s kind: lax gives it ``x``'s dtype and the
    result keeps ``x``'s weak type (a NumPy constant would make it strong)."""
    return _PY_TYPE_OF_KIND[dtype_kind(x)](value)


def _zero(x):
    return scalar_like(x, 0)


def _one(x):
    return scalar_like(x, 1)


def to_bool(x):
    """``x != 0`` (NumPy's truth value of each element); booleans pass through."""
    return x if dtype_kind(x) == "b" else lax.ne(x, _zero(x))
