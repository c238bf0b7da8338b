"""``plax.scipy.stats.poisson``: the Poisson distribution."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .. import special
from ._util import args

__all__ = ["logpmf", "pmf", "cdf", "entropy"]


def logpmf(k, mu, loc=0):
    """The log of the probability mass function of the ``poisson`` distribution, as
    ``scipy.stats.poisson.logpmf``.
    """
    k, mu, loc = args("poisson.logpmf", k, mu, loc)
    y = k - loc
    ok = (y >= 0) & (y == jnp.floor(y))
    y_s = jnp.where(ok, y, 0.0)
    out = special.xlogy(y_s, mu) - lax.lgamma(y_s + 1.0) - mu
    return jnp.where(ok, out, -np.inf)


def pmf(k, mu, loc=0):
    """The probability mass function of the ``poisson`` distribution, as
    ``scipy.stats.poisson.pmf``.
    """
    return jnp.exp(logpmf(k, mu, loc))


def cdf(k, mu, loc=0):
    """The cumulative distribution function of the ``poisson`` distribution, as
    ``scipy.stats.poisson.cdf``.
    """
    k, mu, loc = args("poisson.cdf", k, mu, loc)
    y = jnp.floor(k - loc)
    out = special.gammaincc(jnp.maximum(y, 0.0) + 1.0, mu)
    return jnp.where(y < 0, 0.0, out).astype(out.dtype)


# Above this mean, Stirling's series for the entropy is exact to float64 rounding.
_ASYMPTOTIC_MU = 100.0
_SUPPORT = 240  # terms summed below it: mu + 10 sqrt(mu) + 20 < 240 for mu < 100


def entropy(mu, loc=0):
    """-sum_k p(k) log p(k): summed over k < 240 for mu < 100, Stirling's series above."""
    mu, _ = args("poisson.entropy", mu, loc)
    mu_small = jnp.where(mu < _ASYMPTOTIC_MU, mu, 1.0)[..., None]
    k = jnp.arange(_SUPPORT, dtype=mu.dtype)
    logp = special.xlogy(k, mu_small) - lax.lgamma(k + 1.0) - mu_small
    direct = -jnp.sum(jnp.exp(logp) * logp, axis=-1)
    inv = 1.0 / mu
    stirling = 0.5 * jnp.log(2 * np.pi * np.e * mu) - inv / 12 - inv ** 2 / 24 \
        - 19 * inv ** 3 / 360
    out = jnp.where(mu < _ASYMPTOTIC_MU, direct, stirling)
    return jnp.where(mu > 0, out, np.nan).astype(mu.dtype)
