"""``plax.scipy.stats.t``: Student's t distribution."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from ._util import standardize

__all__ = ["logpdf", "pdf"]


def logpdf(x, df, loc=0, scale=1):
    """The log of the probability density function of the ``t`` distribution, as
    ``scipy.stats.t.logpdf``.
    """
    z, (df,), log_scale = standardize("t.logpdf", x, loc, scale, df)
    half = 0.5 * (df + 1.0)
    norm = lax.lgamma(half) - lax.lgamma(0.5 * df) - 0.5 * jnp.log(df * np.pi) - log_scale
    return norm - half * jnp.log1p(z * z / df)


def pdf(x, df, loc=0, scale=1):
    """The probability density function of the ``t`` distribution, as ``scipy.stats.t.pdf``."""
    return jnp.exp(logpdf(x, df, loc, scale))
