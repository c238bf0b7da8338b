"""``plax.scipy.stats.multinomial``: the multinomial distribution (categories on the last
axis)."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .. import special
from ._util import dtypes_only

__all__ = ["logpmf", "pmf"]


def logpmf(x, n, p):
    """The log of the probability mass function of the ``multinomial`` distribution, as
    ``scipy.stats.multinomial.logpmf``.
    """
    x, n, p = dtypes_only("multinomial.logpmf", x, n, p)
    terms = special.xlogy(x, p) - lax.lgamma(x + 1.0)
    out = lax.lgamma(n + 1.0) + jnp.sum(terms, axis=-1)
    return jnp.where(jnp.sum(x, axis=-1) == n, out, -np.inf)


def pmf(x, n, p):
    """The probability mass function of the ``multinomial`` distribution, as
    ``scipy.stats.multinomial.pmf``.
    """
    return jnp.exp(logpmf(x, n, p))
