"""The two Gumbel distributions as one table: ``gumbel_l`` is ``gumbel_r`` mirrored."""

import plax_numpy as jnp

from ._util import args, standardize

_METHODS = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]


def _log_one_minus_exp_neg(t):
    """log(1 - exp(-t)) for t >= 0."""
    return jnp.log(-jnp.expm1(-t))


def methods(name, side):
    """The methods of ``name``: side = 1 for the right-skewed (max) law, -1 for the left."""
    def z_of(method, x, loc, scale):
        z, _, log_scale = standardize(f"{name}.{method}", x, loc, scale)
        return side * z, log_scale

    def logpdf(x, loc=0, scale=1):
        z, log_scale = z_of("logpdf", x, loc, scale)
        return -z - jnp.exp(-z) - log_scale

    def low_tail(x, loc, scale, method):   # log P(side * X <= side * x)
        return -jnp.exp(-z_of(method, x, loc, scale)[0])

    def high_tail(x, loc, scale, method):  # log P(side * X > side * x)
        return _log_one_minus_exp_neg(jnp.exp(-z_of(method, x, loc, scale)[0]))

    def logcdf(x, loc=0, scale=1):
        return (low_tail if side > 0 else high_tail)(x, loc, scale, "logcdf")

    def logsf(x, loc=0, scale=1):
        return (high_tail if side > 0 else low_tail)(x, loc, scale, "logsf")

    def ppf(p, loc=0, scale=1):
        p, loc, scale = args(f"{name}.ppf", p, loc, scale)
        t = -jnp.log(-jnp.log(p)) if side > 0 else jnp.log(-jnp.log1p(-p))
        return loc + scale * t

    fns = {"logpdf": logpdf, "logcdf": logcdf, "logsf": logsf, "ppf": ppf,
           "pdf": lambda x, loc=0, scale=1: jnp.exp(logpdf(x, loc, scale)),
           "cdf": lambda x, loc=0, scale=1: jnp.exp(logcdf(x, loc, scale)),
           "sf": lambda x, loc=0, scale=1: jnp.exp(logsf(x, loc, scale))}
    for method, fn in fns.items():
        fn.__name__ = method
        fn.__qualname__ = f"{name}.{method}"
        fn.__doc__ = f"``scipy.stats.{name}.{method}``."
    return fns
