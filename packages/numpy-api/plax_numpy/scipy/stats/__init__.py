"""``plax.scipy.stats``: JAX's subset of ``scipy.stats``, one module per distribution.

Each module (``norm``, ``gamma``, ...) has exactly the methods JAX has for it, with
SciPy's ``loc``/``scale`` defaults; integer arguments promote to the default float.
"""

from . import (
    bernoulli,
    beta,
    betabinom,
    binom,
    cauchy,
    chi2,
    dirichlet,
    expon,
    gamma,
    gennorm,
    geom,
    gumbel_l,
    gumbel_r,
    laplace,
    logistic,
    multinomial,
    multivariate_normal,
    nbinom,
    norm,
    pareto,
    poisson,
    t,
    truncnorm,
    uniform,
    vonmises,
    wrapcauchy,
)
from ._core import ModeResult, mode, rankdata, sem  # noqa: F401  (ModeResult: the result type)
from .kde import gaussian_kde

__all__ = ["bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet", "expon",
           "gamma", "gennorm", "geom", "gumbel_l", "gumbel_r", "laplace", "logistic",
           "multinomial", "multivariate_normal", "nbinom", "norm", "pareto", "poisson", "t",
           "truncnorm", "uniform", "vonmises", "wrapcauchy",
           "gaussian_kde", "mode", "rankdata", "sem"]
