"""Batching rules for core's elementwise primitives (family ``elementwise``).

Every elementwise primitive takes operands of one per-example shape, so one builder
(``broadcasting_rule``) serves them all; ``clamp`` and ``select_n`` also accept a 0-d
operand next to full-rank ones (the bounds, the selector), left unbroadcast.
``bitcast_convert_type`` to a wider dtype consumes the last axis, so the batch axis
must not be there.
"""

from __future__ import annotations

import numpy as np

from plax_core.extend import BATCHING, get_aval
from plax_core.lax import (
    abs_p,
    acos_p,
    acosh_p,
    add_p,
    and_p,
    asin_p,
    asinh_p,
    atan2_p,
    atan_p,
    atanh_p,
    bitcast_convert_type_p,
    cbrt_p,
    ceil_p,
    clamp_p,
    complex_p,
    conj_p,
    convert_element_type_p,
    copy_p,
    cos_p,
    cosh_p,
    digamma_p,
    div_p,
    eq_p,
    erf_inv_p,
    erf_p,
    erfc_p,
    exp2_p,
    exp_p,
    expm1_p,
    floor_p,
    ge_p,
    gt_p,
    imag_p,
    integer_pow_p,
    is_finite_p,
    le_p,
    lgamma_p,
    log1p_p,
    log_p,
    logistic_p,
    lt_p,
    max_p,
    min_p,
    mul_p,
    ne_p,
    neg_p,
    nextafter_p,
    not_p,
    or_p,
    pow_p,
    real_p,
    rem_p,
    round_p,
    rsqrt_p,
    select_n_p,
    shift_left_p,
    shift_right_arithmetic_p,
    shift_right_logical_p,
    sign_p,
    sin_p,
    sinh_p,
    sqrt_p,
    square_p,
    stop_gradient_p,
    sub_p,
    tan_p,
    tanh_p,
    xor_p,
)

from ..batching import moveaxis, ndim_of
from ._helpers import broadcasting_rule

# Operands of one per-example shape: one broadcasting rule each.
ELEMENTWISE = (
    neg_p, sign_p, floor_p, ceil_p, round_p, is_finite_p, abs_p, square_p, integer_pow_p,
    exp_p, exp2_p, log_p, log1p_p, expm1_p, tanh_p, logistic_p, sin_p, cos_p, tan_p,
    asin_p, acos_p, atan_p, sinh_p, cosh_p, asinh_p, acosh_p, atanh_p, sqrt_p, rsqrt_p,
    cbrt_p, erf_p, erfc_p, erf_inv_p, lgamma_p, digamma_p, real_p, imag_p, conj_p, not_p,
    copy_p, convert_element_type_p, add_p, sub_p, mul_p, div_p, rem_p, pow_p, max_p,
    min_p, nextafter_p, atan2_p, and_p, or_p, xor_p, shift_left_p, shift_right_logical_p,
    shift_right_arithmetic_p, eq_p, ne_p, lt_p, le_p, gt_p, ge_p, complex_p,
    stop_gradient_p,
)

# Operand positions where a primitive accepts a 0-d operand next to full-rank ones.
SCALAR_OPERANDS = {clamp_p: (0, 2), select_n_p: (0,)}


def _bitcast_convert_type_rule(args, dims, *, new_dtype):
    (x,), (d,) = args, dims
    old = get_aval(x).dtype
    if np.dtype(new_dtype).itemsize > old.itemsize and d == ndim_of(x) - 1:
        x, d = moveaxis(x, d, 0), 0   # the last axis is consumed: keep the batch off it
    return bitcast_convert_type_p.bind(x, new_dtype=new_dtype), d


def register(registry) -> None:
    """Fill the ``batching`` table for the elementwise primitives."""
    table = registry.rules(BATCHING)
    for prim in ELEMENTWISE:
        table[prim] = broadcasting_rule(prim)
    for prim, scalars in SCALAR_OPERANDS.items():
        table[prim] = broadcasting_rule(prim, scalars)
    table[bitcast_convert_type_p] = _bitcast_convert_type_rule


__all__ = ["ELEMENTWISE", "SCALAR_OPERANDS", "register"]
