"""Reduction primitives: reduce_sum/prod/max/min/and/or/xor, argmax/argmin, dot_general.

The monoid reductions are one table: name, accepted dtype classes, NumPy ufunc and
the identity an empty reduction returns (XLA's init value).  Integer arithmetic
wraps in the operand's type as XLA's does; float16/bfloat16 sums and products
accumulate in float32 and round once.  ``dot_general`` computes in a wide type of
the same kind as its result (int64 for integers, whose wrap-around is then the same
as the narrow type's) and contracts with a batched ``np.matmul``.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable

import numpy as np

from .. import dtypes
from ..core import Primitive, ShapedArray, get_aval
from .elementwise_math import convert_element_type as xla_convert
from .structural import canonical_ints, check_array, scalars_like

__all__ = [
    "Precision", "argmax", "argmin", "batch_matmul", "dot", "dot_general", "reduce_and",
    "reduce_max", "reduce_min", "reduce_or", "reduce_prod", "reduce_sum", "reduce_xor",
]


# ------------------------------------------------------------------ dtype classes

_DTYPE_CLASSES: dict[str, Callable] = {
    "bool": dtypes.is_bool, "integer": dtypes.is_int, "floating": dtypes.is_float,
    "complex": dtypes.is_complex,
}
_ANY = ("bool", "integer", "floating", "complex")
_NUMBER = ("integer", "floating", "complex")
_BITWISE = ("bool", "integer")
_ORDERED = ("bool", "integer", "floating")


def _check_dtype(name: str, dtype: np.dtype, accepted: tuple[str, ...], what: str = ""):
    if not any(_DTYPE_CLASSES[c](dtype) for c in accepted):
        raise TypeError(f"{name} does not accept dtype {np.dtype(dtype).name}{what}. "
                        f"Accepted dtypes are: {', '.join(accepted)}.")


def _check_axes(name: str, operand: ShapedArray, axes: tuple[int, ...]):
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: duplicate axes {axes}")
    if any(not 0 <= a < operand.ndim for a in axes):
        raise ValueError(f"{name}: axes {axes} out of range for an array of rank "
                         f"{operand.ndim} (lax axes must be in [0, ndim); plax.numpy "
                         f"accepts negative axes)")


def _reduced_shape(shape, axes):
    return tuple(d for i, d in enumerate(shape) if i not in axes)


# ------------------------------------------------------------ monoid reductions

def _max_identity(dtype):
    if dtypes.is_inexact(dtype):
        return -np.inf
    return False if dtypes.is_bool(dtype) else dtypes.iinfo(dtype).min


def _min_identity(dtype):
    if dtypes.is_inexact(dtype):
        return np.inf
    return True if dtypes.is_bool(dtype) else dtypes.iinfo(dtype).max


def _all_ones(dtype):
    return True if dtypes.is_bool(dtype) else ~np.zeros((), dtype)


_LOW_FLOATS = (np.dtype(np.float16), np.dtype(dtypes.bfloat16))


def _accumulate_wide(dtype):
    return np.dtype(np.float32) if dtype in _LOW_FLOATS else dtype


def _reduction_impl(ufunc, identity: Callable | None, compute: Callable):
    def impl(x, *, axes):
        if not axes:
            return np.array(x, copy=True)
        wide = compute(x.dtype)
        extra = {} if identity is None else {"initial": identity(x.dtype)}
        with np.errstate(all="ignore"):
            out = ufunc.reduce(x.astype(wide, copy=False), axis=axes, **extra)
            return np.asarray(out).astype(x.dtype)
    return impl


def _reduction(name: str, accepted, ufunc, identity=None, compute=lambda d: d) -> Primitive:
    prim = Primitive(name)

    def abstract_eval(operand, *, axes):
        _check_dtype(name, operand.dtype, accepted)
        _check_axes(name, operand, axes)
        return ShapedArray(_reduced_shape(operand.shape, axes), operand.dtype,
                           operand.weak_type)

    prim.def_abstract_eval(abstract_eval)
    prim.def_impl(_reduction_impl(ufunc, identity, compute))
    return prim


# ufunc identities: add 0, multiply 1; the others need XLA's init value spelled out.
reduce_sum_p = _reduction("reduce_sum", _NUMBER, np.add, compute=_accumulate_wide)
reduce_prod_p = _reduction("reduce_prod", _NUMBER, np.multiply, compute=_accumulate_wide)
reduce_max_p = _reduction("reduce_max", _ANY, np.maximum, _max_identity)
reduce_min_p = _reduction("reduce_min", _ANY, np.minimum, _min_identity)
reduce_and_p = _reduction("reduce_and", _BITWISE, np.bitwise_and, _all_ones)
reduce_or_p = _reduction("reduce_or", _BITWISE, np.bitwise_or, lambda d: d.type(0))
reduce_xor_p = _reduction("reduce_xor", _BITWISE, np.bitwise_xor, lambda d: d.type(0))


def _reducer(prim: Primitive, doc: str):
    name = prim.name

    def reduce(operand, axes):
        check_array(name, operand)
        return prim.bind(operand, axes=canonical_ints(name, axes, "axes"))

    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = (f"{doc} of ``operand`` over ``axes`` (unique, each in "
                      f"``[0, operand.ndim)``).")
    return reduce


reduce_sum = _reducer(reduce_sum_p, "The sum")
reduce_prod = _reducer(reduce_prod_p, "The product")
reduce_max = _reducer(reduce_max_p, "The maximum (NaN propagates)")
reduce_min = _reducer(reduce_min_p, "The minimum (NaN propagates)")
reduce_and = _reducer(reduce_and_p, "The logical/bitwise AND")
reduce_or = _reducer(reduce_or_p, "The logical/bitwise OR")
reduce_xor = _reducer(reduce_xor_p, "The logical/bitwise XOR")


# ------------------------------------------------------------------ argmax/argmin

def _argminmax(name: str, np_fn) -> Primitive:
    prim = Primitive(name)

    def abstract_eval(operand, *, axes, index_dtype):
        _check_dtype(name, operand.dtype, _ORDERED)
        if not dtypes.is_int(index_dtype):
            raise TypeError(f"{name}: index_dtype must be an integer type, but got "
                            f"{np.dtype(index_dtype).name}")
        if len(axes) != 1:
            raise ValueError(f"{name}: axes must hold exactly one axis, got {axes}")
        (axis,) = axes
        if not 0 <= axis < operand.ndim:
            raise ValueError(f"{name}: invalid axis {axis} for operand shape "
                             f"{operand.shape}")
        if operand.shape[axis] < 1:
            raise ValueError(f"{name}: argmin and argmax require a non-empty reduced "
                             f"dimension, got operand shape {operand.shape} and axis {axis}")
        return ShapedArray(_reduced_shape(operand.shape, axes), index_dtype, False)

    def impl(x, *, axes, index_dtype):
        if x.dtype in _LOW_FLOATS:
            x = x.astype(np.float32)
        # NumPy returns the first NaN, and the first of tied values, as JAX does.
        return np.asarray(np_fn(x, axis=axes[0])).astype(index_dtype)

    prim.def_abstract_eval(abstract_eval)
    prim.def_impl(impl)
    return prim


argmax_p = _argminmax("argmax", np.argmax)
argmin_p = _argminmax("argmin", np.argmin)


def _arg_function(prim: Primitive):
    name = prim.name

    def fn(operand, axis: int, index_dtype):
        check_array(name, operand)
        return prim.bind(operand, axes=(operator.index(axis),),
                         index_dtype=dtypes.canonicalize_dtype(index_dtype))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"The index of the {name[3:]}imum along ``axis`` as ``index_dtype``; "
                  f"the first one on ties, and the first NaN if there is one.")
    return fn


argmax = _arg_function(argmax_p)
argmin = _arg_function(argmin_p)


# -------------------------------------------------------------------- dot_general

class Precision(enum.Enum):
    """Precision of a matrix product (a hint; the NumPy backend always uses full)."""

    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    @classmethod
    def _missing_(cls, value):
        aliases = {"default": 0, "fastest": 0, "bfloat16": 0, "high": 1,
                   "tensorfloat32": 1, "bf16_3x": 1, "highest": 2, "float32": 2}
        if isinstance(value, str) and value.lower() in aliases:
            return cls(aliases[value.lower()])
        return None

    def __repr__(self):
        return f"Precision.{self.name}"

    __str__ = __repr__


def canonicalize_precision(precision):
    """None, or a pair of ``Precision`` values (one per operand)."""
    if precision is None:
        return None
    if isinstance(precision, (Precision, str)):
        return (Precision(precision),) * 2
    if isinstance(precision, (tuple, list)) and len(precision) == 2:
        return tuple(Precision(p) for p in precision)
    raise ValueError(f"dot_general: precision must be None, a Precision, a string or a "
                     f"pair of them, got {precision!r}")


def _dot_dims(dimension_numbers):
    try:
        (lc, rc), (lb, rb) = dimension_numbers
        return ((canonical_ints("dot_general", lc, "lhs_contracting_dimensions"),
                 canonical_ints("dot_general", rc, "rhs_contracting_dimensions")),
                (canonical_ints("dot_general", lb, "lhs_batch_dimensions"),
                 canonical_ints("dot_general", rb, "rhs_batch_dimensions")))
    except (TypeError, ValueError):
        raise TypeError(f"dot_general: dimension_numbers must be ((lhs_contracting, "
                        f"rhs_contracting), (lhs_batch, rhs_batch)) with sequences of "
                        f"integers, got {dimension_numbers!r}") from None


def _free_dims(ndim, *used):
    taken = set(used[0]) | set(used[1])
    return tuple(d for d in range(ndim) if d not in taken)


def _dot_general_shape(lhs, rhs, dimension_numbers):
    (lc, rc), (lb, rb) = dimension_numbers
    if len(lb) != len(rb):
        raise TypeError(f"dot_general requires equal numbers of lhs_batch and rhs_batch "
                        f"dimensions, got lhs_batch {lb} and rhs_batch {rb}.")
    if len(lc) != len(rc):
        raise TypeError(f"dot_general requires equal numbers of lhs_contracting and "
                        f"rhs_contracting dimensions, got lhs_contracting {lc} and "
                        f"rhs_contracting {rc}.")
    for side, aval, batch, contract in (("lhs", lhs, lb, lc), ("rhs", rhs, rb, rc)):
        if any(not 0 <= d < aval.ndim for d in batch + contract):
            raise TypeError(f"dot_general requires {side} dimension numbers to be "
                            f"nonnegative and less than the number of axes of the {side} "
                            f"value, got {side}_batch of {batch} and {side}_contracting of "
                            f"{contract} for {side} of rank {aval.ndim}")
        if len(set(batch + contract)) != len(batch + contract):
            raise TypeError(f"dot_general requires {side} dimension numbers to be distinct, "
                            f"got {side}_batch {batch} and {side}_contracting {contract}.")
    lb_shape = tuple(lhs.shape[d] for d in lb)
    rb_shape = tuple(rhs.shape[d] for d in rb)
    if lb_shape != rb_shape:
        raise TypeError(f"dot_general requires lhs batch dimensions and rhs batch dimensions "
                        f"to have the same shape, got {lb_shape} and {rb_shape}.")
    lc_shape = tuple(lhs.shape[d] for d in lc)
    rc_shape = tuple(rhs.shape[d] for d in rc)
    if lc_shape != rc_shape:
        raise TypeError(f"dot_general requires contracting dimensions to have the same "
                        f"shape, got {lc_shape} and {rc_shape}.")
    return (lb_shape + tuple(lhs.shape[d] for d in _free_dims(lhs.ndim, lb, lc))
            + tuple(rhs.shape[d] for d in _free_dims(rhs.ndim, rb, rc)))


def _bit_width(dt) -> int:
    """JAX's bit width for dot's narrowing check (a complex type counts its parts)."""
    dt = np.dtype(dt)
    if dtypes.is_bool(dt):
        return 1
    return dt.itemsize * 8 // (2 if dtypes.is_complex(dt) else 1)


def _dot_general_dtype(lhs, rhs, preferred_element_type):
    if preferred_element_type is None:
        if lhs.dtype != rhs.dtype:
            raise TypeError(f"dot_general requires arguments to have the same dtypes, got "
                            f"{lhs.dtype.name}, {rhs.dtype.name} (pass "
                            f"preferred_element_type, or use plax.numpy.dot, which "
                            f"promotes dtypes; lax does not)")
        return lhs.dtype
    pref = np.dtype(preferred_element_type)
    # JAX's (XLA's) rule: any preferred type for floating inputs (float -> int converts
    # the result, complex -> real keeps its real part); others must not get narrower.
    for dt in (lhs.dtype, rhs.dtype):
        if not dtypes.is_float(dt) and pref != dt and _bit_width(pref) < _bit_width(dt):
            raise TypeError(f"dot_general: preferred_element_type must not be narrower "
                            f"than the original type, got preferred_element_type of "
                            f"{pref.name} for inputs of type {dt.name}")
    return pref


def _dot_general_abstract_eval(lhs, rhs, *, dimension_numbers, precision,
                               preferred_element_type):
    dtype = _dot_general_dtype(lhs, rhs, preferred_element_type)
    shape = _dot_general_shape(lhs, rhs, dimension_numbers)
    weak = lhs.weak_type and rhs.weak_type and preferred_element_type is None
    return ShapedArray(shape, dtype, weak)


def _wide(dt: np.dtype) -> np.dtype:
    if dtypes.is_bool(dt) or dtypes.is_int(dt):
        return np.dtype(np.int64)  # wrap-around mod 2**64 truncates to the narrow type's
    return _accumulate_wide(dt)


def _compute_dtype(inp: np.dtype, out: np.dtype) -> np.dtype:
    """A type to multiply and accumulate in that gives XLA's result once converted to
    ``out`` (with XLA's conversion: float -> int truncates and saturates)."""
    return np.promote_types(_wide(inp), _wide(out))


def _dot_general_impl(lhs, rhs, *, dimension_numbers, precision, preferred_element_type):
    (lc, rc), (lb, rb) = dimension_numbers
    out_dtype = np.dtype(lhs.dtype if preferred_element_type is None
                         else preferred_element_type)
    compute = _compute_dtype(np.promote_types(lhs.dtype, rhs.dtype), out_dtype)
    lf, rf = _free_dims(lhs.ndim, lb, lc), _free_dims(rhs.ndim, rb, rc)

    def size(x, dims):
        return int(np.prod([x.shape[d] for d in dims], dtype=np.int64))

    batch = tuple(lhs.shape[d] for d in lb)
    a = np.transpose(lhs, lb + lf + lc).astype(compute).reshape(
        size(lhs, lb), size(lhs, lf), size(lhs, lc))
    b = np.transpose(rhs, rb + rc + rf).astype(compute).reshape(
        size(rhs, rb), size(rhs, rc), size(rhs, rf))
    with np.errstate(all="ignore"):
        out = np.matmul(a, b)
    out = out.reshape(batch + tuple(lhs.shape[d] for d in lf)
                      + tuple(rhs.shape[d] for d in rf))
    if dtypes.is_bool(out_dtype):
        return out != 0
    if dtypes.is_inexact(compute) and not dtypes.is_inexact(out_dtype) or (
            dtypes.is_complex(compute) and not dtypes.is_complex(out_dtype)):
        return np.asarray(xla_convert(out, new_dtype=out_dtype))
    with np.errstate(all="ignore"):
        return out.astype(out_dtype)


dot_general_p = Primitive("dot_general")
dot_general_p.def_abstract_eval(_dot_general_abstract_eval)
dot_general_p.def_impl(_dot_general_impl)


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None):
    """General tensor contraction (XLA's DotGeneral).

    ``dimension_numbers = ((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch))``;
    the result's dimensions are the batch ones, then lhs's free ones, then rhs's.
    """
    check_array("dot_general", lhs)
    check_array("dot_general", rhs, 1)
    lhs, rhs = scalars_like("dot_general", [lhs, rhs])
    if preferred_element_type is not None:
        preferred_element_type = dtypes.canonicalize_dtype(preferred_element_type)
    return dot_general_p.bind(lhs, rhs, dimension_numbers=_dot_dims(dimension_numbers),
                              precision=canonicalize_precision(precision),
                              preferred_element_type=preferred_element_type)


def dot(lhs, rhs, precision=None, preferred_element_type=None):
    """Vector/matrix products: contracts lhs's last dimension with rhs's first."""
    check_array("dot", lhs)
    check_array("dot", rhs, 1)
    ls, rs = get_aval(lhs).shape, get_aval(rhs).shape
    if not (1 <= len(ls) <= 2 and 1 <= len(rs) <= 2 and ls[-1] == rs[0]):
        raise ValueError(f"Incompatible shapes for dot: got {ls} and {rs}.")
    return dot_general(lhs, rhs, (((len(ls) - 1,), (0,)), ((), ())), precision,
                       preferred_element_type)


def batch_matmul(lhs, rhs, precision=None):
    """Matrix products over matching leading (batch) dimensions."""
    check_array("batch_matmul", lhs)
    check_array("batch_matmul", rhs, 1)
    ln, rn = get_aval(lhs).ndim, get_aval(rhs).ndim
    if min(ln, rn) < 2:
        raise ValueError(f"Arguments to batch_matmul must be at least 2D, got {ln}, {rn}")
    if ln != rn:
        raise ValueError(f"Arguments to batch_matmul must have same ndim, got {ln}, {rn}")
    batch = tuple(range(ln - 2))
    return dot_general(lhs, rhs, (((ln - 1,), (rn - 2,)), (batch, batch)), precision)
