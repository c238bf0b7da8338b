"""JVP and transpose rules for core's elementwise primitives (JAX's derivatives).

Most rules are one line: the derivative times the incoming tangent ``g``.  The edges
follow JAX: ``abs`` has derivative +1 at 0; ``sqrt`` at 0 is infinite (so
``where(x > 0, sqrt(x), 0)`` has a NaN gradient at 0, as in JAX); ``pow`` with an
integer exponent is exact at 0; ``max``/``min`` split the tangent evenly on ties;
comparisons, rounding and bitwise operations have zero derivatives; integer and
boolean values always have zero (float0) tangents.

The tables at the bottom map each primitive to its rule; ``register`` fills the
registry's tables with them.
"""

from __future__ import annotations

import math

from plax_core import dtypes, lax
from plax_core.extend import JVP, TRANSPOSE
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

from ..jvp import bilinear_jvp, defjvp, defjvp2, linear_jvp, zero_jvp
from ..tangents import Zero, instantiate, is_differentiable_dtype, is_undefined
from ._helpers import dtype_of, refusal


def _zeros(x):
    return lax.full_like(x, 0)


def _ones(x):
    return lax.full_like(x, 1)


def _is_complex(x) -> bool:
    return dtypes.is_complex(dtype_of(x))


def _replace_zero(x):
    """``x`` with its zeros replaced by ones (keeps unselected branches finite)."""
    return lax.select(lax.eq(x, 0), _ones(x), x)


# --------------------------------------------------------------------- unary math

def _abs_jvp(g, ans, x):
    if _is_complex(x):
        return lax.real(lax.mul(g, lax.div(lax.conj(x), _replace_zero(
            lax.convert_element_type(ans, dtype_of(x))))))
    return lax.select(lax.ge(x, 0), g, lax.neg(g))


def _integer_pow_jvp(g, x, *, y):
    if y == 0:
        return Zero.from_value(x)
    return lax.mul(g, lax.mul(y, lax.integer_pow(x, y - 1)))


def _trigamma(x):
    """The derivative of digamma, from lax operations (so it differentiates further):
    reflection below 1/2, recurrence up by 6, then the asymptotic series."""
    reflect = lax.lt(x, 0.5)
    z = lax.select(reflect, lax.sub(1, x), x)
    acc = _zeros(z)
    for k in range(6):
        acc = lax.add(acc, lax.integer_pow(lax.add(z, float(k)), -2))
    w = lax.add(z, 6.0)
    r = lax.integer_pow(w, -1)
    r2 = lax.mul(r, r)
    # 1/w + 1/(2w^2) + 1/(6w^3) - 1/(30w^5) + 1/(42w^7) - 1/(30w^9) + 5/(66w^11)
    poly = lax.full_like(r2, 5.0 / 66.0)
    for c in (-1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 1.0 / 6.0):
        poly = lax.add(lax.mul(poly, r2), c)
    series = lax.add(lax.add(r, lax.mul(r2, 0.5)), lax.mul(lax.mul(r2, r), poly))
    value = lax.add(acc, series)
    pi = math.pi
    reflected = lax.sub(lax.div(lax.full_like(x, pi * pi),
                                lax.square(lax.sin(lax.mul(x, pi)))), value)
    out = lax.select(reflect, reflected, value)
    # JAX's values at the edges: +inf at the poles (0, -1, -2, ... and -inf), NaN at +inf
    pole = lax.bitwise_and(lax.le(x, 0.0), lax.eq(lax.floor(x), x))
    out = lax.select(pole, lax.full_like(x, math.inf), out)
    return lax.select(lax.eq(x, math.inf), lax.full_like(x, math.nan), out)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

UNARY_JVPS = {
    abs_p: (defjvp2, _abs_jvp),
    square_p: (defjvp, lambda g, x: lax.mul(g, lax.mul(2, x))),
    exp_p: (defjvp2, lambda g, ans, x: lax.mul(g, ans)),
    exp2_p: (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(ans, math.log(2.0)))),
    log_p: (defjvp, lambda g, x: lax.div(g, x)),
    log1p_p: (defjvp, lambda g, x: lax.div(g, lax.add(x, 1))),
    expm1_p: (defjvp2, lambda g, ans, x: lax.mul(g, lax.add(ans, 1))),
    tanh_p: (defjvp2, lambda g, ans, x: lax.mul(lax.add(g, lax.mul(g, ans)),
                                                lax.sub(1, ans))),
    logistic_p: (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(ans, lax.sub(1, ans)))),
    sin_p: (defjvp, lambda g, x: lax.mul(g, lax.cos(x))),
    cos_p: (defjvp, lambda g, x: lax.neg(lax.mul(g, lax.sin(x)))),
    tan_p: (defjvp2, lambda g, ans, x: lax.mul(g, lax.add(1, lax.square(ans)))),
    asin_p: (defjvp, lambda g, x: lax.mul(g, lax.rsqrt(lax.sub(1, lax.square(x))))),
    acos_p: (defjvp, lambda g, x: lax.mul(lax.neg(g), lax.rsqrt(lax.sub(1, lax.square(x))))),
    atan_p: (defjvp, lambda g, x: lax.div(g, lax.add(1, lax.square(x)))),
    sinh_p: (defjvp, lambda g, x: lax.mul(g, lax.cosh(x))),
    cosh_p: (defjvp, lambda g, x: lax.mul(g, lax.sinh(x))),
    asinh_p: (defjvp, lambda g, x: lax.mul(g, lax.rsqrt(lax.add(lax.square(x), 1)))),
    acosh_p: (defjvp, lambda g, x: lax.mul(g, lax.rsqrt(lax.mul(lax.sub(x, 1),
                                                                 lax.add(x, 1))))),
    atanh_p: (defjvp, lambda g, x: lax.mul(lax.integer_pow(lax.add(x, 1), -1),
                                           lax.div(g, lax.sub(1, x)))),
    sqrt_p: (defjvp2, lambda g, ans, x: lax.mul(g, lax.div(lax.full_like(x, 0.5), ans))),
    rsqrt_p: (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(-0.5, lax.div(ans, x)))),
    cbrt_p: (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(1.0 / 3.0,
                                                           lax.integer_pow(ans, -2)))),
    erf_p: (defjvp, lambda g, x: lax.mul(_TWO_OVER_SQRT_PI,
                                         lax.mul(g, lax.exp(lax.neg(lax.square(x)))))),
    erfc_p: (defjvp, lambda g, x: lax.mul(-_TWO_OVER_SQRT_PI,
                                          lax.mul(g, lax.exp(lax.neg(lax.square(x)))))),
    erf_inv_p: (defjvp2, lambda g, ans, x: lax.mul(math.sqrt(math.pi) / 2.0,
                                                   lax.mul(g, lax.exp(lax.square(ans))))),
    lgamma_p: (defjvp, lambda g, x: lax.mul(g, lax.digamma(x))),
    digamma_p: (defjvp, lambda g, x: lax.mul(g, _trigamma(x))),
    integer_pow_p: (defjvp, _integer_pow_jvp),
}


# -------------------------------------------------------------------- binary math

def _div_jvp_rhs(g, x, y):
    return lax.mul(lax.mul(lax.neg(g), x), lax.integer_pow(y, -2))


def _rem_jvp_rhs(g, x, y):
    q = lax.div(x, y)
    return lax.mul(lax.neg(g), lax.mul(lax.sign(q), lax.floor(lax.abs(q))))


def _pow_jvp_lhs(g, ans, x, y):
    y_dtype = dtype_of(y)
    if dtypes.is_int(y_dtype):
        yf = lax.convert_element_type(y, dtype_of(x))
        jac = lax.select(lax.eq(y, 0), _zeros(x),
                         lax.mul(_replace_zero(yf), lax.pow(x, lax.sub(y, 1))))
    else:
        jac = lax.mul(y, lax.pow(x, lax.sub(y, 1)))
    return lax.mul(g, jac)


def _pow_jvp_rhs(g, ans, x, y):
    return lax.mul(g, lax.mul(lax.log(_replace_zero(x)), ans))


def _balanced_eq(x, z, y):
    """1 where x is the chosen value, 1/2 where x and y tie, else 0 (JAX's split)."""
    return lax.div(lax.select(lax.eq(x, z), _ones(z), _zeros(z)),
                   lax.select(lax.eq(y, z), lax.full_like(z, 2), _ones(z)))


def _atan2_denominator(x, y):
    return lax.add(lax.square(x), lax.square(y))


BINARY_JVPS = {
    add_p: (defjvp, lambda g, x, y: g, lambda g, x, y: g),
    sub_p: (defjvp, lambda g, x, y: g, lambda g, x, y: lax.neg(g)),
    div_p: (defjvp, lambda g, x, y: lax.div(g, y), _div_jvp_rhs),
    rem_p: (defjvp, lambda g, x, y: g, _rem_jvp_rhs),
    pow_p: (defjvp2, _pow_jvp_lhs, _pow_jvp_rhs),
    max_p: (defjvp2, lambda g, ans, x, y: lax.mul(g, _balanced_eq(x, ans, y)),
            lambda g, ans, x, y: lax.mul(g, _balanced_eq(y, ans, x))),
    min_p: (defjvp2, lambda g, ans, x, y: lax.mul(g, _balanced_eq(x, ans, y)),
            lambda g, ans, x, y: lax.mul(g, _balanced_eq(y, ans, x))),
    atan2_p: (defjvp, lambda g, x, y: lax.mul(g, lax.div(y, _atan2_denominator(x, y))),
              lambda g, x, y: lax.mul(g, lax.div(lax.neg(x), _atan2_denominator(x, y)))),
    clamp_p: (defjvp,
              lambda g, lo, x, hi: lax.select(lax.bitwise_and(lax.gt(lo, x), lax.lt(lo, hi)),
                                              g, _zeros(x)),
              lambda g, lo, x, hi: lax.select(lax.bitwise_and(lax.gt(x, lo), lax.lt(x, hi)),
                                              g, _zeros(x)),
              lambda g, lo, x, hi: lax.select(lax.lt(hi, x), g, _zeros(x))),
}


# ------------------------------------------------------- structural elementwise

def _select_n_jvp(primals, tangents):
    which, *cases = primals
    ans = select_n_p.bind(which, *cases)
    case_tangents = tangents[1:]
    if all(type(t) is Zero for t in case_tangents):
        return ans, Zero.from_value(ans)
    return ans, select_n_p.bind(which, *map(instantiate, case_tangents))


def _select_n_transpose(ct, which, *cases):
    if is_undefined(which):
        raise ValueError("select_n is not linear in its selector")
    zeros = lax.full_like(ct, 0)
    n = len(cases)
    return [None] + [select_n_p.bind(which, *[ct if j == i else zeros for j in range(n)])
                     if is_undefined(case) else None for i, case in enumerate(cases)]


def _convert_jvp(primals, tangents, *, new_dtype, weak_type=False, sharding=None):
    (x,), (g,) = primals, tangents
    params = dict(new_dtype=new_dtype, weak_type=weak_type, sharding=sharding)
    ans = convert_element_type_p.bind(x, **params)
    if type(g) is Zero or not is_differentiable_dtype(new_dtype):
        return ans, Zero.from_value(ans)
    return ans, convert_element_type_p.bind(g, **params)


def _convert_transpose(ct, x, *, new_dtype, weak_type=False, sharding=None):
    aval = x.aval
    if not is_differentiable_dtype(aval.dtype):
        return [Zero(aval)]
    return [convert_element_type_p.bind(ct, new_dtype=aval.dtype,
                                        weak_type=aval.weak_type, sharding=None)]


def _conj_transpose(ct, x, *, input_dtype):
    if dtypes.is_complex(input_dtype):
        return [lax.conj(ct)]
    return [lax.real(ct)]


def _mul_transpose(ct, x, y):
    if is_undefined(x) and is_undefined(y):
        raise ValueError("mul is not linear in both of its arguments at once")
    if is_undefined(x):
        return [lax.mul(ct, y), None]
    return [None, lax.mul(x, ct)]


def _div_transpose(ct, x, y):
    if is_undefined(y):
        raise ValueError("div is linear in its numerator only")
    return [lax.div(ct, y), None]


def _unary(value):
    return lambda ct, x, **params: [value(ct)] if is_undefined(x) else [None]


def _add_transpose(ct, x, y):
    return [ct if is_undefined(x) else None, ct if is_undefined(y) else None]


def _sub_transpose(ct, x, y):
    return [ct if is_undefined(x) else None, lax.neg(ct) if is_undefined(y) else None]


def _complex_transpose(ct, x, y):
    return [lax.real(ct) if is_undefined(x) else None,
            lax.imag(lax.neg(ct)) if is_undefined(y) else None]


def _stop_gradient_transpose(ct, x):
    return [Zero(x.aval)]


# Primitives without derivative: comparisons, rounding, bit manipulation.
ZERO_JVP = (
    sign_p, floor_p, ceil_p, round_p, is_finite_p, eq_p, ne_p, lt_p, le_p, gt_p, ge_p,
    and_p, or_p, xor_p, not_p, shift_left_p, shift_right_logical_p,
    shift_right_arithmetic_p, bitcast_convert_type_p, stop_gradient_p,
)
LINEAR = (neg_p, copy_p, real_p, imag_p, conj_p, complex_p)

TRANSPOSE_RULES = {
    add_p: _add_transpose,
    sub_p: _sub_transpose,
    mul_p: _mul_transpose,
    div_p: _div_transpose,
    neg_p: _unary(lax.neg),
    copy_p: _unary(lambda ct: ct),
    real_p: _unary(lambda ct: lax.complex(ct, lax.full_like(ct, 0))),
    imag_p: _unary(lambda ct: lax.complex(lax.full_like(ct, 0), lax.neg(ct))),
    complex_p: _complex_transpose,
    conj_p: _conj_transpose,
    select_n_p: _select_n_transpose,
    convert_element_type_p: _convert_transpose,
    stop_gradient_p: _stop_gradient_transpose,
}

# Not linear in any operand: no transpose rule.
NONLINEAR = (
    abs_p, acos_p, acosh_p, and_p, asin_p, asinh_p, atan_p, atan2_p, atanh_p,
    bitcast_convert_type_p, cbrt_p, ceil_p, clamp_p, cos_p, cosh_p, digamma_p, eq_p, erf_p,
    erf_inv_p, erfc_p, exp_p, exp2_p, expm1_p, floor_p, ge_p, gt_p, integer_pow_p,
    is_finite_p, le_p, lgamma_p, log_p, log1p_p, logistic_p, lt_p, max_p, min_p, ne_p,
    nextafter_p, not_p, or_p, pow_p, rem_p, round_p, rsqrt_p, shift_left_p,
    shift_right_arithmetic_p, shift_right_logical_p, sign_p, sin_p, sinh_p, sqrt_p,
    square_p, tan_p, tanh_p, xor_p,
)

UNSUPPORTED = {
    (JVP, nextafter_p): "a bit-level step to the neighbouring float; JAX defines no "
                        "derivative for it either",
}


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for the elementwise primitives."""
    jvp = registry.rules(JVP)
    for table in (UNARY_JVPS, BINARY_JVPS):
        for prim, (maker, *fns) in table.items():
            jvp[prim] = maker(prim, *fns)
    for prim in ZERO_JVP:
        jvp[prim] = zero_jvp(prim)
    for prim in LINEAR:
        jvp[prim] = linear_jvp(prim)
    jvp[mul_p] = bilinear_jvp(mul_p)
    jvp[select_n_p] = _select_n_jvp
    jvp[convert_element_type_p] = _convert_jvp
    jvp[nextafter_p] = refusal(JVP, nextafter_p, UNSUPPORTED[JVP, nextafter_p])
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
