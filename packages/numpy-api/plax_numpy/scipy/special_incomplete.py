"""Incomplete gamma and beta functions, Hurwitz zeta and polygamma (``plax.scipy.special``).

Each is a series or continued fraction run in one ``lax.while_loop`` over the whole array
(it stops when every element has converged, or at a fixed cap), so it works eagerly,
under ``jit`` and ``vmap`` and on every backend. Derivatives come from ``with_jvp``: closed
forms where they exist (with respect to ``x``), forward mode through the loop otherwise.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

import plax_numpy as jnp
from plax_core import lax, ops

from .._custom_jvp import forward_derivative, times_tangent, with_jvp, with_jvps

__all__ = ["gammainc", "gammaincc", "betainc", "zeta", "polygamma", "bernoulli"]


def _promote(name, *args):
    args = ops.promote_args_inexact(name, *args)
    if any(ops.dtype_kind(a) == "c" for a in args):
        raise TypeError(f"{name} does not accept complex arguments")
    return args


def _args(name, *args):
    """Promote to one inexact dtype and shape, as arrays (real only)."""
    return [jnp.asarray(a) for a in jnp.broadcast_arrays(*_promote(name, *args))]


def _eps(x):
    return float(np.finfo(x.dtype).eps)


def _tiny(x):
    return float(np.finfo(x.dtype).tiny) / _eps(x)


def _loop(cond, body, state, max_iter):
    """``while_loop`` over ``(i, *state)`` until ``cond(state)`` is all False or ``max_iter``."""
    def go(s):
        return jnp.logical_and(s[0] < max_iter, jnp.any(cond(s[1:])))

    def step(s):
        return (s[0] + 1, *body(s[0] + 1, s[1:]))
    return lax.while_loop(go, step, (0, *state))[1:]


# --------------------------------------------------------------- incomplete gamma

def _igamma_pq(a, x):
    """(P, Q): the series for P where x < a + 1, the continued fraction for Q elsewhere."""
    eps, tiny = _eps(a), _tiny(a)
    bad = jnp.isnan(a) | jnp.isnan(x) | (a < 0) | (x < 0) | ((a == 0) & (x == 0))
    ok = ~bad & (a > 0) & (x > 0) & jnp.isfinite(x)
    a_s = jnp.where(ok, a, 1.0)
    x_s = jnp.where(ok, x, 1.0)
    series = x_s < a_s + 1
    xs = jnp.where(series, x_s, 0.0)          # the series converges at once where unused
    xc = jnp.where(series, a_s + 2.0, x_s)    # the fraction converges fast where unused

    b0 = xc + 1.0 - a_s
    one = jnp.ones_like(a_s)

    def cond(s):
        term, total, _, _, _, _, delta = s
        return (jnp.abs(term) > jnp.abs(total) * eps) | (jnp.abs(delta - 1.0) > eps)

    def body(i, s):
        term, total, b, c, d, h, _ = s
        term = term * xs / (a_s + i)
        an = -i * (i - a_s)
        b = b + 2.0
        d = an * d + b
        d = jnp.where(jnp.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = jnp.where(jnp.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        return term, total + term, b, c, d, h * delta, delta

    state = (one, one, b0, jnp.full_like(a_s, 1.0 / tiny), 1.0 / b0, 1.0 / b0, one * 2.0)
    _, total, _, _, _, h, _ = _loop(cond, body, state, 2000)
    log_pref = jnp.log(x_s) * a_s - x_s - lax.lgamma(a_s)
    p_series = jnp.exp(log_pref - jnp.log(a_s)) * total
    q_frac = jnp.exp(log_pref) * h
    p = jnp.where(series, p_series, 1.0 - q_frac)
    q = jnp.where(series, 1.0 - p_series, q_frac)
    # Edges, as SciPy and JAX: P(0, x>0) = 1, P(a>0, 0) = 0, P(a, inf) = 1.
    p_edge = jnp.where((a == 0) | jnp.isposinf(x), 1.0, 0.0)
    p = jnp.where(ok, p, jnp.where(bad, np.nan, p_edge))
    q = jnp.where(ok, q, jnp.where(bad, np.nan, 1.0 - p_edge))
    return p.astype(a.dtype), q.astype(a.dtype)


def _dgamma_dx(a, x):
    return jnp.exp(_xlogy(a - 1.0, x) - x - lax.lgamma(a))


def _xlogy(x, y):
    safe = jnp.where(x == 0, 1.0, y)
    return jnp.where(x == 0, 0.0, x * jnp.log(safe))


def _gammainc_impl(a, x):
    return _igamma_pq(a, x)[0]


def _gammaincc_impl(a, x):
    return _igamma_pq(a, x)[1]


def _igamma_rule(impl, sign, wrapped):
    """The JVP of P (sign 1) or Q (sign -1); ``wrapped`` is the differentiable function, so
    that the rule's own output differentiates again (second derivatives in x)."""
    def rule(primals, tangents):
        a, x = primals
        ta, tx = tangents
        out = wrapped(a, x)
        # NaN where the value is (outside the domain) and for a <= 0, as JAX
        t_a = times_tangent(lambda: jnp.where(a <= 0, np.nan, forward_derivative(
            impl, (a, x), 0)), ta)
        t_x = times_tangent(lambda: jnp.where(jnp.isnan(out), np.nan, sign * _dgamma_dx(a, x)),
                            tx)
        return out, t_x.astype(out.dtype) + t_a
    return rule


_gammainc = with_jvp(_igamma_rule(_gammainc_impl, 1.0, lambda a, x: _gammainc(a, x)))(
    _gammainc_impl)
_gammaincc = with_jvp(_igamma_rule(_gammaincc_impl, -1.0, lambda a, x: _gammaincc(a, x)))(
    _gammaincc_impl)


def gammainc(a, x):
    """Regularized lower incomplete gamma function P(a, x) (NaN for a < 0 or x < 0)."""
    return _gammainc(*_args("gammainc", a, x))


def gammaincc(a, x):
    """Regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _gammaincc(*_args("gammaincc", a, x))


# --------------------------------------------------------------- incomplete beta

def _betainc_impl(a, b, x):
    """I_x(a, b) by the continued fraction (modified Lentz), on the side where it converges."""
    eps, tiny = _eps(a), _tiny(a)
    bad = (jnp.isnan(a) | jnp.isnan(b) | jnp.isnan(x) | (a < 0) | (b < 0) | (x < 0) | (x > 1)
           | ((a == 0) & (b == 0)))
    ok = ~bad & (a > 0) & (b > 0) & (x > 0) & (x < 1)
    a_s, b_s, x_s = (jnp.where(ok, v, 0.5) for v in (a, b, x))
    swap = x_s > (a_s + 1.0) / (a_s + b_s + 2.0)
    aa, bb = jnp.where(swap, b_s, a_s), jnp.where(swap, a_s, b_s)
    xx = jnp.where(swap, 1.0 - x_s, x_s)

    def clip(v):
        return jnp.where(jnp.abs(v) < tiny, tiny, v)

    d0 = 1.0 / clip(1.0 - (aa + bb) * xx / (aa + 1.0))

    def cond(s):
        return jnp.abs(s[3] - 1.0) > eps

    def body(m, s):
        c, d, h, _ = s
        m2 = 2.0 * m
        num = m * (bb - m) * xx / ((aa - 1.0 + m2) * (aa + m2))
        d = 1.0 / clip(1.0 + num * d)
        c = clip(1.0 + num / c)
        h = h * d * c
        num = -(aa + m) * (aa + bb + m) * xx / ((aa + m2) * (aa + 1.0 + m2))
        d = 1.0 / clip(1.0 + num * d)
        c = clip(1.0 + num / c)
        delta = d * c
        return c, d, h * delta, delta

    one = jnp.ones_like(aa)
    _, _, h, _ = _loop(cond, body, (one, d0, d0, one * 2.0), 2000)
    log_pref = (lax.lgamma(aa + bb) - lax.lgamma(aa) - lax.lgamma(bb) + aa * jnp.log(xx)
                + bb * jnp.log1p(-xx))
    r = jnp.exp(log_pref) * h / aa
    out = jnp.where(swap, 1.0 - r, r)
    edge = jnp.where((x >= 1) | ((a == 0) & (b > 0)), 1.0, 0.0)
    edge = jnp.where((b == 0) & (a > 0), 0.0, edge)
    return jnp.where(ok, out, jnp.where(bad, np.nan, edge)).astype(a.dtype)


def _betainc_rule(primals, tangents):
    a, b, x = primals
    ta, tb, tx = tangents
    out = _betainc(a, b, x)
    log_dx = _xlogy(a - 1.0, x) + _xlogy(b - 1.0, 1.0 - x) + lax.lgamma(a + b) \
        - lax.lgamma(a) - lax.lgamma(b)
    t_x = times_tangent(lambda: jnp.where(jnp.isnan(out), np.nan, jnp.exp(log_dx)),
                        tx).astype(out.dtype)
    t_a = times_tangent(lambda: forward_derivative(_betainc_impl, (a, b, x), 0), ta)
    t_b = times_tangent(lambda: forward_derivative(_betainc_impl, (a, b, x), 1), tb)
    return out, t_x + t_a + t_b


_betainc = with_jvp(_betainc_rule)(_betainc_impl)


def betainc(a, b, x):
    """Regularized incomplete beta function I_x(a, b) (NaN outside a, b >= 0, 0 <= x <= 1)."""
    return _betainc(*_args("betainc", a, b, x))


# --------------------------------------------------------------- zeta and polygamma

def _bernoulli_numbers(n):
    """B_0 .. B_n as exact fractions (B_1 = -1/2, SciPy's convention)."""
    b = [Fraction(0)] * (n + 1)
    for m in range(n + 1):
        a = [Fraction(0)] * (m + 1)
        for j in range(m + 1):
            a[j] = Fraction(1, j + 1)
            for k in range(j, 0, -1):
                a[k - 1] = k * (a[k - 1] - a[k])
        b[m] = a[0]
    if n >= 1:
        b[1] = -b[1]
    return b


def _factorial(n):
    out = 1
    for k in range(2, n + 1):
        out *= k
    return out


# Euler-Maclaurin tail coefficients B_2j / (2j)!, j = 1..12.
_EM = [float(bn / _factorial(2 * j))
       for j, bn in enumerate(_bernoulli_numbers(24)[2::2], start=1)]


def _pow_neg_base(base, s):
    """base ** -s for any real base: |base| ** -s with sign (-1) ** s (NaN for s non-integer)."""
    mag = jnp.abs(base) ** (-s)
    odd = jnp.remainder(s, 2.0) == 1.0
    integral = s == jnp.floor(s)
    neg = jnp.where(odd, -mag, mag)
    return jnp.where(base >= 0, mag, jnp.where(integral, neg, np.nan))


def _zeta_impl(s, q):
    """Hurwitz zeta for s > 1 (inf at 1, NaN below, as JAX)."""
    total = _zeta_em(jnp.where(s > 1, s, 2.0), q)
    out = jnp.where(s == 1, np.inf, jnp.where(s > 1, total, np.nan))
    return jnp.where(jnp.isnan(s) | jnp.isnan(q), np.nan, out).astype(s.dtype)


def _zeta_em(s_s, q):
    """Direct sum until q + k >= 9, then the Euler-Maclaurin tail: also the analytic
    continuation to s < 1, whose derivative in s JAX gives there (zeta'(1/2) = -3.92...)."""

    def cond(st):
        return (st[0] < 9) | (q + st[0] < 9)

    def body(i, st):
        k, total = st
        return k + 1.0, total + _pow_neg_base(q + k, s_s)

    k, total = _loop(cond, body, (jnp.zeros_like(q), jnp.zeros_like(q)), 100000)
    w = q + k
    total = total + w ** (1.0 - s_s) / (s_s - 1.0) + 0.5 * w ** (-s_s)
    rising = s_s
    wpow = w ** (-s_s - 1.0)
    for j, coef in enumerate(_EM):
        total = total + coef * rising * wpow
        rising = rising * (s_s + 2 * j + 1) * (s_s + 2 * j + 2)
        wpow = wpow / (w * w)
    return total


def _zeta_rule(primals, tangents):
    s, q = primals
    ts, tq = tangents
    out = _zeta(s, q)
    t_q = times_tangent(lambda: -s * _zeta(s + 1.0, q), tq).astype(out.dtype)
    finite = jnp.isfinite(s)
    t_s = times_tangent(lambda: jnp.where(finite, forward_derivative(
        _zeta_em, (jnp.where(finite, s, 2.0), q), 0), np.nan), ts)
    return out, t_q + t_s.astype(out.dtype)


_zeta = with_jvp(_zeta_rule)(_zeta_impl)


def zeta(x, q=None):
    """Hurwitz zeta function sum_k (q + k) ** -x (``q`` is required, as in JAX)."""
    if q is None:
        raise NotImplementedError(
            "zeta: the Riemann zeta function (q=None) is not implemented, as in JAX; pass "
            "q=1.0 for x > 1 to compute it as the Hurwitz zeta function zeta(x, 1).")
    return _zeta(*_args("zeta", x, q))


def polygamma(n, x):
    """The n-th derivative of digamma: (-1) ** (n + 1) n! zeta(n + 1, x); ``n`` is an integer
    array (NaN where n < 0)."""
    n_dtype = np.result_type(n) if not hasattr(n, "dtype") else np.dtype(n.dtype)
    if not np.issubdtype(n_dtype, np.integer):
        raise ValueError(f"polygamma: argument n must be of integer type, got dtype "
                         f"{n_dtype.name}; pass an integer order such as n=1.")
    (x,) = _args("polygamma", x)
    nf, x = _args("polygamma", jnp.asarray(n).astype(x.dtype), x)
    return _polygamma(nf, x)



def lax_polygamma(m, x):
    """``jax.lax.polygamma``: the order ``m`` is a float of ``x``'s dtype holding a whole
    number, and the result is NaN where it does not (``polygamma`` above takes integers)."""
    nf, x = _args("polygamma", m, x)
    whole = (nf == jnp.floor(nf)) & (nf >= 0)
    return jnp.where(whole, _polygamma(jnp.where(whole, nf, 0.0), x), np.nan).astype(x.dtype)

def _polygamma_plain(nf, x):
    n_pos = jnp.where(nf >= 1, nf, 1.0)
    sign = jnp.where(jnp.remainder(n_pos, 2.0) == 1.0, 1.0, -1.0)
    high = sign * jnp.exp(lax.lgamma(n_pos + 1.0)) * _zeta_impl(n_pos + 1.0, x)
    out = jnp.where(nf == 0, lax.digamma(x), jnp.where(nf < 0, np.nan, high))
    return out.astype(x.dtype)


def _polygamma_dx(g, ans, nf, x):
    """polygamma(n + 1, x); NaN at the poles x = 0, -1, ... for n >= 1 (JAX's values;
    digamma's derivative is +inf there)."""
    pole = (x <= 0) & (x == jnp.floor(x)) & (nf >= 1)
    return g * jnp.where(pole, np.nan, _polygamma(nf + 1.0, x))


_polygamma = with_jvps(None, _polygamma_dx)(_polygamma_plain)


def bernoulli(n):
    """The Bernoulli numbers B_0 .. B_n (``n`` a Python int), as SciPy (B_1 = -1/2)."""
    n = int(n)
    if n < 0:
        raise ValueError(f"bernoulli: n must be a nonnegative integer, got {n}.")
    return jnp.asarray([float(v) for v in _bernoulli_numbers(n)])
