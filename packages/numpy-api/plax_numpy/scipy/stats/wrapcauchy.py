"""``plax.scipy.stats.wrapcauchy``: the wrapped Cauchy distribution on [0, 2 pi]."""

import numpy as np

import plax_numpy as jnp

from ._util import args

__all__ = ["logpdf", "pdf"]


def logpdf(x, c):
    x, c = args("wrapcauchy.logpdf", x, c)
    out = jnp.log1p(-c * c) - np.log(2 * np.pi) - jnp.log1p(c * c - 2.0 * c * jnp.cos(x))
    out = jnp.where((x < 0) | (x > 2 * np.pi), -np.inf, out)
    return jnp.where((c > 0) & (c < 1), out, np.nan)


def pdf(x, c):
    return jnp.exp(logpdf(x, c))
