"""``plax.scipy.stats.laplace``: the Laplace (double exponential) distribution."""

import numpy as np

import plax_numpy as jnp

from ._util import standardize

__all__ = ["logpdf", "pdf", "cdf"]


def logpdf(x, loc=0, scale=1):
    """The log of the probability density function of the ``laplace`` distribution, as
    ``scipy.stats.laplace.logpdf``.
    """
    z, _, log_scale = standardize("laplace.logpdf", x, loc, scale)
    return -jnp.abs(z) - np.log(2.0) - log_scale


def pdf(x, loc=0, scale=1):
    """The probability density function of the ``laplace`` distribution, as
    ``scipy.stats.laplace.pdf``.
    """
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """The cumulative distribution function of the ``laplace`` distribution, as
    ``scipy.stats.laplace.cdf``.
    """
    z = standardize("laplace.cdf", x, loc, scale)[0]
    half = 0.5 * jnp.exp(-jnp.abs(z))
    return jnp.where(z < 0, half, 1.0 - half).astype(z.dtype)
