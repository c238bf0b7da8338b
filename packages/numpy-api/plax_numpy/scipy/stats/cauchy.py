"""``plax.scipy.stats.cauchy``: the Cauchy distribution."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]


def logpdf(x, loc=0, scale=1):
    z, _, log_scale = standardize("cauchy.logpdf", x, loc, scale)
    return -np.log(np.pi) - log_scale - jnp.log1p(z * z)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    return 0.5 + jnp.arctan(standardize("cauchy.cdf", x, loc, scale)[0]) / np.pi


def logcdf(x, loc=0, scale=1):
    return jnp.log(cdf(x, loc, scale))


def sf(x, loc=0, scale=1):
    return 0.5 - jnp.arctan(standardize("cauchy.sf", x, loc, scale)[0]) / np.pi


def logsf(x, loc=0, scale=1):
    return jnp.log(sf(x, loc, scale))


def ppf(q, loc=0, scale=1):
    q, loc, scale = args("cauchy.ppf", q, loc, scale)
    return _quantile(q, loc, scale, jnp.tan(np.pi * (q - 0.5)), 1.0)


def isf(q, loc=0, scale=1):
    q, loc, scale = args("cauchy.isf", q, loc, scale)
    return _quantile(q, loc, scale, jnp.tan(np.pi * (0.5 - q)), -1.0)


def _quantile(q, loc, scale, t, side):
    """loc + scale * t, exactly -+inf at q = 0 and 1 (tan(+-pi/2) is only large)."""
    t = jnp.where(q == 0, -side * np.inf, jnp.where(q == 1, side * np.inf, t))
    return jnp.where((q < 0) | (q > 1), np.nan, loc + scale * t)
