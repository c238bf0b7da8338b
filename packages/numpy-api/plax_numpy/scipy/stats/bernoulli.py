"""``plax.scipy.stats.bernoulli``: the Bernoulli distribution on {0, 1}."""

import numpy as np

import plax_numpy as jnp

from .. import special
from ._util import args

__all__ = ["logpmf", "pmf", "cdf", "ppf"]


def logpmf(k, p, loc=0):
    """The log of the probability mass function of the ``bernoulli`` distribution, as
    ``scipy.stats.bernoulli.logpmf``.
    """
    k, p, loc = args("bernoulli.logpmf", k, p, loc)
    y = k - loc
    out = special.xlogy(y, p) + special.xlog1py(1.0 - y, -p)
    return jnp.where((y == 0) | (y == 1), out, -np.inf)


def pmf(k, p, loc=0):
    """The probability mass function of the ``bernoulli`` distribution, as
    ``scipy.stats.bernoulli.pmf``.
    """
    return jnp.exp(logpmf(k, p, loc))


def cdf(k, p):
    """The cumulative distribution function of the ``bernoulli`` distribution, as
    ``scipy.stats.bernoulli.cdf``.
    """
    k, p = args("bernoulli.cdf", k, p)
    out = jnp.where(k < 0, 0.0, jnp.where(k < 1, 1.0 - p, 1.0))
    return jnp.where((p < 0) | (p > 1) | jnp.isnan(k), np.nan, out).astype(k.dtype)


def ppf(q, p):
    """The quantile function (the inverse of ``cdf``) of the ``bernoulli`` distribution, as
    ``scipy.stats.bernoulli.ppf``.
    """
    q, p = args("bernoulli.ppf", q, p)
    out = jnp.where(q > 1.0 - p, 1.0, 0.0)
    return jnp.where((q < 0) | (q > 1) | (p < 0) | (p > 1), np.nan, out).astype(q.dtype)
