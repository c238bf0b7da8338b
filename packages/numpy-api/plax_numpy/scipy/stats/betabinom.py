"""``plax.scipy.stats.betabinom``: the beta-binomial distribution."""

import numpy as np

import plax_numpy as jnp

from .. import special
from ._util import args
from .binom import log_comb

__all__ = ["logpmf", "pmf"]


def logpmf(k, n, a, b, loc=0):
    """The log of the probability mass function of the ``betabinom`` distribution, as
    ``scipy.stats.betabinom.logpmf``.
    """
    k, n, a, b, loc = args("betabinom.logpmf", k, n, a, b, loc)
    y = k - loc
    ok = (y >= 0) & (y <= n)
    y_s = jnp.where(ok, y, 0.0)
    out = log_comb(n, y_s) + special.betaln(y_s + a, n - y_s + b) - special.betaln(a, b)
    out = jnp.where(ok, out, -np.inf)
    return jnp.where((a > 0) & (b > 0), out, np.nan)


def pmf(k, n, a, b, loc=0):
    """The probability mass function of the ``betabinom`` distribution, as
    ``scipy.stats.betabinom.pmf``.
    """
    return jnp.exp(logpmf(k, n, a, b, loc))
