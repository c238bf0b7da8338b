"""plax-random: JAX's counter-based PRNG (Threefry-2x32) and its distributions.

``plax.random`` re-exports this module.  Keys are values, never state: every sampler
takes a key and returns the same numbers for the same key, and ``split``/``fold_in``
derive new keys.  With the same seed and the same calls, the bits are JAX's
(``jax.random`` with its default ``threefry2x32`` implementation and partitionable
key derivation); ``prng.py`` explains the derivation, ``distributions.py``,
``more_distributions.py`` and ``binomial.py`` the samplers, ``gamma_grad.py`` the
implicit reparameterisation gradient of ``gamma`` (and so of ``beta``, ``dirichlet``,
``chisquare``, ``t``, ...).

Everything is built from core's ``lax`` functions, so every sampler can be traced
(``make_jaxpr``), batched (``vmap`` over keys gives the loop's values), compiled
(``jit``) and differentiated where the sample is a smooth function of its parameters
(e.g. ``truncated_normal`` in its bounds).
"""

from .binomial import binomial, multinomial
from .distributions import (
    bernoulli,
    categorical,
    cauchy,
    choice,
    exponential,
    gumbel,
    laplace,
    logistic,
    normal,
    permutation,
    rademacher,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from .more_distributions import (
    ball,
    beta,
    chisquare,
    dirichlet,
    double_sided_maxwell,
    f,
    gamma,
    generalized_normal,
    geometric,
    loggamma,
    lognormal,
    maxwell,
    multivariate_normal,
    orthogonal,
    pareto,
    poisson,
    rayleigh,
    t,
    triangular,
    wald,
    weibull_min,
)
from .prng import (
    KeyReuseError,
    PRNGKey,
    PRNGKeyArray,
    bits,
    clone,
    fold_in,
    key,
    key_data,
    key_dtype,
    key_impl,
    reset_key_reuse_records,
    split,
    threefry2x32,
    threefry_2x32,
    wrap_key_data,
)

__version__ = "0.1.0"
__all__ = [
    "KeyReuseError", "PRNGKey", "PRNGKeyArray", "ball", "bernoulli", "beta", "binomial", "bits",
    "categorical", "cauchy", "chisquare", "choice", "clone", "dirichlet",
    "double_sided_maxwell", "exponential", "f", "fold_in", "gamma", "generalized_normal",
    "geometric", "gumbel", "key", "key_data", "key_dtype", "key_impl", "laplace", "loggamma",
    "logistic", "lognormal", "maxwell", "multinomial", "multivariate_normal", "normal",
    "orthogonal", "pareto", "permutation", "poisson", "rademacher", "randint", "rayleigh",
    "reset_key_reuse_records", "shuffle", "split", "t", "threefry2x32", "threefry_2x32",
    "triangular", "truncated_normal", "uniform", "wald", "weibull_min", "wrap_key_data",
]
