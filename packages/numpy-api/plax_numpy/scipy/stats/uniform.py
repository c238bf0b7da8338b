"""``plax.scipy.stats.uniform``: the uniform distribution on [loc, loc + scale]."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "ppf"]


def logpdf(x, loc=0, scale=1):
    """The log of the probability density function of the ``uniform`` distribution, as
    ``scipy.stats.uniform.logpdf``.
    """
    z, _, log_scale = standardize("uniform.logpdf", x, loc, scale)
    return jnp.where((z < 0) | (z > 1), -np.inf, -log_scale)


def pdf(x, loc=0, scale=1):
    """The probability density function of the ``uniform`` distribution, as
    ``scipy.stats.uniform.pdf``.
    """
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    """The cumulative distribution function of the ``uniform`` distribution, as
    ``scipy.stats.uniform.cdf``.
    """
    return jnp.clip(standardize("uniform.cdf", x, loc, scale)[0], 0.0, 1.0)


def ppf(q, loc=0, scale=1):
    """The quantile function (the inverse of ``cdf``) of the ``uniform`` distribution, as
    ``scipy.stats.uniform.ppf``.
    """
    q, loc, scale = args("uniform.ppf", q, loc, scale)
    return jnp.where((q < 0) | (q > 1), np.nan, loc + q * scale)
