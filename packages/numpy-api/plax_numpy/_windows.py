"""Window functions of ``plax.numpy`` (bartlett, blackman, hamming, hanning, kaiser) and the
modified Bessel function I0 that kaiser is built on (also used by ``scipy.special``)."""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser", "i0"]


def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


# ------------------------------------------------------------------ window functions

def _window(fname, M, fn):  # noqa: N803
    m = _int(fname, "M", M)
    dt = dtypes.default_float_dtype()
    if m < 1:
        return lax.full((0,), 0, dt)
    if m == 1:
        return lax.full((1,), 1, dt)
    n = ops.convert(lax.iota(np.int32, m), dt)
    n = lax.sub(lax.mul(n, ops.convert(2, dt)), ops.convert(m - 1, dt))  # 1-M .. M-1 by 2
    return fn(lax.div(n, ops.convert(m - 1, dt)))


def bartlett(M):  # noqa: N803
    """The Bartlett (triangular) window of ``M`` points."""
    return _window("bartlett", M, lambda t: lax.sub(ops.scalar_like(t, 1), lax.abs(t)))


def _cosine_sum(a0, a1, a2=0.0):
    def fn(t):
        c = ops.scalar_like
        pt = lax.mul(t, c(t, np.pi))
        out = lax.add(c(t, a0), lax.mul(c(t, a1), lax.cos(pt)))
        if a2:
            out = lax.add(out, lax.mul(c(t, a2), lax.cos(lax.mul(pt, c(t, 2)))))
        return out
    return fn


def blackman(M):  # noqa: N803
    """The Blackman window of ``M`` points."""
    return _window("blackman", M, _cosine_sum(0.42, 0.5, 0.08))


def hamming(M):  # noqa: N803
    """The Hamming window of ``M`` points."""
    return _window("hamming", M, _cosine_sum(0.54, 0.46))


def hanning(M):  # noqa: N803
    """The Hann window of ``M`` points."""
    return _window("hanning", M, _cosine_sum(0.5, 0.5))


def kaiser(M, beta):  # noqa: N803
    """The Kaiser window of ``M`` points with shape parameter ``beta``."""
    m = _int("kaiser", "M", M)
    dt = dtypes.default_float_dtype()
    if m < 1:
        return lax.full((0,), 0, dt)
    if m == 1:
        return lax.full((1,), 1, dt)

    def fn(t):
        b = ops.convert(beta, get_aval(t).dtype)
        arg = lax.mul(b, lax.sqrt(lax.max(lax.sub(ops.scalar_like(t, 1), lax.mul(t, t)),
                                          ops.scalar_like(t, 0))))
        return lax.div(i0(arg), i0(b))
    return _window("kaiser", m, fn)


# ------------------------------------------------------------------ Bessel I0 (and I1)

_SERIES_TERMS, _ASYMPTOTIC_TERMS, _SWITCH = 42, 24, 20.0


def bessel_i(nu, x, scaled):
    """I_nu(x) (nu = 0 or 1) for real ``x``, or exp(-|x|) I_nu(x) when ``scaled``.

    The power series for |x| <= 20 and the large-argument asymptotic series above; both
    are sums of elementwise primitives, so every transformation (and any order of
    derivative) goes through them. Both are evaluated in Horner form, 1 + r_1 (1 + r_2 (...)):
    as a running product of terms, XLA's simplifier regroups the constants into
    (x^2)^k * c_k, whose c_k underflows to 0 while (x^2)^k overflows in float32 (NaN under
    ``jit`` for |x| >= 3); in Horner form every intermediate stays below the sum.
    """
    c = ops.scalar_like
    ax = lax.abs(x)
    small = lax.le(ax, c(ax, _SWITCH))
    xs = lax.select(small, ax, lax.full_like(ax, 1))
    # series: sum_k (x/2)^(2k+nu) / (k! (k+nu)!), by the ratio of consecutive terms
    h = lax.mul(xs, c(xs, 0.5))
    q = lax.mul(h, h)
    total = lax.full_like(xs, 1)
    for k in range(_SERIES_TERMS - 1, 0, -1):
        total = lax.add(c(q, 1), lax.mul(total, lax.div(q, c(q, float(k * (k + nu))))))
    if nu:
        total = lax.mul(total, h)
    if scaled:
        total = lax.mul(total, lax.exp(lax.neg(xs)))
    # asymptotic: e^x / sqrt(2 pi x) sum_k (-1)^k a_k / x^k
    xb = lax.select(small, lax.full_like(ax, 2 * _SWITCH), ax)
    mu = 4.0 * nu * nu
    inv = lax.div(c(xb, 1), xb)
    big = lax.full_like(xb, 1)
    for k in range(_ASYMPTOTIC_TERMS - 1, 0, -1):
        ratio = lax.mul(inv, c(xb, -(mu - (2 * k - 1) ** 2) / (8.0 * k)))
        big = lax.add(c(xb, 1), lax.mul(big, ratio))
    big = lax.div(big, lax.sqrt(lax.mul(xb, c(xb, 2 * np.pi))))
    if not scaled:
        half = lax.exp(lax.mul(xb, c(xb, 0.5)))  # e^x as a product: no early overflow
        big = lax.mul(lax.mul(big, half), half)
    out = lax.select(small, total, big)
    if nu:  # I1 is odd
        out = lax.select(lax.lt(x, c(x, 0)), lax.neg(out), out)
    return out


def i0(x):
    """Modified Bessel function of the first kind, order 0."""
    (x,) = ops.promote_args_inexact("i0", x)
    if ops.dtype_kind(x) == "c":
        raise TypeError("i0 does not accept complex arguments")
    return bessel_i(0, x, False)
