"""JVP and transpose rules for core's elementwise primitives (JAX's derivatives).

Most rules are one line: the derivative times the incoming tangent ``g``.  The edges
follow JAX: ``abs`` has derivative +1 at 0; ``sqrt`` at 0 is infinite (so
``where(x > 0, sqrt(x), 0)`` has a NaN gradient at 0, as in JAX); ``pow`` with an
integer exponent is exact at 0; ``max``/``min`` split the tangent evenly on ties;
comparisons, rounding and bitwise operations have zero derivatives; integer and
boolean values always have zero (float0) tangents.

The tables at the bottom map primitive names to rules; ``plugin.py`` registers them
for the primitives core defines.
"""

from __future__ import annotations

import math

from plax_core import dtypes, lax
from plax_core.ad_util import stop_gradient_p
from plax_core.core import get_aval

from .jvp import bilinear_jvp, defjvp, defjvp2, linear_jvp, zero_jvp
from .tangents import Zero, instantiate, is_differentiable_dtype, is_undefined

P = {name[:-2]: value for name, value in vars(lax).items()
     if name.endswith("_p") and hasattr(value, "bind")}
P["stop_gradient"] = stop_gradient_p


def _zeros(x):
    return lax.full_like(x, 0)


def _ones(x):
    return lax.full_like(x, 1)


def lax_dtype(x):
    return get_aval(x).dtype


def _is_complex(x) -> bool:
    return dtypes.is_complex(lax_dtype(x))


def _replace_zero(x):
    """``x`` with its zeros replaced by ones (keeps unselected branches finite)."""
    return lax.select(lax.eq(x, 0), _ones(x), x)


# --------------------------------------------------------------------- unary math

def _abs_jvp(g, ans, x):
    if _is_complex(x):
        return lax.real(lax.mul(g, lax.div(lax.conj(x), _replace_zero(
            lax.convert_element_type(ans, lax_dtype(x))))))
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
    "abs": (defjvp2, _abs_jvp),
    "square": (defjvp, lambda g, x: lax.mul(g, lax.mul(2, x))),
    "exp": (defjvp2, lambda g, ans, x: lax.mul(g, ans)),
    "exp2": (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(ans, math.log(2.0)))),
    "log": (defjvp, lambda g, x: lax.div(g, x)),
    "log1p": (defjvp, lambda g, x: lax.div(g, lax.add(x, 1))),
    "expm1": (defjvp2, lambda g, ans, x: lax.mul(g, lax.add(ans, 1))),
    "tanh": (defjvp2, lambda g, ans, x: lax.mul(lax.add(g, lax.mul(g, ans)),
                                                lax.sub(1, ans))),
    "logistic": (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(ans, lax.sub(1, ans)))),
    "sin": (defjvp, lambda g, x: lax.mul(g, lax.cos(x))),
    "cos": (defjvp, lambda g, x: lax.neg(lax.mul(g, lax.sin(x)))),
    "tan": (defjvp2, lambda g, ans, x: lax.mul(g, lax.add(1, lax.square(ans)))),
    "asin": (defjvp, lambda g, x: lax.mul(g, lax.rsqrt(lax.sub(1, lax.square(x))))),
    "acos": (defjvp, lambda g, x: lax.mul(lax.neg(g), lax.rsqrt(lax.sub(1, lax.square(x))))),
    "atan": (defjvp, lambda g, x: lax.div(g, lax.add(1, lax.square(x)))),
    "sinh": (defjvp, lambda g, x: lax.mul(g, lax.cosh(x))),
    "cosh": (defjvp, lambda g, x: lax.mul(g, lax.sinh(x))),
    "asinh": (defjvp, lambda g, x: lax.mul(g, lax.rsqrt(lax.add(lax.square(x), 1)))),
    "acosh": (defjvp, lambda g, x: lax.mul(g, lax.rsqrt(lax.mul(lax.sub(x, 1),
                                                                 lax.add(x, 1))))),
    "atanh": (defjvp, lambda g, x: lax.mul(lax.integer_pow(lax.add(x, 1), -1),
                                           lax.div(g, lax.sub(1, x)))),
    "sqrt": (defjvp2, lambda g, ans, x: lax.mul(g, lax.div(lax.full_like(x, 0.5), ans))),
    "rsqrt": (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(-0.5, lax.div(ans, x)))),
    "cbrt": (defjvp2, lambda g, ans, x: lax.mul(g, lax.mul(1.0 / 3.0,
                                                           lax.integer_pow(ans, -2)))),
    "erf": (defjvp, lambda g, x: lax.mul(_TWO_OVER_SQRT_PI,
                                         lax.mul(g, lax.exp(lax.neg(lax.square(x)))))),
    "erfc": (defjvp, lambda g, x: lax.mul(-_TWO_OVER_SQRT_PI,
                                          lax.mul(g, lax.exp(lax.neg(lax.square(x)))))),
    "erf_inv": (defjvp2, lambda g, ans, x: lax.mul(math.sqrt(math.pi) / 2.0,
                                                   lax.mul(g, lax.exp(lax.square(ans))))),
    "lgamma": (defjvp, lambda g, x: lax.mul(g, lax.digamma(x))),
    "digamma": (defjvp, lambda g, x: lax.mul(g, _trigamma(x))),
    "integer_pow": (defjvp, _integer_pow_jvp),
}


# -------------------------------------------------------------------- binary math

def _div_jvp_rhs(g, x, y):
    return lax.mul(lax.mul(lax.neg(g), x), lax.integer_pow(y, -2))


def _rem_jvp_rhs(g, x, y):
    q = lax.div(x, y)
    return lax.mul(lax.neg(g), lax.mul(lax.sign(q), lax.floor(lax.abs(q))))


def _pow_jvp_lhs(g, ans, x, y):
    y_dtype = lax_dtype(y)
    if dtypes.is_int(y_dtype):
        yf = lax.convert_element_type(y, lax_dtype(x))
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
    "add": (defjvp, lambda g, x, y: g, lambda g, x, y: g),
    "sub": (defjvp, lambda g, x, y: g, lambda g, x, y: lax.neg(g)),
    "div": (defjvp, lambda g, x, y: lax.div(g, y), _div_jvp_rhs),
    "rem": (defjvp, lambda g, x, y: g, _rem_jvp_rhs),
    "pow": (defjvp2, _pow_jvp_lhs, _pow_jvp_rhs),
    "max": (defjvp2, lambda g, ans, x, y: lax.mul(g, _balanced_eq(x, ans, y)),
            lambda g, ans, x, y: lax.mul(g, _balanced_eq(y, ans, x))),
    "min": (defjvp2, lambda g, ans, x, y: lax.mul(g, _balanced_eq(x, ans, y)),
            lambda g, ans, x, y: lax.mul(g, _balanced_eq(y, ans, x))),
    "atan2": (defjvp, lambda g, x, y: lax.mul(g, lax.div(y, _atan2_denominator(x, y))),
              lambda g, x, y: lax.mul(g, lax.div(lax.neg(x), _atan2_denominator(x, y)))),
    "clamp": (defjvp,
              lambda g, lo, x, hi: lax.select(lax.bitwise_and(lax.gt(lo, x), lax.lt(lo, hi)),
                                              g, _zeros(x)),
              lambda g, lo, x, hi: lax.select(lax.bitwise_and(lax.gt(x, lo), lax.lt(x, hi)),
                                              g, _zeros(x)),
              lambda g, lo, x, hi: lax.select(lax.lt(hi, x), g, _zeros(x))),
}


# ------------------------------------------------------- structural elementwise

def _select_n_jvp(primals, tangents):
    which, *cases = primals
    ans = P["select_n"].bind(which, *cases)
    case_tangents = tangents[1:]
    if all(type(t) is Zero for t in case_tangents):
        return ans, Zero.from_value(ans)
    return ans, P["select_n"].bind(which, *map(instantiate, case_tangents))


def _select_n_transpose(ct, which, *cases):
    if is_undefined(which):
        raise ValueError("select_n is not linear in its selector")
    zeros = lax.full_like(ct, 0)
    n = len(cases)
    return [None] + [P["select_n"].bind(which, *[ct if j == i else zeros for j in range(n)])
                     if is_undefined(case) else None for i, case in enumerate(cases)]


def _convert_jvp(primals, tangents, *, new_dtype, weak_type=False, sharding=None):
    (x,), (g,) = primals, tangents
    prim = P["convert_element_type"]
    ans = prim.bind(x, new_dtype=new_dtype, weak_type=weak_type, sharding=sharding)
    if type(g) is Zero or not is_differentiable_dtype(new_dtype):
        return ans, Zero.from_value(ans)
    return ans, prim.bind(g, new_dtype=new_dtype, weak_type=weak_type, sharding=sharding)


def _convert_transpose(ct, x, *, new_dtype, weak_type=False, sharding=None):
    aval = x.aval
    if not is_differentiable_dtype(aval.dtype):
        return [Zero(aval)]
    return [P["convert_element_type"].bind(ct, new_dtype=aval.dtype,
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
ZERO_JVP = [
    "sign", "floor", "ceil", "round", "is_finite", "eq", "ne", "lt", "le",
    "gt", "ge", "and", "or", "xor", "not", "shift_left", "shift_right_logical",
    "shift_right_arithmetic", "bitcast_convert_type", "population_count", "clz",
    "stop_gradient",
]
LINEAR = ["neg", "copy", "real", "imag", "conj", "complex", "reduce_precision"]


def jvp_rules() -> dict:
    """Primitive name -> JVP rule, for the elementwise primitives."""
    rules = {}
    for table in (UNARY_JVPS, BINARY_JVPS):
        for name, (maker, *fns) in table.items():
            if name in P:
                rules[name] = maker(P[name], *fns)
    for name in ZERO_JVP:
        if name in P:
            rules[name] = zero_jvp(P[name])
    for name in LINEAR:
        if name in P:
            rules[name] = linear_jvp(P[name])
    if "mul" in P:
        rules["mul"] = bilinear_jvp(P["mul"])
    rules["select_n"] = _select_n_jvp
    rules["convert_element_type"] = _convert_jvp
    return rules


TRANSPOSE_RULES = {
    "add": _add_transpose,
    "sub": _sub_transpose,
    "mul": _mul_transpose,
    "div": _div_transpose,
    "neg": _unary(lax.neg),
    "copy": _unary(lambda ct: ct),
    "real": _unary(lambda ct: lax.complex(ct, lax.full_like(ct, 0))),
    "imag": _unary(lambda ct: lax.complex(lax.full_like(ct, 0), lax.neg(ct))),
    "complex": _complex_transpose,
    "conj": _conj_transpose,
    "select_n": _select_n_transpose,
    "convert_element_type": _convert_transpose,
    "reduce_precision": lambda ct, x, **params: [P["reduce_precision"].bind(ct, **params)],
    "stop_gradient": _stop_gradient_transpose,
}


def transpose_rules() -> dict:
    """Primitive name -> transpose rule, for the linear elementwise primitives."""
    return {name: rule for name, rule in TRANSPOSE_RULES.items() if name in P}

