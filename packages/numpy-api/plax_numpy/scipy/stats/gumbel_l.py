"""``plax.scipy.stats.gumbel_l``: the left-skewed Gumbel distribution."""

from ._gumbel import methods

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]

_m = methods("gumbel_l", -1)
logpdf, pdf, cdf, logcdf = _m["logpdf"], _m["pdf"], _m["cdf"], _m["logcdf"]
sf, logsf, ppf = _m["sf"], _m["logsf"], _m["ppf"]
