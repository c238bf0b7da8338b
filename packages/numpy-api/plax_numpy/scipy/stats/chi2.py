"""``plax.scipy.stats.chi2``: the chi-squared distribution (gamma with a = df / 2, scale 2)."""

from . import gamma
from ._util import args

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _as_gamma(fn, name):
    def method(x, df, loc=0, scale=1):
        x, df, loc, scale = args(f"chi2.{name}", x, df, loc, scale)
        return fn(x, df / 2.0, loc, 2.0 * scale)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``scipy.stats.chi2.{name}``."
    return method


logpdf = _as_gamma(gamma.logpdf, "logpdf")
pdf = _as_gamma(gamma.pdf, "pdf")
cdf = _as_gamma(gamma.cdf, "cdf")
logcdf = _as_gamma(gamma.logcdf, "logcdf")
sf = _as_gamma(gamma.sf, "sf")
logsf = _as_gamma(gamma.logsf, "logsf")
