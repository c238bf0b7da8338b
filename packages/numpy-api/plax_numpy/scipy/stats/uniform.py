"""``plax.scipy.stats.uniform``: the uniform distribution on [loc, loc + scale]."""

import numpy as np

import plax_numpy as jnp

from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "ppf"]


def logpdf(x, loc=0, scale=1):
    z, _, log_scale = standardize("uniform.logpdf", x, loc, scale)
    return jnp.where((z < 0) | (z > 1), -np.inf, -log_scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    return jnp.clip(standardize("uniform.cdf", x, loc, scale)[0], 0.0, 1.0)


def ppf(q, loc=0, scale=1):
    q, loc, scale = args("uniform.ppf", q, loc, scale)
    return jnp.where((q < 0) | (q > 1), np.nan, loc + q * scale)
