"""``plax.scipy.stats.pareto``: the Pareto distribution with shape ``b`` (support z >= 1)."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def logpdf(x, b, loc=0, scale=1):
    """The log of the probability density function of the ``pareto`` distribution, as
    ``scipy.stats.pareto.logpdf``.
    """
    z, (b,), log_scale = standardize("pareto.logpdf", x, loc, scale, b)
    z_s = jnp.where(z >= 1, z, 1.0)
    return jnp.where(z < 1, -np.inf, jnp.log(b) - (b + 1.0) * jnp.log(z_s) - log_scale)


def pdf(x, b, loc=0, scale=1):
    """The probability density function of the ``pareto`` distribution, as
    ``scipy.stats.pareto.pdf``.
    """
    return jnp.exp(logpdf(x, b, loc, scale))


def logsf(x, b, loc=0, scale=1):
    """The log of the survival function of the ``pareto`` distribution, as
    ``scipy.stats.pareto.logsf``.
    """
    z, (b,), _ = standardize("pareto.logsf", x, loc, scale, b)
    return jnp.where(z < 1, 0.0, -b * jnp.log(jnp.maximum(z, 1.0))).astype(z.dtype)


def sf(x, b, loc=0, scale=1):
    """The survival function ``1 - cdf`` of the ``pareto`` distribution, as
    ``scipy.stats.pareto.sf``.
    """
    return jnp.exp(logsf(x, b, loc, scale))


def logcdf(x, b, loc=0, scale=1):
    """The log of the cumulative distribution function of the ``pareto`` distribution, as
    ``scipy.stats.pareto.logcdf``.
    """
    return jnp.log1p(-sf(x, b, loc, scale))


def cdf(x, b, loc=0, scale=1):
    """The cumulative distribution function of the ``pareto`` distribution, as
    ``scipy.stats.pareto.cdf``.
    """
    return -jnp.expm1(logsf(x, b, loc, scale))


def ppf(q, b, loc=0, scale=1):
    """The quantile function (the inverse of ``cdf``) of the ``pareto`` distribution, as
    ``scipy.stats.pareto.ppf``.
    """
    q, b, loc, scale = args("pareto.ppf", q, b, loc, scale)
    out = scale * jnp.exp(-jnp.log1p(-q) / b) + loc
    return jnp.where((q < 0) | (q > 1), np.nan, out)
