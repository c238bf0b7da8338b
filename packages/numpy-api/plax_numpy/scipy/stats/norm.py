"""``plax.scipy.stats.norm``: the normal distribution."""

import numpy as np

import plax_numpy as jnp

from .. import special
from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]

_HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


def logpdf(x, loc=0, scale=1):
    """The log of the probability density function of the ``norm`` distribution, as
    ``scipy.stats.norm.logpdf``.
    """
    z, _, log_scale = standardize("norm.logpdf", x, loc, scale)
    return -0.5 * z * z - _HALF_LOG_2PI - log_scale


def pdf(x, loc=0, scale=1):
    """The probability density function of the ``norm`` distribution, as
    ``scipy.stats.norm.pdf``.
    """
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """The cumulative distribution function of the ``norm`` distribution, as
    ``scipy.stats.norm.cdf``.
    """
    return special.ndtr(standardize("norm.cdf", x, loc, scale)[0])


def logcdf(x, loc=0, scale=1):
    """The log of the cumulative distribution function of the ``norm`` distribution, as
    ``scipy.stats.norm.logcdf``.
    """
    return special.log_ndtr(standardize("norm.logcdf", x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``norm`` distribution, as
    ``scipy.stats.norm.sf``.
    """
    return special.ndtr(-standardize("norm.sf", x, loc, scale)[0])


def logsf(x, loc=0, scale=1):
    """The log of the survival function of the ``norm`` distribution, as
    ``scipy.stats.norm.logsf``.
    """
    return special.log_ndtr(-standardize("norm.logsf", x, loc, scale)[0])


def ppf(q, loc=0, scale=1):
    """The quantile function (the inverse of ``cdf``) of the ``norm`` distribution, as
    ``scipy.stats.norm.ppf``.
    """
    q, loc, scale = args("norm.ppf", q, loc, scale)
    return special.ndtri(q) * scale + loc


def isf(q, loc=0, scale=1):
    """The inverse of the survival function of the ``norm`` distribution, as
    ``scipy.stats.norm.isf``.
    """
    q, loc, scale = args("norm.isf", q, loc, scale)
    return loc - special.ndtri(q) * scale
