"""``plax.scipy.stats.gumbel_r``: the right-skewed Gumbel distribution."""

from ._gumbel import methods

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_m = methods("gumbel_r", 1)
logpdf, pdf, cdf, logcdf = _m["logpdf"], _m["pdf"], _m["cdf"], _m["logcdf"]
sf, logsf, ppf = _m["sf"], _m["logsf"], _m["ppf"]
