"""``plax.scipy.stats.cauchy``: the Cauchy distribution."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]


def logpdf(x, loc=0, scale=1):
    """The log of the probability density function of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.logpdf``.
    """
    z, _, log_scale = standardize("cauchy.logpdf", x, loc, scale)
    return -np.log(np.pi) - log_scale - jnp.log1p(z * z)


def pdf(x, loc=0, scale=1):
    """The probability density function of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.pdf``.
    """
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """The cumulative distribution function of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.cdf``.
    """
    return 0.5 + jnp.arctan(standardize("cauchy.cdf", x, loc, scale)[0]) / np.pi


def logcdf(x, loc=0, scale=1):
    """The log of the cumulative distribution function of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.logcdf``.
    """
    return jnp.log(cdf(x, loc, scale))


def sf(x, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.sf``.
    """
    return 0.5 - jnp.arctan(standardize("cauchy.sf", x, loc, scale)[0]) / np.pi


def logsf(x, loc=0, scale=1):
    """The log of the survival function of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.logsf``.
    """
    return jnp.log(sf(x, loc, scale))


def ppf(q, loc=0, scale=1):
    """The quantile function (the inverse of ``cdf``) of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.ppf``.
    """
    q, loc, scale = args("cauchy.ppf", q, loc, scale)
    return _quantile(q, loc, scale, jnp.tan(np.pi * (q - 0.5)), 1.0)


def isf(q, loc=0, scale=1):
    """The inverse of the survival function of the ``cauchy`` distribution, as
    ``scipy.stats.cauchy.isf``.
    """
    q, loc, scale = args("cauchy.isf", q, loc, scale)
    return _quantile(q, loc, scale, jnp.tan(np.pi * (0.5 - q)), -1.0)


def _quantile(q, loc, scale, t, side):
    """loc + scale * t, exactly -+inf at q = 0 and 1 (tan(+-pi/2) is only large)."""
    t = jnp.where(q == 0, -side * np.inf, jnp.where(q == 1, side * np.inf, t))
    return jnp.where((q < 0) | (q > 1), np.nan, loc + scale * t)
