"""``plax.scipy.stats.binom``: the binomial distribution."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .. import special
from ._util import args

__all__ = ["logpmf", "pmf"]


def log_comb(n, k):
    """log(n choose k) through lgamma."""
    return lax.lgamma(n + 1.0) - lax.lgamma(k + 1.0) - lax.lgamma(n - k + 1.0)


def logpmf(k, n, p, loc=0):
    """The log of the probability mass function of the ``binom`` distribution, as
    ``scipy.stats.binom.logpmf``.
    """
    k, n, p, loc = args("binom.logpmf", k, n, p, loc)
    y = k - loc
    ok = (y >= 0) & (y <= n)
    y_s = jnp.where(ok, y, 0.0)
    out = log_comb(n, y_s) + special.xlogy(y_s, p) + special.xlog1py(n - y_s, -p)
    return jnp.where(ok, out, -np.inf)


def pmf(k, n, p, loc=0):
    """The probability mass function of the ``binom`` distribution, as
    ``scipy.stats.binom.pmf``.
    """
    return jnp.exp(logpmf(k, n, p, loc))
