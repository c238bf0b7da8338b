"""``plax.scipy.stats.expon``: the exponential distribution."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, loc=0, scale=1):
    z, _, log_scale = standardize("expon.logpdf", x, loc, scale)
    return jnp.where(z < 0, -np.inf, -z - log_scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    z = standardize("expon.cdf", x, loc, scale)[0]
    return jnp.where(z < 0, 0.0, -jnp.expm1(-jnp.maximum(z, 0.0))).astype(z.dtype)


def logcdf(x, loc=0, scale=1):
    return jnp.log(cdf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    z = standardize("expon.logsf", x, loc, scale)[0]
    return jnp.where(z < 0, 0.0, -z).astype(z.dtype)


def sf(x, loc=0, scale=1):
    return jnp.exp(logsf(x, loc, scale))


def ppf(q, loc=0, scale=1):
    q, loc, scale = args("expon.ppf", q, loc, scale)
    return jnp.where((q < 0) | (q > 1), np.nan, -jnp.log1p(-q) * scale + loc)
