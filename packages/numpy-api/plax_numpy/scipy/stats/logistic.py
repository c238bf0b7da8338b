"""``plax.scipy.stats.logistic``: the logistic distribution."""

import plax_numpy as jnp

from .. import special
from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "sf", "ppf", "isf"]


def logpdf(x, loc=0, scale=1):
    """The log of the probability density function of the ``logistic`` distribution, as
    ``scipy.stats.logistic.logpdf``.
    """
    z, _, log_scale = standardize("logistic.logpdf", x, loc, scale)
    a = jnp.abs(z)  # symmetric: -|z| - 2 log1p(exp(-|z|)) never overflows
    return -a - 2.0 * jnp.log1p(jnp.exp(-a)) - log_scale


def pdf(x, loc=0, scale=1):
    """The probability density function of the ``logistic`` distribution, as
    ``scipy.stats.logistic.pdf``.
    """
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """The cumulative distribution function of the ``logistic`` distribution, as
    ``scipy.stats.logistic.cdf``.
    """
    return special.expit(standardize("logistic.cdf", x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``logistic`` distribution, as
    ``scipy.stats.logistic.sf``.
    """
    return special.expit(-standardize("logistic.sf", x, loc, scale)[0])


def ppf(x, loc=0, scale=1):
    """The quantile function (the inverse of ``cdf``) of the ``logistic`` distribution, as
    ``scipy.stats.logistic.ppf``.
    """
    q, loc, scale = args("logistic.ppf", x, loc, scale)
    return special.logit(q) * scale + loc


def isf(x, loc=0, scale=1):
    """The inverse of the survival function of the ``logistic`` distribution, as
    ``scipy.stats.logistic.isf``.
    """
    q, loc, scale = args("logistic.isf", x, loc, scale)
    return loc - special.logit(q) * scale
