"""``plax.scipy.stats.gennorm``: the generalized normal distribution with shape ``beta``."""

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .. import special
from ._util import args

__all__ = ["logpdf", "pdf", "cdf"]


def logpdf(x, beta):
    """The log of the probability density function of the ``gennorm`` distribution, as
    ``scipy.stats.gennorm.logpdf``.
    """
    x, beta = args("gennorm.logpdf", x, beta)
    return jnp.log(beta) - np.log(2.0) - lax.lgamma(1.0 / beta) - jnp.abs(x) ** beta


def pdf(x, beta):
    """The probability density function of the ``gennorm`` distribution, as
    ``scipy.stats.gennorm.pdf``.
    """
    return jnp.exp(logpdf(x, beta))


def cdf(x, beta):
    """The cumulative distribution function of the ``gennorm`` distribution, as
    ``scipy.stats.gennorm.cdf``.
    """
    x, beta = args("gennorm.cdf", x, beta)
    return 0.5 * (1.0 + jnp.sign(x) * special.gammainc(1.0 / beta, jnp.abs(x) ** beta))
