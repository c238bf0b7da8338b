"""``plax.scipy.stats.geom``: the geometric distribution (trials up to the first success)."""

import numpy as np

import plax_numpy as jnp

from .. import special
from ._util import args

__all__ = ["logpmf", "pmf"]


def logpmf(k, p, loc=0):
    """The log of the probability mass function of the ``geom`` distribution, as
    ``scipy.stats.geom.logpmf``.
    """
    k, p, loc = args("geom.logpmf", k, p, loc)
    y = k - loc
    out = special.xlog1py(y - 1.0, -p) + jnp.log(p)
    return jnp.where(y < 1, -np.inf, out)


def pmf(k, p, loc=0):
    """The probability mass function of the ``geom`` distribution, as ``scipy.stats.geom.pmf``."""
    return jnp.exp(logpmf(k, p, loc))
