"""``plax.scipy.special``: special functions over lax primitives (here: logsumexp, the error
and gamma families, entropies, modified Bessel functions of order 0 and 1, Box-Cox; the
rest in special_incomplete, special_more and special_hyp)."""

from __future__ import annotations

import numpy as np

from plax_core import lax, ops
from plax_core.core import get_aval

from .. import _math as _m
from .._custom_jvp import with_jvps
from .._math import _inexact_unary
from .._windows import bessel_i as _bessel_i
from .special_hyp import *  # noqa: F401,F403
from .special_hyp import __all__ as _hyp_all
from .special_incomplete import *  # noqa: F401,F403
from .special_incomplete import __all__ as _incomplete_all
from .special_incomplete import _promote as _args
from .special_more import *  # noqa: F401,F403
from .special_more import __all__ as _more_all

__all__ = ["logsumexp", "expit", "logit", "erf", "erfc", "erfinv", "gammaln", "digamma",
           "xlogy", "xlog1py", "ndtr", "ndtri", "log_ndtr", "softmax", "log_softmax",
           "entr", "gamma", "gammasgn", "loggamma", "betaln", "beta", "multigammaln", "poch",
           "factorial", "kl_div", "rel_entr", "i0", "i0e", "i1", "i1e", "boxcox", "boxcox1p",
           *_incomplete_all, *_more_all, *_hyp_all]


def _unary(name, laxfn):
    return _inexact_unary(name, laxfn, doc=f"``scipy.special.{name}`` (integers promote to "
                                           f"the default float).")


expit = _unary("expit", lax.logistic)
erf = _unary("erf", lax.erf)
erfc = _unary("erfc", lax.erfc)
erfinv = _unary("erfinv", lax.erf_inv)
gammaln = _unary("gammaln", lax.lgamma)
digamma = _unary("digamma", lax.digamma)


_c = ops.scalar_like


def gamma(x):
    """Gamma function: sign from the reflection formula times exp(gammaln)."""
    (x,) = ops.promote_args_inexact("gamma", x)
    floor = lax.floor(x)
    odd = lax.ne(ops.remainder(floor, 2), _c(x, 0))
    negative_odd = lax.bitwise_and(lax.lt(x, _c(x, 0)), odd)
    sign = lax.select(negative_odd, lax.full_like(x, -1), lax.full_like(x, 1))
    return lax.mul(sign, lax.exp(lax.lgamma(x)))


def logit(x):
    """log(x / (1 - x)); derivative 1 / (x (1 - x)) (JAX's rule: +inf at 0 and 1)."""
    (x,) = ops.promote_args_inexact("logit", x)
    return _logit(x)


@with_jvps(lambda g, ans, x: lax.div(g, lax.mul(x, lax.sub(_c(x, 1), x))))
def _logit(x):
    return lax.log(lax.div(x, lax.sub(_c(x, 1), x)))


def xlogy(x, y):
    """x * log(y), 0 where x == 0 (NaN in y stays NaN); JAX's derivative rule
    x' log(y) + y' x / y, which is what makes it well-defined at x == 0."""
    return _xlogy(*ops.promote_args_inexact("xlogy", x, y))


def xlog1py(x, y):
    """x * log1p(y), 0 where x == 0 (NaN in y stays NaN); JAX's rule x' log1p(y) +
    y' x / (1 + y)."""
    return _xlog1py(*ops.promote_args_inexact("xlog1py", x, y))


def _x_times(logfn):
    def fun(x, y):
        keep = lax.bitwise_or(lax.ne(x, _c(x, 0)), lax.ne(y, y))
        return lax.select(keep, lax.mul(x, logfn(y)), lax.full_like(x, 0))
    return fun


_xlogy = with_jvps(lambda g, ans, x, y: lax.mul(g, lax.log(y)),
                   lambda g, ans, x, y: lax.mul(g, lax.div(x, y)))(_x_times(lax.log))
_xlog1py = with_jvps(lambda g, ans, x, y: lax.mul(g, lax.log1p(y)),
                     lambda g, ans, x, y: lax.mul(g, lax.div(x, lax.add(_c(y, 1), y))))(
    _x_times(lax.log1p))


@with_jvps(lambda g, ans, x: lax.mul(g, lax.add(lax.log(x), _c(x, 1))))
def _xlogx(x):
    """x log x (0 at 0) with derivative log(x) + 1: the building block of the entropies."""
    return _xlogy(x, x)


def entr(x):
    """-x log x for x >= 0, -inf for x < 0 (JAX's composition, so its derivatives: +inf at
    0, and NaN by reverse mode for x < 0)."""
    (x,) = ops.promote_args_inexact("entr", x)
    if np.issubdtype(get_aval(x).dtype, np.complexfloating):
        raise ValueError("entr: complex arguments are not supported (as in JAX); pass a "
                         "real array.")
    return lax.select(lax.lt(x, _c(x, 0)), lax.full_like(x, -np.inf), lax.neg(_xlogx(x)))


def ndtr(x):
    """Standard normal CDF."""
    (x,) = ops.promote_args_inexact("ndtr", x)
    return lax.mul(_c(x, 0.5), lax.erfc(lax.mul(x, _c(x, -np.sqrt(0.5)))))


def log_ndtr(x):
    """log of the standard normal CDF: log(ndtr(x)) until ndtr nears underflow, then the
    asymptotic series log(phi(x) / -x (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8))."""
    (x,) = ops.promote_args_inexact("log_ndtr", x)
    cut = -20.0 if np.dtype(get_aval(x).dtype).itemsize >= 8 else -10.0
    tail = lax.lt(x, _c(x, cut))
    xt = lax.select(tail, x, lax.full_like(x, cut))
    r = lax.div(_c(xt, 1), lax.mul(xt, xt))
    series = lax.add(_c(r, 1), lax.mul(r, lax.add(_c(r, -1), lax.mul(r, lax.add(
        _c(r, 3), lax.mul(r, lax.add(_c(r, -15), lax.mul(r, _c(r, 105)))))))))
    asym = lax.sub(lax.sub(lax.mul(_c(xt, -0.5), lax.mul(xt, xt)),
                           lax.log(lax.mul(lax.neg(xt), _c(xt, np.sqrt(2 * np.pi))))),
                   lax.neg(lax.log(series)))
    safe = lax.select(tail, lax.full_like(x, 0), x)
    return lax.select(tail, asym, lax.log(ndtr(safe)))


def ndtri(p):
    """Inverse of the standard normal CDF; derivative sqrt(2 pi) exp(x^2 / 2), 0 at p = 0
    and 1 where x is infinite (JAX's value there)."""
    (p,) = ops.promote_args_inexact("ndtri", p)
    return _ndtri(p)


def _ndtri_jvp(g, x, p):
    slope = lax.mul(_c(x, np.sqrt(2 * np.pi)), lax.exp(lax.mul(_c(x, 0.5), lax.mul(x, x))))
    infinite = lax.eq(lax.abs(x), lax.full_like(x, np.inf))
    return lax.mul(g, lax.select(infinite, lax.full_like(x, 0), slope))


@with_jvps(_ndtri_jvp)
def _ndtri(p):
    return lax.mul(_c(p, np.sqrt(2.0)), lax.erf_inv(lax.sub(lax.mul(_c(p, 2), p), _c(p, 1))))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """log(sum(b * exp(a))) computed stably (``scipy.special.logsumexp``)."""
    if where is not None:
        raise NotImplementedError("logsumexp: the 'where' argument is not supported yet")
    if b is None:
        (a,) = ops.promote_args_inexact("logsumexp", a)
    else:
        a, b = ops.promote_args_inexact("logsumexp", a, b)
    amax = ops.max(ops.real(a), axis=axis, keepdims=True, initial=-np.inf)
    amax = lax.select(lax.is_finite(amax), amax, lax.full_like(amax, 0)) \
        if ops.dtype_kind(amax) == "f" else amax
    e = lax.exp(ops.subtract(a, amax))
    if b is not None:
        e = ops.multiply(e, b)
    total = ops.sum(e, axis=axis, keepdims=keepdims)
    sign = lax.sign(total)
    out = ops.add(lax.log(lax.abs(total)),
                  amax if keepdims else ops.squeeze(amax, _axes(amax, axis)))
    if return_sign:
        return out, sign
    if b is not None and ops.dtype_kind(out) == "f":
        out = lax.select(lax.lt(sign, _c(sign, 0)), lax.full_like(out, np.nan), out)
    return out


def _axes(x, axis):
    return ops.reduction_axes(axis, get_aval(x).ndim, "logsumexp")


def softmax(x, axis=None):
    """``exp(x) / sum(exp(x))`` along ``axis``, computed stably, as ``scipy.special.softmax``."""
    from ..nn import softmax as _softmax
    return _softmax(x, axis=axis)


def log_softmax(x, axis=None):
    """``x - logsumexp(x, axis, keepdims=True)``, as ``scipy.special.log_softmax``."""
    from ..nn import log_softmax as _log_softmax
    return _log_softmax(x, axis=axis)


def _gammaln(x):
    return lax.lgamma(x)


def gammasgn(x):
    """Sign of the gamma function (-1 on (-2k-1, -2k), 1 elsewhere; NaN stays NaN)."""
    (x,) = _args("gammasgn", x)
    odd = _m.not_equal(_m.remainder(_m.floor(x), 2), 0)
    neg = _m.logical_and(_m.less(x, 0), odd)
    out = _m.where(neg, -1.0, 1.0).astype(x.dtype)
    return _m.where(_m.isnan(x), x, out)


def loggamma(x):
    """log(gamma(x)) for real x > 0; NaN for x < 0 (SciPy's real-argument convention)."""
    (x,) = _args("loggamma", x)
    return _m.where(_m.less(x, 0), np.nan, _gammaln(x)).astype(x.dtype)


def betaln(a, b):
    """log|B(a, b)| = gammaln(a) + gammaln(b) - gammaln(a + b)."""
    a, b = _args("betaln", a, b)
    return _m.subtract(_m.add(_gammaln(a), _gammaln(b)), _gammaln(_m.add(a, b)))


def beta(a, b):
    """The beta function B(a, b) = gamma(a) gamma(b) / gamma(a + b)."""
    a, b = _args("beta", a, b)
    sign = _m.multiply(_m.multiply(gammasgn(a), gammasgn(b)), gammasgn(_m.add(a, b)))
    return _m.multiply(sign, _m.exp(betaln(a, b)))


def multigammaln(a, d):
    """log of the multivariate gamma function of dimension ``d`` (a Python int)."""
    d = int(d)
    (a,) = _args("multigammaln", a)
    total = lax.full_like(a, d * (d - 1) / 4.0 * np.log(np.pi))
    for j in range(d):
        total = _m.add(total, _gammaln(_m.subtract(a, j / 2.0)))
    return total.astype(a.dtype)


def poch(z, mm):
    """The rising factorial gamma(z + m) / gamma(z)."""
    z, mm = _args("poch", z, mm)
    zm = _m.add(z, mm)
    sign = _m.multiply(gammasgn(zm), gammasgn(z))
    return _m.multiply(sign, _m.exp(_m.subtract(_gammaln(zm), _gammaln(z))))


def factorial(n, exact=False):
    """gamma(n + 1), 0 for n < 0 (``exact=True`` is not supported, as in JAX)."""
    if exact:
        raise NotImplementedError("factorial with exact=True")
    (n,) = _args("factorial", n)
    out = _m.exp(_gammaln(_m.add(n, 1)))
    return _m.where(_m.less(n, 0), 0, out).astype(n.dtype)


def _safe(cond, x, fill):
    return _m.where(cond, x, fill).astype(x.dtype)


def rel_entr(x, y):
    """x log(x / y) for x, y > 0; 0 for x == 0 <= y; inf otherwise, NaN included (JAX's
    values and, through x log x and xlogy, JAX's derivatives)."""
    from .special import _xlogx, _xlogy
    x, y = _args("rel_entr", x, y)
    both = _m.logical_and(_m.greater(x, 0), _m.greater(y, 0))
    safe_x, safe_y = _safe(both, x, 1), _safe(both, y, 1)
    val = _m.subtract(_xlogx(safe_x), _xlogy(safe_x, safe_y))
    zero = _m.logical_and(_m.equal(x, 0), _m.greater_equal(y, 0))
    return _m.where(both, val, _m.where(zero, 0, np.inf)).astype(x.dtype)


def kl_div(x, y):
    """rel_entr(x, y) - x + y (inf where x or y is negative or NaN, as JAX)."""
    x, y = _args("kl_div", x, y)
    return _m.add(_m.subtract(rel_entr(x, y), x), y)


def _bessel(name, nu, scaled):
    def fn(x):
        (x,) = _args(name, x)
        return _bessel_i(nu, x, scaled)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"``scipy.special.{name}``: modified Bessel function of the first kind, "
                  f"order {nu}{', times ``exp(-abs(x))``' if scaled else ''}.")
    return fn


def _i0e_rule(g, y, x):
    """JAX's rule for i0e, i1e(x) - sign(x) i0e(x): 0 at the kink x = 0 (composed: -1)."""
    return _m.multiply(g, _m.subtract(i1e(x), _m.multiply(_m.sign(x), y)))


i0 = _bessel("i0", 0, False)
i0e = with_jvps(_i0e_rule)(_bessel("i0e", 0, True))
i1 = _bessel("i1", 1, False)
i1e = _bessel("i1e", 1, True)


def boxcox(x, lmbda):
    """Box-Cox transform: (x**lmbda - 1) / lmbda, log(x) at lmbda == 0."""
    x, lmbda = _args("boxcox", x, lmbda)
    return _boxcox_of_log(_m.log(x), lmbda)


def boxcox1p(x, lmbda):
    """Box-Cox transform of 1 + x."""
    x, lmbda = _args("boxcox1p", x, lmbda)
    return _boxcox_of_log(_m.log1p(x), lmbda)


def _boxcox_of_log(logx, lmbda):
    zero = _m.equal(lmbda, 0)
    safe = _safe(_m.logical_not(zero), lmbda, 1)
    out = _m.where(zero, logx, _m.divide(_m.expm1(_m.multiply(safe, logx)), safe))
    return out.astype(logx.dtype)
