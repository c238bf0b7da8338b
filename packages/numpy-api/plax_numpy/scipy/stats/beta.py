"""``plax.scipy.stats.beta``: the beta distribution on [loc, loc + scale]."""

import numpy as np

import plax_numpy as jnp

from .. import special
from ._util import standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def logpdf(x, a, b, loc=0, scale=1):
    """The log of the probability density function of the ``beta`` distribution, as
    ``scipy.stats.beta.logpdf``.
    """
    y, (a, b), log_scale = standardize("beta.logpdf", x, loc, scale, a, b)
    inside = (y >= 0) & (y <= 1)
    y_s = jnp.where(inside, y, 0.5)
    out = special.xlogy(a - 1.0, y_s) + special.xlog1py(b - 1.0, -y_s) \
        - special.betaln(a, b) - log_scale
    return jnp.where(inside, out, -np.inf)


def pdf(x, a, b, loc=0, scale=1):
    """The probability density function of the ``beta`` distribution, as
    ``scipy.stats.beta.pdf``.
    """
    return jnp.exp(logpdf(x, a, b, loc, scale))


def cdf(x, a, b, loc=0, scale=1):
    """The cumulative distribution function of the ``beta`` distribution, as
    ``scipy.stats.beta.cdf``.
    """
    y, (a, b), _ = standardize("beta.cdf", x, loc, scale, a, b)
    return special.betainc(a, b, jnp.clip(y, 0.0, 1.0))


def logcdf(x, a, b, loc=0, scale=1):
    """The log of the cumulative distribution function of the ``beta`` distribution, as
    ``scipy.stats.beta.logcdf``.
    """
    return jnp.log(cdf(x, a, b, loc, scale))


def sf(x, a, b, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``beta`` distribution, as
    ``scipy.stats.beta.sf``.
    """
    y, (a, b), _ = standardize("beta.sf", x, loc, scale, a, b)
    return special.betainc(b, a, 1.0 - jnp.clip(y, 0.0, 1.0))


def logsf(x, a, b, loc=0, scale=1):
    """The log of the survival function of the ``beta`` distribution, as
    ``scipy.stats.beta.logsf``.
    """
    return jnp.log(sf(x, a, b, loc, scale))
