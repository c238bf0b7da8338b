"""Cumulative reductions and small bit-level primitives.

- ``cumsum``, ``cumprod``, ``cummax``, ``cummin``, ``cumlogsumexp`` (params ``axis``,
  ``reverse``): the running reduction along one axis (from the end when ``reverse``).
  Integers wrap in their own type; float16/bfloat16 sums, products and log-sum-exps
  accumulate in float32 and round each output once; NaN propagates through
  ``cummax``/``cummin`` (the autodiff rules differentiate through
  ``lax.associative_scan``).
- ``reduce_precision`` (``exponent_bits``, ``mantissa_bits``): round a float to the
  nearest value (ties to even) of a narrower float format and back, with XLA's bit
  algorithm: exponents too large overflow to infinity, too small flush to zero, NaN
  stays NaN (while ``mantissa_bits > 0``).
- ``population_count`` and ``clz`` (count leading zeros) of integers.
"""

from __future__ import annotations

import operator

import numpy as np

from .. import dtypes
from ..core import Primitive, ShapedArray, get_aval
from .reductions import _LOW_FLOATS, _NUMBER, _ORDERED, _check_dtype
from .structural import canonical_axis, check_array

__all__ = [
    "clz", "cumlogsumexp", "cummax", "cummin", "cumprod", "cumsum",
    "population_count", "reduce_precision",
]


# ------------------------------------------------------------------ cumulative ops

def _wide(dtype):
    return np.dtype(np.float32) if dtype in _LOW_FLOATS else dtype


_CUMULATIVE = {
    # name: (accepted dtype classes, NumPy accumulate, accumulation dtype)
    "cumsum": (_NUMBER, lambda x, a: np.cumsum(x, axis=a), _wide),
    "cumprod": (_NUMBER, lambda x, a: np.cumprod(x, axis=a), _wide),
    "cummax": (_ORDERED, lambda x, a: np.maximum.accumulate(x, axis=a), lambda d: d),
    "cummin": (_ORDERED, lambda x, a: np.minimum.accumulate(x, axis=a), lambda d: d),
    "cumlogsumexp": (("floating",), lambda x, a: np.logaddexp.accumulate(x, axis=a), _wide),
}


def _cumulative(name: str) -> Primitive:
    accepted, accumulate, wide = _CUMULATIVE[name]
    prim = Primitive(name)

    def abstract_eval(operand, *, axis, reverse):
        _check_dtype(name, operand.dtype, accepted)
        if not 0 <= axis < operand.ndim:
            raise ValueError(f"{name}: axis {axis} is out of bounds for an operand of "
                             f"shape {operand.shape}")
        return ShapedArray(operand.shape, operand.dtype, operand.weak_type)

    def impl(x, *, axis, reverse):
        if x.size == 0:
            return np.array(x, copy=True)
        if reverse:
            x = np.flip(x, axis)
        with np.errstate(all="ignore"):
            out = np.asarray(accumulate(x.astype(wide(x.dtype)), axis)).astype(x.dtype)
        return np.ascontiguousarray(np.flip(out, axis) if reverse else out)

    prim.def_abstract_eval(abstract_eval)
    prim.def_impl(impl)
    return prim


cumsum_p = _cumulative("cumsum")
cumprod_p = _cumulative("cumprod")
cummax_p = _cumulative("cummax")
cummin_p = _cumulative("cummin")
cumlogsumexp_p = _cumulative("cumlogsumexp")


def _cumulative_fn(prim: Primitive, doc: str):
    name = prim.name

    def fn(operand, axis: int = 0, reverse: bool = False):
        check_array(name, operand)
        ndim = get_aval(operand).ndim
        if ndim == 0:
            raise ValueError(f"{name}: operand must have rank at least 1, got a scalar")
        return prim.bind(operand, axis=canonical_axis(name, axis, ndim),
                         reverse=bool(reverse))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"The cumulative {doc} of ``operand`` along ``axis`` (from the end "
                  f"when ``reverse``).")
    return fn


cumsum = _cumulative_fn(cumsum_p, "sum")
cumprod = _cumulative_fn(cumprod_p, "product")
cummax = _cumulative_fn(cummax_p, "maximum")
cummin = _cumulative_fn(cummin_p, "minimum")
cumlogsumexp = _cumulative_fn(cumlogsumexp_p, "log-sum-exp")


# ------------------------------------------------------------------ reduce_precision

_UINT_OF_SIZE = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _float_bits(dtype) -> tuple[int, int]:
    info = dtypes.finfo(dtype)
    return int(info.nexp), int(info.nmant)


def _reduce_precision_abstract_eval(operand, *, exponent_bits, mantissa_bits):
    _check_dtype("reduce_precision", operand.dtype, ("floating",))
    if exponent_bits < 1:
        raise ValueError(f"reduce_precision: exponent_bits must be at least 1, got "
                         f"{exponent_bits}")
    if mantissa_bits < 0:
        raise ValueError(f"reduce_precision: mantissa_bits must be non-negative, got "
                         f"{mantissa_bits}")
    return ShapedArray(operand.shape, operand.dtype, operand.weak_type)


def _reduce_precision_impl(x, *, exponent_bits, mantissa_bits):
    src_exp, src_mant = _float_bits(x.dtype)
    utype = _UINT_OF_SIZE[x.dtype.itemsize]
    nbits = 8 * x.dtype.itemsize
    u = lambda v: utype(v)  # noqa: E731
    bits = x.view(utype).copy()
    if mantissa_bits < src_mant:
        shift = src_mant - mantissa_bits
        last = u(1 << shift)
        bias = (bits & last) >> u(shift)
        bias = bias + u((1 << (shift - 1)) - 1)
        bits = (bits + bias) & ~u((1 << shift) - 1)
    if exponent_bits < src_exp:
        sign_mask = u(1 << (nbits - 1))
        exp_mask = u(((1 << src_exp) - 1) << src_mant)
        exp_bias = (1 << (src_exp - 1)) - 1
        reduced_bias = (1 << (exponent_bits - 1)) - 1
        max_exp = u((exp_bias + reduced_bias) << src_mant)
        min_exp = u((exp_bias - reduced_bias) << src_mant)
        exponent = bits & exp_mask
        signed_zero = bits & sign_mask
        bits = np.where(exponent > max_exp, signed_zero | exp_mask,
                        np.where(exponent <= min_exp, signed_zero, bits)).astype(utype)
    out = bits.view(x.dtype)
    if mantissa_bits > 0:
        out = np.where(np.isnan(x), x, out)
    return np.asarray(out, x.dtype)


reduce_precision_p = Primitive("reduce_precision")
reduce_precision_p.def_abstract_eval(_reduce_precision_abstract_eval)
reduce_precision_p.def_impl(_reduce_precision_impl)


def reduce_precision(operand, exponent_bits: int, mantissa_bits: int):
    """Round ``operand`` to a float format with ``exponent_bits`` and ``mantissa_bits``
    (ties to even) and back to its own dtype."""
    check_array("reduce_precision", operand)
    return reduce_precision_p.bind(operand, exponent_bits=operator.index(exponent_bits),
                                   mantissa_bits=operator.index(mantissa_bits))


# ------------------------------------------------------------------ bit counts

def _int_abstract_eval(name):
    def rule(operand):
        _check_dtype(name, operand.dtype, ("integer",))
        return ShapedArray(operand.shape, operand.dtype, operand.weak_type)
    return rule


def _popcount_impl(x):
    unsigned = x.view(_UINT_OF_SIZE.get(x.dtype.itemsize, np.uint8))
    return np.bitwise_count(unsigned).astype(x.dtype)   # of the bits, not of |x|


def _clz_impl(x):
    nbits = 8 * x.dtype.itemsize
    u = x.view(_UINT_OF_SIZE.get(x.dtype.itemsize, np.uint8))
    out = np.full(x.shape, nbits, np.int64)
    for b in range(nbits):           # the highest set bit decides
        out = np.where((u >> u.dtype.type(b)) & u.dtype.type(1), nbits - 1 - b, out)
    return out.astype(x.dtype)


population_count_p = Primitive("population_count")
population_count_p.def_abstract_eval(_int_abstract_eval("population_count"))
population_count_p.def_impl(_popcount_impl)
clz_p = Primitive("clz")
clz_p.def_abstract_eval(_int_abstract_eval("clz"))
clz_p.def_impl(_clz_impl)


def population_count(x):
    """The number of set bits of each element of the integer array ``x``."""
    check_array("population_count", x)
    return population_count_p.bind(x)


def clz(x):
    """The number of leading zero bits of each element of the integer array ``x``."""
    check_array("clz", x)
    return clz_p.bind(x)
