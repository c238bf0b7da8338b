"""``plax.scipy.stats.gamma``: the gamma distribution with shape ``a``."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .. import special
from ._util import standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def logpdf(x, a, loc=0, scale=1):
    """The log of the probability density function of the ``gamma`` distribution, as
    ``scipy.stats.gamma.logpdf``.
    """
    y, (a,), log_scale = standardize("gamma.logpdf", x, loc, scale, a)
    y_s = jnp.where(y >= 0, y, 1.0)
    out = special.xlogy(a - 1.0, y_s) - y_s - lax.lgamma(a) - log_scale
    return jnp.where(y < 0, -np.inf, out)


def pdf(x, a, loc=0, scale=1):
    """The probability density function of the ``gamma`` distribution, as
    ``scipy.stats.gamma.pdf``.
    """
    return jnp.exp(logpdf(x, a, loc, scale))


def cdf(x, a, loc=0, scale=1):
    """The cumulative distribution function of the ``gamma`` distribution, as
    ``scipy.stats.gamma.cdf``.
    """
    y, (a,), _ = standardize("gamma.cdf", x, loc, scale, a)
    return special.gammainc(a, jnp.maximum(y, 0.0))


def logcdf(x, a, loc=0, scale=1):
    """The log of the cumulative distribution function of the ``gamma`` distribution, as
    ``scipy.stats.gamma.logcdf``.
    """
    return jnp.log(cdf(x, a, loc, scale))


def sf(x, a, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``gamma`` distribution, as
    ``scipy.stats.gamma.sf``.
    """
    y, (a,), _ = standardize("gamma.sf", x, loc, scale, a)
    return special.gammaincc(a, jnp.maximum(y, 0.0))


def logsf(x, a, loc=0, scale=1):
    """The log of the survival function of the ``gamma`` distribution, as
    ``scipy.stats.gamma.logsf``.
    """
    return jnp.log(sf(x, a, loc, scale))
