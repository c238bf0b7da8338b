"""``plax.scipy.stats.nbinom``: the negative binomial distribution (failures before the
n-th success)."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .. import special
from ._util import args

__all__ = ["logpmf", "pmf"]


def logpmf(k, n, p, loc=0):
    """The log of the probability mass function of the ``nbinom`` distribution, as
    ``scipy.stats.nbinom.logpmf``.
    """
    k, n, p, loc = args("nbinom.logpmf", k, n, p, loc)
    y = k - loc
    ok = y >= 0
    y_s = jnp.where(ok, y, 0.0)
    out = (lax.lgamma(y_s + n) - lax.lgamma(n) - lax.lgamma(y_s + 1.0)
           + special.xlogy(n, p) + special.xlog1py(y_s, -p))
    return jnp.where(ok, out, -np.inf)


def pmf(k, n, p, loc=0):
    """The probability mass function of the ``nbinom`` distribution, as
    ``scipy.stats.nbinom.pmf``.
    """
    return jnp.exp(logpmf(k, n, p, loc))
