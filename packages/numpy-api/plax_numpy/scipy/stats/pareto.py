"""``plax.scipy.stats.pareto``: the Pareto distribution with shape ``b`` (support z >= 1)."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, b, loc=0, scale=1):
    z, (b,), log_scale = standardize("pareto.logpdf", x, loc, scale, b)
    z_s = jnp.where(z >= 1, z, 1.0)
    return jnp.where(z < 1, -np.inf, jnp.log(b) - (b + 1.0) * jnp.log(z_s) - log_scale)


def pdf(x, b, loc=0, scale=1):
    return jnp.exp(logpdf(x, b, loc, scale))


def logsf(x, b, loc=0, scale=1):
    z, (b,), _ = standardize("pareto.logsf", x, loc, scale, b)
    return jnp.where(z < 1, 0.0, -b * jnp.log(jnp.maximum(z, 1.0))).astype(z.dtype)


def sf(x, b, loc=0, scale=1):
    return jnp.exp(logsf(x, b, loc, scale))


def logcdf(x, b, loc=0, scale=1):
    return jnp.log1p(-sf(x, b, loc, scale))


def cdf(x, b, loc=0, scale=1):
    return -jnp.expm1(logsf(x, b, loc, scale))


def ppf(q, b, loc=0, scale=1):
    q, b, loc, scale = args("pareto.ppf", q, b, loc, scale)
    out = scale * jnp.exp(-jnp.log1p(-q) / b) + loc
    return jnp.where((q < 0) | (q > 1), np.nan, out)
