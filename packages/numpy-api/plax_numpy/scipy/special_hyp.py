"""Hypergeometric functions, Bessel functions of integer order and spherical harmonics
(re-exported by ``plax.scipy.special``).

The hypergeometric series run in one ``lax.while_loop`` each, with derivatives in ``x``
in closed form and in the parameters by forward mode through the loop; ``bessel_jn`` and
``sph_harm_y`` are recurrences of a static length, differentiated like any other code.
"""

from __future__ import annotations

import operator

import numpy as np

import plax_numpy as jnp
from plax_core import Tracer, lax

from .._custom_jvp import forward_derivative, times_tangent, with_jvp
from .special_incomplete import _args, _eps, _loop
from .special_more import _real_args

__all__ = ["hyp1f1", "hyp2f1", "bessel_jn", "sph_harm_y"]

_BIG = {np.dtype(np.float32): 1e30, np.dtype(np.float64): 1e300}


def _scaled_series(ratio, x, dtype):
    """log of sum_k t_k with t_0 = 1, t_k = t_{k-1} ratio(k - 1) x, and its sign; the sum
    is rescaled whenever it grows large, so e^(-x) 1F1(b - a, b, x) survives for |x| ~ 700."""
    eps, big = _eps(x), _BIG[np.dtype(dtype)]

    def cond(s):
        term, total, _ = s
        return jnp.abs(term) > jnp.abs(total) * eps

    def body(k, s):
        term, total, log_scale = s
        term = term * ratio(k - 1.0) * x
        total = total + term
        rescale = jnp.abs(total) > big
        div = jnp.where(rescale, jnp.abs(total), 1.0)
        return term / div, total / div, log_scale + jnp.log(div)

    one = jnp.ones_like(x)
    _, total, log_scale = _loop(cond, body, (one, one, jnp.zeros_like(x)), 20000)
    return log_scale + jnp.log(jnp.abs(total)), jnp.sign(total)


def _hyp1f1_series(a, b, x):
    """The series in x >= 0, and Kummer's e^x 1F1(b - a, b, -x) for x < 0."""
    neg = x < 0
    aa = jnp.where(neg, b - a, a)
    log_s, sign = _scaled_series(lambda k: (aa + k) / ((b + k) * (k + 1.0)), jnp.abs(x),
                                 x.dtype)
    out = sign * jnp.exp(jnp.where(neg, x, 0.0) + log_s)
    # JAX's conventions: 1 at a == 0 (also a == b == 0), inf at b == 0.
    out = jnp.where(b == 0, np.inf, out)
    return jnp.where(a == 0, 1.0, out).astype(x.dtype)


def _hyp1f1_impl(a, b, x):
    """exp(x) at a == b (JAX's convention: exact there, the series' value)."""
    out = _hyp1f1_series(a, b, x)
    return jnp.where((a == b) & (a != 0), jnp.exp(x), out).astype(x.dtype)


def _terminating(p):
    """A negative integer parameter ends the series after finitely many terms, so forward
    mode through the loop (which stops on the value) misses the derivative's tail: NaN,
    as JAX gives there."""
    return (p < 0) & (p == jnp.floor(p))


def _param_derivative(fun, primals, i):
    d = forward_derivative(fun, primals, i)
    return jnp.where(_terminating(primals[i]), np.nan, d)


def _hyp1f1_rule(primals, tangents):
    a, b, x = primals
    ta, tb, tx = tangents
    out = _hyp1f1(a, b, x)
    t_x = times_tangent(lambda: a / b * _hyp1f1(a + 1.0, b + 1.0, x), tx).astype(out.dtype)
    # In a and b through the series itself: exp(x) at a == b is only the value's shortcut.
    t_a = times_tangent(lambda: _param_derivative(_hyp1f1_series, (a, b, x), 0), ta)
    t_b = times_tangent(lambda: forward_derivative(_hyp1f1_series, (a, b, x), 1), tb)
    return out, t_x + t_a + t_b


_hyp1f1 = with_jvp(_hyp1f1_rule)(_hyp1f1_impl)


def hyp1f1(a, b, x):
    """Confluent hypergeometric function 1F1(a; b; x) = sum_k (a)_k / (b)_k x^k / k! for
    real arguments (1 at a == b == 0, as JAX; SciPy gives inf there)."""
    return _hyp1f1(*_real_args("hyp1f1", a, b, x))


def _hyp2f1_impl(a, b, c, x):
    """The series for 0 <= x < 1; Pfaff's (1 - x)^-a 2F1(a, c - b; c; x / (x - 1)) for x < 0;
    Gauss's theorem at x = 1; inf for x > 1 and for c a nonpositive integer."""
    neg = x < 0
    bb = jnp.where(neg, c - b, b)
    z = jnp.where(neg, x / (x - 1.0), jnp.where(x < 1, x, 0.0))
    log_s, sign = _scaled_series(lambda k: (a + k) * (bb + k) / ((c + k) * (k + 1.0)), z,
                                 x.dtype)
    series = sign * jnp.exp(log_s + jnp.where(neg, -a * jnp.log1p(-jnp.minimum(x, 0.0)), 0.0))
    d = c - a - b
    d_s = jnp.where(d > 0, d, 1.0)
    log_g = (lax.lgamma(c) + lax.lgamma(d_s) - lax.lgamma(c - a) - lax.lgamma(c - b))
    sg = _gammasgn(c) * _gammasgn(d_s) * _gammasgn(c - a) * _gammasgn(c - b)
    at_one = jnp.where(d > 0, sg * jnp.exp(log_g), np.inf)
    out = jnp.where(x == 1, at_one, jnp.where(x > 1, np.inf, series))
    pole = (c <= 0) & (c == jnp.floor(c))
    out = jnp.where(pole, np.inf, out)
    trivial = (x == 0) | (((a == 0) | (b == 0)) & (c != 0))
    return jnp.where(trivial, 1.0, out).astype(x.dtype)


def _gammasgn(v):
    odd = jnp.remainder(jnp.floor(v), 2.0) != 0
    return jnp.where((v < 0) & odd, -1.0, 1.0)


def _hyp2f1_rule(primals, tangents):
    a, b, c, x = primals
    ta, tb, tc, tx = tangents
    out = _hyp2f1(a, b, c, x)
    # (NaN at x = NaN, where the value is JAX's 1)
    t = times_tangent(lambda: jnp.where(jnp.isnan(x), np.nan, a * b / c * _hyp2f1(
        a + 1.0, b + 1.0, c + 1.0, x)), tx).astype(out.dtype)
    for i, ti in enumerate((ta, tb, tc)):
        t = t + times_tangent(lambda i=i: _param_derivative(_hyp2f1_impl, primals, i), ti)
    return out, t


_hyp2f1 = with_jvp(_hyp2f1_rule)(_hyp2f1_impl)


def hyp2f1(a, b, c, x):
    """Gauss hypergeometric function 2F1(a, b; c; x) for real arguments and x <= 1."""
    return _hyp2f1(*_real_args("hyp2f1", a, b, c, x))


# --------------------------------------------------------------- Bessel J_n

def bessel_jn(z, *, v, n_iter=50):
    """J_0(z) .. J_v(z), stacked on a new leading axis (shape ``(v + 1, *z.shape)``), by
    Miller's backward recurrence from order ``n_iter`` normalised by
    J_0 + 2 (J_2 + J_4 + ...) = 1; accurate while ``abs(z)`` stays well below ``n_iter``.

    Unlike JAX 0.10.2 (NaN there), z = 0 and negative z give J_n(0) and ``(-1)**n J_n(abs(z))``,
    and the recurrence is rescaled so that small ``abs(z)`` does not overflow in float32.
    """
    try:
        v = operator.index(v)
        n_iter = operator.index(n_iter)
    except TypeError:
        raise TypeError(f"bessel_jn: v and n_iter must be Python integers, got v={v!r}, "
                        f"n_iter={n_iter!r}.") from None
    if v < 0 or n_iter < v:
        raise ValueError(f"bessel_jn: need 0 <= v <= n_iter, got v={v}, n_iter={n_iter}.")
    if np.issubdtype(jnp.asarray(z).dtype, np.complexfloating):
        raise ValueError("bessel_jn: complex input is not supported; pass a real array z.")
    (z,) = _args("bessel_jn", z)
    t = jnp.abs(z)
    tiny_z = t < 1e-3
    ts = jnp.where(tiny_z, 1.0, t)
    f0, f1 = jnp.zeros_like(ts), jnp.full_like(ts, 1e-16)
    norm = jnp.zeros_like(ts)
    kept = {}
    for k in range(n_iter, -1, -1):
        f0, f1 = f1, 2.0 * (k + 1.0) * f1 / ts - f0
        if k % 2 == 0:
            norm = norm + (2.0 if k else 1.0) * f1
        if k <= v:
            kept[k] = f1
        scale = jnp.where(jnp.abs(f1) > 1e10, 1e-10, 1.0)
        f0, f1, norm = f0 * scale, f1 * scale, norm * scale
        kept = {j: val * scale for j, val in kept.items()}
    rows = []
    for k in range(v + 1):
        # |z| < 1e-3: (z/2)^k / k! (1 - (z/2)^2 / (k + 1)), exact to (z/2)^4.
        h = 0.5 * t
        small = h ** k / float(np.prod(np.arange(1, k + 1))) * (1.0 - h * h / (k + 1.0))
        val = jnp.where(tiny_z, small, kept[k] / norm)
        rows.append(jnp.where(z < 0, (-1.0) ** k * val, val))
    return jnp.stack(rows).astype(z.dtype)


# --------------------------------------------------------------- spherical harmonics

def sph_harm_y(n, m, theta, phi, diff_n=None, n_max=None):
    """Spherical harmonic Y_n^m(theta, phi) (theta polar, phi azimuthal; Condon-Shortley
    phase), by the stable recurrence in degree of the normalised associated Legendre
    functions up to the static ``n_max`` (default ``max(n)``, which must then be concrete;
    degrees above ``n_max`` are clipped to it, as JAX). A scalar ``theta`` gives shape (1,)."""
    if diff_n is not None:
        raise NotImplementedError("sph_harm_y: the 'diff_n' argument is not supported, as in "
                                  "JAX; differentiate with plax.grad instead.")
    if n_max is None:
        if isinstance(n, Tracer):
            raise TypeError("sph_harm_y: n_max must be given when n is traced (under jit, "
                            "vmap or grad); pass n_max=<the largest degree> as an int.")
        n_max = int(np.max(np.asarray(n)))
    n_max = operator.index(n_max)
    if np.ndim(theta) == 0 and not isinstance(theta, Tracer):
        theta = jnp.asarray([theta])
    theta, phi = _args("sph_harm_y", theta, phi)
    n, m, theta, phi = jnp.broadcast_arrays(jnp.asarray(n), jnp.asarray(m), theta, phi)
    nf = jnp.minimum(n.astype(theta.dtype), float(n_max))
    am = jnp.abs(m).astype(theta.dtype)
    x, sx = jnp.cos(theta), jnp.sin(theta)
    # P_m^m normalised: (-1)^m sqrt((2m+1)/(4 pi) Gamma(m+1/2) / (sqrt(pi) m!)) sin^m theta
    log_pmm = 0.5 * (jnp.log((2.0 * am + 1.0) / (4.0 * np.pi)) + lax.lgamma(am + 0.5)
                     - 0.5 * np.log(np.pi) - lax.lgamma(am + 1.0))
    sin_pow = jnp.where(am == 0, 1.0, jnp.abs(sx) ** am)
    sign = jnp.where(jnp.remainder(am, 2.0) == 1.0, -1.0, 1.0)
    p_cur = sign * jnp.exp(log_pmm) * sin_pow
    p_prev = jnp.zeros_like(p_cur)
    out = jnp.where(nf == am, p_cur, 0.0)
    for deg in range(1, n_max + 1):
        active = deg > am
        lf = float(deg)
        a_l = jnp.sqrt(jnp.maximum((4.0 * lf * lf - 1.0) / jnp.maximum(lf * lf - am * am, 1.0),
                                   0.0))
        prev_deg = lf - 1.0
        b_l = jnp.sqrt(jnp.maximum((prev_deg * prev_deg - am * am)
                                   / max(4.0 * prev_deg * prev_deg - 1.0, 1.0), 0.0))
        p_next = a_l * (x * p_cur - b_l * p_prev)
        p_prev, p_cur = (jnp.where(active, p_cur, p_prev), jnp.where(active, p_next, p_cur))
        out = jnp.where(active & (nf == lf), p_cur, out)
    angle = am * phi
    y = lax.complex(out * jnp.cos(angle), out * jnp.sin(angle))
    neg = jnp.where(jnp.remainder(am, 2.0) == 1.0, -1.0, 1.0) * jnp.conj(y)
    return jnp.where(m < 0, neg.astype(y.dtype), y)
