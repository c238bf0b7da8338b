"""``plax.scipy.stats.expon``: the exponential distribution."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, loc=0, scale=1):
    """The log of the probability density function of the ``expon`` distribution, as
    ``scipy.stats.expon.logpdf``.
    """
    z, _, log_scale = standardize("expon.logpdf", x, loc, scale)
    return jnp.where(z < 0, -np.inf, -z - log_scale)


def pdf(x, loc=0, scale=1):
    """The probability density function of the ``expon`` distribution, as
    ``scipy.stats.expon.pdf``.
    """
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """The cumulative distribution function of the ``expon`` distribution, as
    ``scipy.stats.expon.cdf``.
    """
    z = standardize("expon.cdf", x, loc, scale)[0]
    return jnp.where(z < 0, 0.0, -jnp.expm1(-jnp.maximum(z, 0.0))).astype(z.dtype)


def logcdf(x, loc=0, scale=1):
    """The log of the cumulative distribution function of the ``expon`` distribution, as
    ``scipy.stats.expon.logcdf``.
    """
    return jnp.log(cdf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    """The log of the survival function of the ``expon`` distribution, as
    ``scipy.stats.expon.logsf``.
    """
    z = standardize("expon.logsf", x, loc, scale)[0]
    return jnp.where(z < 0, 0.0, -z).astype(z.dtype)


def sf(x, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``expon`` distribution, as
    ``scipy.stats.expon.sf``.
    """
    return jnp.exp(logsf(x, loc, scale))


def ppf(q, loc=0, scale=1):
    """The quantile function (the inverse of ``cdf``) of the ``expon`` distribution, as
    ``scipy.stats.expon.ppf``.
    """
    q, loc, scale = args("expon.ppf", q, loc, scale)
    return jnp.where((q < 0) | (q > 1), np.nan, -jnp.log1p(-q) * scale + loc)
