"""``plax.scipy.stats.logistic``: the logistic distribution."""

import plax_numpy as jnp

from .. import special
from ._util import args, standardize

__all__ = ["logpdf", "pdf", "cdf", "sf", "ppf", "isf"]


def logpdf(x, loc=0, scale=1):
    z, _, log_scale = standardize("logistic.logpdf", x, loc, scale)
    a = jnp.abs(z)  # symmetric: -|z| - 2 log1p(exp(-|z|)) never overflows
    return -a - 2.0 * jnp.log1p(jnp.exp(-a)) - log_scale


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    return special.expit(standardize("logistic.cdf", x, loc, scale)[0])


def sf(x, loc=0, scale=1):
    return special.expit(-standardize("logistic.sf", x, loc, scale)[0])


def ppf(x, loc=0, scale=1):
    q, loc, scale = args("logistic.ppf", x, loc, scale)
    return special.logit(q) * scale + loc


def isf(x, loc=0, scale=1):
    q, loc, scale = args("logistic.isf", x, loc, scale)
    return loc - special.logit(q) * scale
