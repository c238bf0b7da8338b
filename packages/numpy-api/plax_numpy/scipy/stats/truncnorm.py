"""``plax.scipy.stats.truncnorm``: the normal distribution truncated to [a, b] (a and b in
standard units, as SciPy). Masses are computed in log space from the far tail, so that
intervals deep in a tail keep their precision."""

import numpy as np

import plax_numpy as jnp

from .. import special
from . import norm
from ._util import log_diff_exp, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _log_mass(a, b):
    """log(Phi(b) - Phi(a)) for a <= b, from whichever side is accurate."""
    left = log_diff_exp(special.log_ndtr(b), special.log_ndtr(a))
    right = log_diff_exp(special.log_ndtr(-a), special.log_ndtr(-b))
    central = jnp.log1p(-special.ndtr(a) - special.ndtr(-b))
    return jnp.where(b <= 0, left, jnp.where(a > 0, right, central))


def logpdf(x, a, b, loc=0, scale=1):
    """The log of the probability density function of the ``truncnorm`` distribution, as
    ``scipy.stats.truncnorm.logpdf``.
    """
    z, (a, b), log_scale = standardize("truncnorm.logpdf", x, loc, scale, a, b)
    out = norm.logpdf(z) - log_scale - _log_mass(a, b)
    return jnp.where((z < a) | (z > b), -np.inf, out)


def pdf(x, a, b, loc=0, scale=1):
    """The probability density function of the ``truncnorm`` distribution, as
    ``scipy.stats.truncnorm.pdf``.
    """
    return jnp.exp(logpdf(x, a, b, loc, scale))


def logcdf(x, a, b, loc=0, scale=1):
    """The log of the cumulative distribution function of the ``truncnorm`` distribution, as
    ``scipy.stats.truncnorm.logcdf``.
    """
    z, (a, b), _ = standardize("truncnorm.logcdf", x, loc, scale, a, b)
    return _log_mass(a, jnp.clip(z, a, b)) - _log_mass(a, b)


def cdf(x, a, b, loc=0, scale=1):
    """The cumulative distribution function of the ``truncnorm`` distribution, as
    ``scipy.stats.truncnorm.cdf``.
    """
    return jnp.exp(logcdf(x, a, b, loc, scale))


def logsf(x, a, b, loc=0, scale=1):
    """The log of the survival function of the ``truncnorm`` distribution, as
    ``scipy.stats.truncnorm.logsf``.
    """
    z, (a, b), _ = standardize("truncnorm.logsf", x, loc, scale, a, b)
    return _log_mass(jnp.clip(z, a, b), b) - _log_mass(a, b)


def sf(x, a, b, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``truncnorm`` distribution, as
    ``scipy.stats.truncnorm.sf``.
    """
    return jnp.exp(logsf(x, a, b, loc, scale))
