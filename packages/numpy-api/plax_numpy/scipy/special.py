"""``plax.scipy.special``: special functions over lax primitives."""

from __future__ import annotations

import numpy as np

from plax_core import lax, ops
from plax_core.core import get_aval

from .._custom_jvp import with_jvps
from .._math import _inexact_unary
from .special_extra import *  # noqa: F401,F403
from .special_extra import __all__ as _extra_all
from .special_hyp import *  # noqa: F401,F403
from .special_hyp import __all__ as _hyp_all
from .special_incomplete import *  # noqa: F401,F403
from .special_incomplete import __all__ as _incomplete_all
from .special_more import *  # noqa: F401,F403
from .special_more import __all__ as _more_all

__all__ = ["logsumexp", "expit", "logit", "erf", "erfc", "erfinv", "gammaln", "digamma",
           "xlogy", "xlog1py", "ndtr", "ndtri", "log_ndtr", "softmax", "log_softmax",
           "entr", "gamma", *_extra_all, *_incomplete_all, *_more_all,
           *_hyp_all]


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
    from ..nn import softmax as _softmax
    return _softmax(x, axis=axis)


def log_softmax(x, axis=None):
    from ..nn import log_softmax as _log_softmax
    return _log_softmax(x, axis=axis)
