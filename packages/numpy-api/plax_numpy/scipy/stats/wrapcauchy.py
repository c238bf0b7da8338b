"""``plax.scipy.stats.wrapcauchy``: the wrapped Cauchy distribution on [0, 2 pi]."""

import numpy as np

import plax_numpy as jnp

from ._util import args

__all__ = ["logpdf", "pdf"]


def logpdf(x, c):
    """The log of the probability density function of the ``wrapcauchy`` distribution, as
    ``scipy.stats.wrapcauchy.logpdf``.
    """
    x, c = args("wrapcauchy.logpdf", x, c)
    out = jnp.log1p(-c * c) - np.log(2 * np.pi) - jnp.log1p(c * c - 2.0 * c * jnp.cos(x))
    out = jnp.where((x < 0) | (x > 2 * np.pi), -np.inf, out)
    return jnp.where((c > 0) & (c < 1), out, np.nan)


def pdf(x, c):
    """The probability density function of the ``wrapcauchy`` distribution, as
    ``scipy.stats.wrapcauchy.pdf``.
    """
    return jnp.exp(logpdf(x, c))
