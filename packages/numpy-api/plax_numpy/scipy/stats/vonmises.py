"""``plax.scipy.stats.vonmises``: the von Mises distribution on the circle."""

import numpy as np

import plax_numpy as jnp

from .. import special
from ._util import args

__all__ = ["logpdf", "pdf"]


def logpdf(x, kappa):
    """The log of the probability density function of the ``vonmises`` distribution, as
    ``scipy.stats.vonmises.logpdf``.
    """
    x, kappa = args("vonmises.logpdf", x, kappa)
    # kappa (cos x - 1) - log(2 pi I0e(kappa)) = kappa cos x - log(2 pi I0(kappa)), no overflow
    out = kappa * (jnp.cos(x) - 1.0) - jnp.log(2 * np.pi * special.i0e(kappa))
    return jnp.where(kappa > 0, out, np.nan)


def pdf(x, kappa):
    """The probability density function of the ``vonmises`` distribution, as
    ``scipy.stats.vonmises.pdf``.
    """
    return jnp.exp(logpdf(x, kappa))
