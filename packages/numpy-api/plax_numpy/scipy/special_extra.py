"""More of ``scipy.special`` (re-exported by ``plax.scipy.special``): beta and gamma
relatives, relative entropies, modified Bessel functions of order 0 and 1, Box-Cox."""

from __future__ import annotations

import numpy as np

from plax_core import lax, ops

from .. import _math as m
from .._custom_jvp import with_jvps
from .._extra_creation import bessel_i

__all__ = ["gammasgn", "loggamma", "betaln", "beta", "multigammaln", "poch", "factorial",
           "kl_div", "rel_entr", "i0", "i0e", "i1", "i1e", "boxcox", "boxcox1p"]


def _args(name, *args):
    args = ops.promote_args_inexact(name, *args)
    if any(ops.dtype_kind(a) == "c" for a in args):
        raise TypeError(f"{name} does not accept complex arguments")
    return args


def _gammaln(x):
    return lax.lgamma(x)


def gammasgn(x):
    """Sign of the gamma function (-1 on (-2k-1, -2k), 1 elsewhere; NaN stays NaN)."""
    (x,) = _args("gammasgn", x)
    odd = m.not_equal(m.remainder(m.floor(x), 2), 0)
    neg = m.logical_and(m.less(x, 0), odd)
    out = m.where(neg, -1.0, 1.0).astype(x.dtype)
    return m.where(m.isnan(x), x, out)


def loggamma(x):
    """log(gamma(x)) for real x > 0; NaN for x < 0 (SciPy's real-argument convention)."""
    (x,) = _args("loggamma", x)
    return m.where(m.less(x, 0), np.nan, _gammaln(x)).astype(x.dtype)


def betaln(a, b):
    """log|B(a, b)| = gammaln(a) + gammaln(b) - gammaln(a + b)."""
    a, b = _args("betaln", a, b)
    return m.subtract(m.add(_gammaln(a), _gammaln(b)), _gammaln(m.add(a, b)))


def beta(a, b):
    """The beta function B(a, b) = gamma(a) gamma(b) / gamma(a + b)."""
    a, b = _args("beta", a, b)
    sign = m.multiply(m.multiply(gammasgn(a), gammasgn(b)), gammasgn(m.add(a, b)))
    return m.multiply(sign, m.exp(betaln(a, b)))


def multigammaln(a, d):
    """log of the multivariate gamma function of dimension ``d`` (a Python int)."""
    d = int(d)
    (a,) = _args("multigammaln", a)
    total = lax.full_like(a, d * (d - 1) / 4.0 * np.log(np.pi))
    for j in range(d):
        total = m.add(total, _gammaln(m.subtract(a, j / 2.0)))
    return total.astype(a.dtype)


def poch(z, mm):
    """The rising factorial gamma(z + m) / gamma(z)."""
    z, mm = _args("poch", z, mm)
    zm = m.add(z, mm)
    sign = m.multiply(gammasgn(zm), gammasgn(z))
    return m.multiply(sign, m.exp(m.subtract(_gammaln(zm), _gammaln(z))))


def factorial(n, exact=False):
    """gamma(n + 1), 0 for n < 0 (``exact=True`` is not supported, as in JAX)."""
    if exact:
        raise NotImplementedError("factorial with exact=True")
    (n,) = _args("factorial", n)
    out = m.exp(_gammaln(m.add(n, 1)))
    return m.where(m.less(n, 0), 0, out).astype(n.dtype)


def _safe(cond, x, fill):
    return m.where(cond, x, fill).astype(x.dtype)


def rel_entr(x, y):
    """x log(x / y) for x, y > 0; 0 for x == 0 <= y; inf otherwise, NaN included (JAX's
    values and, through x log x and xlogy, JAX's derivatives)."""
    from .special import _xlogx, _xlogy
    x, y = _args("rel_entr", x, y)
    both = m.logical_and(m.greater(x, 0), m.greater(y, 0))
    safe_x, safe_y = _safe(both, x, 1), _safe(both, y, 1)
    val = m.subtract(_xlogx(safe_x), _xlogy(safe_x, safe_y))
    zero = m.logical_and(m.equal(x, 0), m.greater_equal(y, 0))
    return m.where(both, val, m.where(zero, 0, np.inf)).astype(x.dtype)


def kl_div(x, y):
    """rel_entr(x, y) - x + y (inf where x or y is negative or NaN, as JAX)."""
    x, y = _args("kl_div", x, y)
    return m.add(m.subtract(rel_entr(x, y), x), y)


def _bessel(name, nu, scaled):
    def fn(x):
        (x,) = _args(name, x)
        return bessel_i(nu, x, scaled)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"``scipy.special.{name}``: modified Bessel function of the first kind, "
                  f"order {nu}{', times exp(-|x|)' if scaled else ''}.")
    return fn


def _i0e_rule(g, y, x):
    """JAX's rule for i0e, i1e(x) - sign(x) i0e(x): 0 at the kink x = 0 (composed: -1)."""
    return m.multiply(g, m.subtract(i1e(x), m.multiply(m.sign(x), y)))


i0 = _bessel("i0", 0, False)
i0e = with_jvps(_i0e_rule)(_bessel("i0e", 0, True))
i1 = _bessel("i1", 1, False)
i1e = _bessel("i1e", 1, True)


def boxcox(x, lmbda):
    """Box-Cox transform: (x**lmbda - 1) / lmbda, log(x) at lmbda == 0."""
    x, lmbda = _args("boxcox", x, lmbda)
    return _boxcox_of_log(m.log(x), lmbda)


def boxcox1p(x, lmbda):
    """Box-Cox transform of 1 + x."""
    x, lmbda = _args("boxcox1p", x, lmbda)
    return _boxcox_of_log(m.log1p(x), lmbda)


def _boxcox_of_log(logx, lmbda):
    zero = m.equal(lmbda, 0)
    safe = _safe(m.logical_not(zero), lmbda, 1)
    out = m.where(zero, logx, m.divide(m.expm1(m.multiply(safe, logx)), safe))
    return out.astype(logx.dtype)
