"""Samplers built on gamma variates, rejection loops and matrix factorisations.

- ``gamma``/``loggamma``: Marsaglia and Tsang's method, one key per element (``split``
  of the key into ``size`` keys), ``a < 1`` boosted by ``U ** (1/a)``, exactly as JAX
  runs it (JAX vmaps a per-element ``while_loop``; here the loop runs over all
  elements at once and freezes the finished ones, which gives the same values).
  ``beta``, ``dirichlet``, ``t``, ``chisquare``, ``f``, ``generalized_normal`` and
  ``ball`` build on it as JAX's do.  Its derivative in ``a`` is JAX's implicit
  reparameterisation gradient (``gamma_grad.random_gamma_grad``), attached with
  ``custom_jvp``; differentiating the rejection loop itself would be wrong.
- ``poisson``: Knuth's multiplication method for ``lam < 10`` and Hormann's
  transformed rejection (PTRS) above, both over the whole array with one key per step.
- ``multivariate_normal``: ``mean + F z`` with ``F`` from ``lax.cholesky`` (the
  default), ``lax.eigh`` (``V sqrt(w)``) or ``lax.svd`` (``U sqrt(s)``), as JAX's
  ``method`` argument; ``orthogonal``: the Q of ``lax.qr`` of a Gaussian matrix, its
  columns scaled by ``diag(R) / |diag(R)|`` (the Haar measure; real or complex).
- One-line transforms: ``pareto``, ``lognormal``, ``maxwell``,
  ``double_sided_maxwell``, ``weibull_min``, ``rayleigh``, ``wald``, ``geometric``,
  ``triangular``.

Rejection loops are core's ``lax.while_loop``, so these samplers run eagerly and under
``jit``, ``vmap`` and ``make_jaxpr`` alike.
"""

from __future__ import annotations

import functools
import math
import operator

import numpy as np

from plax_core import dtypes, lax, ops, transformations
from plax_core.ad_util import stop_gradient

from . import _lax_util as u
from . import prng
from .distributions import (
    _exponential,
    _normal,
    _rademacher,
    _shape_of,
    _uniform,
    check_shape,
    split2,
)
from .gamma_grad import random_gamma_grad
from .prng import canonical_shape, check_key

__all__ = [
    "ball", "beta", "chisquare", "dirichlet", "double_sided_maxwell", "f", "gamma",
    "generalized_normal", "geometric", "loggamma", "lognormal", "maxwell",
    "multivariate_normal", "orthogonal", "pareto", "poisson", "rayleigh", "t",
    "triangular", "wald", "weibull_min",
]


def _broadcast_shape(name, shape, *args):
    """JAX's ``_check_broadcast_shapes``: the given shape, checked, or the args' shape."""
    arg_shapes = [_shape_of(a) for a in args]
    if shape is None:
        return ops.broadcast_shapes(*arg_shapes, fname=name) if arg_shapes else ()
    shape = canonical_shape(name, shape)
    check_shape(name, shape, *arg_shapes)
    return shape


def _as(x, dt):
    return lax.convert_element_type(ops.as_array(ops.operand(x)), dt)


# ------------------------------------------------------------------------- gamma

def _gamma_elementwise(keys, alpha, log_space: bool):
    """One Marsaglia-Tsang draw per key: ``keys (N, 2)``, ``alpha (N,)`` -> ``(N,)``."""
    dt = u.dtype(alpha)
    n = u.shape(alpha)[0]

    def c(v):
        return np.array(v, dt)

    one, zero = c(1), c(0)
    boost_mask = lax.ge(alpha, lax.full((n,), 1, dt))
    alpha_orig = alpha
    alpha = lax.select(boost_mask, alpha, lax.add(alpha, one))
    d = lax.sub(alpha, c(1.0 / 3.0))
    cc = lax.div(c(1.0 / 3.0), lax.sqrt(d))
    keys, subkeys = split2(keys)

    def still_rejecting(X, V, U):
        first = lax.ge(U, lax.sub(one, lax.mul(c(0.0331), lax.mul(X, X))))
        second = lax.ge(lax.log(U), lax.add(lax.mul(X, c(0.5)),
                                            lax.mul(d, lax.add(lax.sub(one, V), lax.log(V)))))
        return lax.bitwise_and(first, second)

    def outer_cond(state):
        _, X, V, U = state
        return ops.any(still_rejecting(X, V, U))

    def outer_body(state):
        key, X, V, U = state
        active = still_rejecting(X, V, U)
        key_next, x_key, u_key = split2(key, 3)

        def inner_cond(s):
            return ops.any(lax.le(s[2], zero))

        def inner_body(s):
            k, x, v = s
            need = lax.le(v, zero)
            k_next, sub = split2(k)
            x_new = _normal(sub, (), dt)
            v_new = lax.add(one, lax.mul(x_new, cc))
            keep2 = lax.broadcast_in_dim(need, (n, 2), (0,))
            return (lax.select(keep2, k_next, k), lax.select(need, x_new, x),
                    lax.select(need, v_new, v))

        _, x, v = lax.while_loop(inner_cond, inner_body,
                                 (x_key, lax.full((n,), 0, dt), lax.full((n,), -1, dt)))
        X_new = lax.mul(x, x)
        V_new = lax.mul(lax.mul(v, v), v)
        U_new = _uniform(u_key, (), dt, 0.0, 1.0)
        active2 = lax.broadcast_in_dim(active, (n, 2), (0,))
        return (lax.select(active2, key_next, key), lax.select(active, X_new, X),
                lax.select(active, V_new, V), lax.select(active, U_new, U))

    init = (keys, lax.full((n,), 0, dt), lax.full((n,), 1, dt), lax.full((n,), 2, dt))
    _, _, V, _ = lax.while_loop(outer_cond, outer_body, init)
    if log_space:
        log_samples = lax.neg(_exponential(subkeys, (), dt))
        log_boost = lax.select(lax.bitwise_or(boost_mask, lax.eq(log_samples, zero)),
                               lax.full((n,), 0, dt),
                               lax.mul(log_samples, lax.div(one, alpha_orig)))
        return lax.add(lax.add(lax.log(d), lax.log(V)), log_boost)
    samples = ops.subtract(1, _uniform(subkeys, (), dt, 0.0, 1.0))
    boost = lax.select(boost_mask, lax.full((n,), 1, dt),
                       lax.pow(samples, lax.div(one, alpha_orig)))
    return lax.mul(lax.mul(d, V), boost)


def _gamma(kd, a, shape, dt, log_space=False):
    if shape is None:
        shape = _shape_of(a)
    else:
        check_shape("gamma", shape, _shape_of(a))
    a = _as(a, dt)
    if u.shape(a) != tuple(shape):
        a = ops.broadcast_to(a, shape)
    if math.prod(shape) == 0:
        return lax.full(shape, 0, dt)
    return _random_gamma(log_space)(kd, a)


def _gamma_sample(kd, a, log_space):
    """One gamma (or log-gamma) draw per element of ``a``, one split key each."""
    size = math.prod(u.shape(a))
    keys = prng.split_data(kd, (size,))
    out = _gamma_elementwise(keys, ops.reshape(a, (size,)), log_space)
    return ops.reshape(out, u.shape(a))


def _gamma_jvp(log_space, primals, tangents):
    """JAX's rule: the tangent of ``a`` times ``d sample / d a`` (``gamma_grad``)."""
    kd, a = primals
    a_dot = tangents[1]
    sample = _random_gamma(log_space)(kd, a)    # itself, so higher orders use the rule too
    if log_space:       # d log x = dx / x; x = exp(log x) underflows to 0: use tiny
        x = lax.exp(sample)
        x = lax.select(lax.eq(x, u.full_like(x, 0)),
                       u.full_like(x, float(dtypes.finfo(u.dtype(x)).tiny)), x)
        grad = ops.true_divide(random_gamma_grad(a, x), x)
    else:
        grad = random_gamma_grad(a, sample)
    return sample, ops.multiply(a_dot, grad)


_RANDOM_GAMMA: dict = {}


def _random_gamma(log_space: bool):
    """The gamma sampler with its reparameterisation JVP, ``(kd, a) -> samples``.

    The sample is the end of a rejection loop, so differentiating the loop gives a
    wrong answer; the rule comes from ``custom_jvp``, which plax-autodiff offers
    through the registry (plax-random depends on core alone).  Without plax-autodiff
    nothing can differentiate, and the plain sampler is used.
    """
    fn = _RANDOM_GAMMA.get(log_space)
    if fn is None:
        def sample(kd, a):
            return _gamma_sample(kd, a, log_space)

        try:
            custom_jvp = transformations.custom_jvp
        except AttributeError:
            fn = sample
        else:
            fn = custom_jvp(sample)
            fn.defjvp(functools.partial(_gamma_jvp, log_space))
        _RANDOM_GAMMA[log_space] = fn
    return fn


def gamma(key, a, shape=None, dtype=None):
    """Standard gamma samples with shape parameter ``a`` (unit scale)."""
    kd, _ = check_key("gamma", key)
    dt = u.canonical_float(dtype, "gamma")
    if shape is not None:
        shape = canonical_shape("gamma", shape)
    return _gamma(kd, a, shape, dt)


def loggamma(key, a, shape=None, dtype=None):
    """``log`` of standard gamma samples, computed in log space (accurate for small a)."""
    kd, _ = check_key("loggamma", key)
    dt = u.canonical_float(dtype, "gamma")
    if shape is not None:
        shape = canonical_shape("loggamma", shape)
    return _gamma(kd, a, shape, dt, log_space=True)


def beta(key, a, b, shape=None, dtype=None):
    """Beta(a, b) samples, as a ratio of log-space gamma variates."""
    kd, _ = check_key("beta", key)
    dt = u.canonical_float(dtype, "beta")
    shape = _broadcast_shape("beta", shape, a, b)
    a, b = _as(a, dt), _as(b, dt)
    key_a, key_b = split2(kd)
    a, b = ops.broadcast_to(a, shape), ops.broadcast_to(b, shape)
    log_a = _gamma(key_a, a, shape, dt, log_space=True)
    log_b = _gamma(key_b, b, shape, dt, log_space=True)
    log_max = lax.max(log_a, log_b)
    ga = lax.exp(lax.sub(log_a, log_max))
    gb = lax.exp(lax.sub(log_b, log_max))
    return lax.div(ga, lax.add(ga, gb))


def dirichlet(key, alpha, shape=None, dtype=None):
    """Dirichlet samples: ``alpha`` has shape ``(..., n)``; results sum to 1 over n."""
    kd, _ = check_key("dirichlet", key)
    dt = u.canonical_float(dtype, "dirichlet")
    ashape = _shape_of(alpha)
    if not len(ashape) >= 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == "
                         f"{len(ashape)}")
    if shape is None:
        shape = ashape[:-1]
    else:
        shape = canonical_shape("dirichlet", shape)
        check_shape("dirichlet", shape, ashape[:-1])
    alpha = _as(alpha, dt)
    logs = _gamma(kd, alpha, tuple(shape) + ashape[-1:], dt, log_space=True)
    top = stop_gradient(ops.max(logs, axis=-1, keepdims=True))
    unnormalized = lax.exp(ops.subtract(logs, top))
    return ops.true_divide(unnormalized, ops.sum(unnormalized, axis=-1, keepdims=True))


def t(key, df, shape=None, dtype=None):
    """Student's t samples with ``df`` degrees of freedom."""
    kd, _ = check_key("t", key)
    dt = u.canonical_float(dtype, "t")
    shape = _broadcast_shape("t", shape, df)
    df = _as(df, dt)
    key_n, key_g = split2(kd)
    n = _normal(key_n, shape, dt)
    half_df = lax.div(df, np.array(2, dt))
    g = _gamma(key_g, half_df, shape, dt)
    return ops.multiply(n, lax.sqrt(ops.true_divide(half_df, g)))


def _chisquare(kd, df, shape, dt):
    df = _as(df, dt)
    half_df = lax.div(df, np.array(2, dt))
    log_g = _gamma(kd, half_df, shape, dt, log_space=True)
    return lax.mul(lax.exp(log_g), np.array(2, dt))


def chisquare(key, df, shape=None, dtype=None):
    """Chi-square samples with ``df`` degrees of freedom."""
    kd, _ = check_key("chisquare", key)
    dt = u.canonical_float(dtype, "chisquare")
    return _chisquare(kd, df, _broadcast_shape("chisquare", shape, df), dt)


def f(key, dfnum, dfden, shape=None, dtype=None):
    """F-distribution samples."""
    kd, _ = check_key("f", key)
    dt = u.canonical_float(dtype, "f")
    shape = _broadcast_shape("f", shape, dfnum, dfden)
    dfden, dfnum = _as(dfden, dt), _as(dfnum, dt)
    key_dfd, key_dfn = split2(kd)
    num = ops.true_divide(_chisquare(key_dfn, dfnum, shape, dt), dfnum)
    den = ops.true_divide(_chisquare(key_dfd, dfden, shape, dt), dfden)
    return ops.true_divide(num, den)


def _generalized_normal(kd, p, shape, dt):
    k1, k2 = split2(kd)
    inv_p = ops.true_divide(1, p)
    g = _gamma(k1, inv_p, shape, dt)
    r = _rademacher(k2, shape, dt)
    return ops.multiply(r, ops.power(g, inv_p))


def generalized_normal(key, p, shape=(), dtype=None):
    """Generalized normal samples: density proportional to ``exp(-|x|**p)``."""
    shape = canonical_shape("generalized_normal", shape)
    kd, _ = check_key("generalized_normal", key)
    dt = u.canonical_float(dtype, "generalized_normal")
    return _generalized_normal(kd, ops.as_array(ops.operand(p)), shape, dt)


def ball(key, d, p=2, shape=(), dtype=None):
    """Points uniform in the unit ``p``-norm ball of dimension ``d``."""
    shape = canonical_shape("ball", shape)
    kd, _ = check_key("ball", key)
    dt = u.canonical_float(dtype, "ball")
    d = operator.index(d)
    p = ops.as_array(ops.operand(p))
    k1, k2 = split2(kd)
    g = _generalized_normal(k1, p, (*shape, d), dt)
    e = _exponential(k2, shape, dt)
    norm = ops.power(ops.add(ops.sum(ops.power(ops.abs(g), p), axis=-1), e),
                     ops.true_divide(1, p))
    return ops.true_divide(g, ops.expand_dims(norm, -1))


# ----------------------------------------------------------------------- poisson

def _poisson_knuth(kd, lam, shape, dt):
    def cond(carry):
        _, _, log_prod = carry
        return ops.any(ops.greater(log_prod, ops.negative(lam)))

    def body(carry):
        k, rng, log_prod = carry
        rng, sub = split2(rng)
        k = lax.select(ops.greater(log_prod, ops.negative(lam)), lax.add(k, np.array(1, dt)), k)
        v = _uniform(sub, shape, np.dtype(np.float32), 0.0, 1.0)
        return k, rng, ops.add(log_prod, lax.log(v))

    init = (lax.full(shape, 0, dt), kd, lax.full(shape, 0, np.float32))
    k = lax.while_loop(cond, body, init)[0]
    return ops.astype(ops.subtract(k, 1), dt)


def _poisson_rejection(kd, lam, shape, dt):
    log_lam = lax.log(lam)
    b = ops.add(0.931, ops.multiply(2.53, lax.sqrt(lam)))
    a = ops.add(-0.059, ops.multiply(0.02483, b))
    inv_alpha = ops.add(1.1239, ops.true_divide(1.1328, ops.subtract(b, 3.4)))
    v_r = ops.subtract(0.9277, ops.true_divide(3.6224, ops.subtract(b, 2)))

    def cond(carry):
        return ops.any(ops.logical_not(carry[1]))

    def body(carry):
        k_out, accepted, key = carry
        key, sub0, sub1 = split2(key, 3)
        uu = ops.subtract(_uniform(sub0, shape, u.dtype(lam), 0.0, 1.0), 0.5)
        v = _uniform(sub1, shape, u.dtype(lam), 0.0, 1.0)
        u_shifted = ops.subtract(0.5, ops.abs(uu))
        k = lax.floor(ops.add(ops.add(ops.multiply(ops.add(ops.true_divide(ops.multiply(2, a),
                                                                          u_shifted), b), uu),
                                      lam), 0.43))
        s = lax.log(ops.true_divide(ops.multiply(v, inv_alpha),
                                    ops.add(ops.true_divide(a, ops.multiply(u_shifted,
                                                                            u_shifted)), b)))
        tt = ops.subtract(ops.add(ops.negative(lam), ops.multiply(k, log_lam)),
                          lax.lgamma(ops.add(k, 1)))
        accept1 = ops.logical_and(ops.greater_equal(u_shifted, 0.07), ops.less_equal(v, v_r))
        reject = ops.logical_or(ops.less(k, 0), ops.logical_and(ops.less(u_shifted, 0.013),
                                                                 ops.greater(v, u_shifted)))
        accept2 = ops.less_equal(s, tt)
        accept = ops.logical_or(accept1, ops.logical_and(ops.logical_not(reject), accept2))
        k_out = lax.select(accept, k, k_out)
        return k_out, ops.logical_or(accepted, accept), key

    init = (lax.full(shape, -1, u.dtype(lam)), lax.full(shape, False, np.bool_), kd)
    k = lax.while_loop(cond, body, init)[0]
    return ops.astype(k, dt)


def poisson(key, lam, shape=None, dtype=None):
    """Poisson samples with rate ``lam`` (integers; ``lam`` is used in float32)."""
    kd, _ = check_key("poisson", key)
    dt = dtypes.check_user_dtype(int if dtype is None else dtype, "poisson")
    if not dtypes.is_int(dt):
        raise ValueError(f"dtype argument to `poisson` must be an int dtype, got {dt.name}")
    shape = _shape_of(lam) if shape is None else canonical_shape("poisson", shape)
    lam = ops.broadcast_to(ops.operand(lam), shape)
    lam = lax.convert_element_type(lam, np.float32)
    use_knuth = ops.logical_or(ops.not_equal(lam, lam), ops.less(lam, 10))
    lam_knuth = lax.select(use_knuth, lam, lax.full(shape, 0.0, np.float32))
    lam_rejection = lax.select(use_knuth, lax.full(shape, 1e5, np.float32), lam)
    result = lax.select(use_knuth, _poisson_knuth(kd, lam_knuth, shape, dt),
                        _poisson_rejection(kd, lam_rejection, shape, dt))
    return lax.select(ops.equal(lam, 0), lax.full(shape, 0, dt), result)


# ---------------------------------------------------------------- matrix samplers

def multivariate_normal(key, mean, cov, shape=None, dtype=None, method="cholesky"):
    """Samples of ``N(mean, cov)``: ``mean (..., n)``, ``cov (..., n, n)``."""
    kd, _ = check_key("multivariate_normal", key)
    mean, cov = u.promote_inexact(ops.operand(mean), ops.operand(cov))
    if method not in {"svd", "eigh", "cholesky"}:
        raise ValueError("method must be one of {'svd', 'eigh', 'cholesky'}")
    dt = u.dtype(mean) if dtype is None else u.canonical_float(dtype, "multivariate_normal")
    if not dtypes.is_float(dt):
        raise ValueError(f"dtype argument to `multivariate_normal` must be a float dtype, "
                         f"got {dt.name}")
    if shape is not None:
        shape = canonical_shape("multivariate_normal", shape)
    ms, cs = u.shape(mean), u.shape(cov)
    if not len(ms) >= 1:
        raise ValueError(f"multivariate_normal requires mean.ndim >= 1, got mean.ndim == "
                         f"{len(ms)}")
    if not len(cs) >= 2:
        raise ValueError(f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == "
                         f"{len(cs)}")
    n = ms[-1]
    if cs[-2:] != (n, n):
        raise ValueError(f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, "
                         f"but got cov.shape == {cs}.")
    if shape is None:
        shape = ops.broadcast_shapes(ms[:-1], cs[:-2])
    else:
        check_shape("normal", shape, ms[:-1], cs[:-2])
    if method == "svd":          # JAX: u, s, _ = svd(cov); factor = u * sqrt(s)[..., None, :]
        s, uu, _ = lax.svd(cov, full_matrices=False)
        factor = ops.multiply(uu, ops.expand_dims(lax.sqrt(s), -2))
    elif method == "eigh":       # JAX: w, v = eigh(cov); factor = v * sqrt(w)[..., None, :]
        v, w = lax.eigh(cov)
        factor = ops.multiply(v, ops.expand_dims(lax.sqrt(w), -2))
    else:
        factor = lax.cholesky(cov)
    z = _normal(kd, tuple(shape) + (n,), dt)
    factor, z = ops.promote_dtypes(factor, z)
    factor = ops.broadcast_to(factor, tuple(shape) + (n, n))
    nb = len(shape)
    batch = tuple(range(nb))
    fz = lax.dot_general(factor, z, (((nb + 1,), (nb,)), (batch, batch)))
    return ops.add(mean, fz)


def orthogonal(key, n, shape=(), dtype=None, m=None):
    """Haar-random orthogonal (unitary) matrices ``(*shape, n, m)`` (``m = n`` default)."""
    _m = n if m is None else m
    shape = canonical_shape("orthogonal", shape)
    kd, _ = check_key("orthogonal", key)
    dt = u.canonical_float(dtype, "orthogonal", "fc", "a float or complex")
    n, _m = operator.index(n), operator.index(_m)
    z = _normal(kd, (*shape, max(n, _m), min(n, _m)), dt)
    q, r = lax.qr(z, full_matrices=False)
    d = _diagonal(r)
    q = ops.multiply(q, ops.expand_dims(lax.div(d, ops.astype(lax.abs(d), u.dtype(d))), -2))
    return ops.swapaxes(q, -1, -2) if n < _m else q


def _diagonal(r):
    """``jnp.diagonal(r, 0, -2, -1)`` of square matrices ``(..., k, k)``: one gather."""
    k = u.shape(r)[-1]
    i = lax.iota(np.dtype(np.int32), k)
    return ops.getitem(r, (Ellipsis, i, i))


# ------------------------------------------------------------- simple transforms

def pareto(key, b, shape=None, dtype=None):
    """Pareto samples with shape parameter ``b`` (support ``[1, inf)``)."""
    kd, _ = check_key("pareto", key)
    dt = u.canonical_float(dtype, "pareto")
    shape = _broadcast_shape("pareto", shape, b)
    b = _as(b, dt)
    return lax.exp(ops.true_divide(_exponential(kd, shape, dt), b))


def lognormal(key, sigma=np.float32(1), shape=None, dtype=None):
    """Log-normal samples ``exp(sigma * N(0, 1))``."""
    kd, _ = check_key("lognormal", key)
    dt = u.canonical_float(dtype, "lognormal", "fc", "a float or complex")
    shape = _broadcast_shape("lognormal", shape, sigma)
    sigma = _as(sigma, dt)
    return lax.exp(ops.multiply(_normal(kd, shape, dt), sigma))


def _maxwell(kd, shape, dt):
    x = _normal(kd, tuple(shape) + (3,), dt)
    return lax.sqrt(ops.sum(ops.multiply(x, x), axis=-1))


def maxwell(key, shape=(), dtype=None):
    """Maxwell samples (the norm of a 3-D standard normal)."""
    kd, _ = check_key("maxwell", key)
    dt = u.canonical_float(dtype, "maxwell")
    return _maxwell(kd, canonical_shape("maxwell", shape), dt)


def double_sided_maxwell(key, loc, scale, shape=(), dtype=None):
    """Double-sided Maxwell samples with ``loc`` and ``scale``."""
    kd, _ = check_key("double_sided_maxwell", key)
    dt = u.canonical_float(dtype, "double_sided_maxwell")
    shape = canonical_shape("double_sided_maxwell", shape)
    params = ops.broadcast_shapes(_shape_of(loc), _shape_of(scale))
    if not shape:
        shape = params
    shape = tuple(shape) + params
    k_max, k_rad = split2(kd)
    mx = _maxwell(k_max, shape, dt)
    sign = _rademacher(k_rad, shape, dt)
    return ops.add(ops.multiply(ops.multiply(sign, mx), scale), loc)


def weibull_min(key, scale, concentration, shape=(), dtype=None):
    """Weibull samples with ``scale`` and ``concentration``."""
    kd, _ = check_key("weibull_min", key)
    dt = u.canonical_float(dtype, "weibull_min")
    shape = canonical_shape("weibull_min", shape)
    v = _uniform(kd, shape, dt, 0, 1)
    return ops.multiply(ops.power(ops.negative(lax.log1p(lax.neg(v))),
                                  ops.true_divide(1.0, concentration)), scale)


def rayleigh(key, scale, shape=None, dtype=None):
    """Rayleigh samples with ``scale``."""
    kd, _ = check_key("rayleigh", key)
    dt = u.canonical_float(dtype, "rayleigh")
    shape = _broadcast_shape("rayleigh", shape, scale)
    v = _uniform(kd, shape, dt, 0.0, 1.0)
    scale = ops.broadcast_to(_as(scale, dt), shape)
    return lax.mul(scale, lax.sqrt(lax.mul(lax.log(v), np.array(-2, dt))))


def wald(key, mean, shape=None, dtype=None):
    """Wald (inverse Gaussian) samples with ``mean``."""
    kd, _ = check_key("wald", key)
    dt = u.canonical_float(dtype, "wald")
    shape = _broadcast_shape("wald", shape, mean)
    k1, k2 = split2(kd)
    mean = ops.broadcast_to(_as(mean, dt), shape)
    v = _normal(k1, shape, dt)
    z = _uniform(k2, shape, dt, 0.0, 1.0)
    y = lax.integer_pow(v, 2)
    y_sq = lax.integer_pow(y, 2)
    mean_sq = lax.integer_pow(mean, 2)
    sqrt_term = lax.sqrt(ops.add(ops.multiply(ops.multiply(4, mean), y),
                                 ops.multiply(mean_sq, y_sq)))
    x = ops.subtract(ops.add(mean, ops.true_divide(ops.multiply(mean_sq, y), 2)),
                     ops.multiply(ops.true_divide(mean, 2), sqrt_term))
    return lax.select(lax.le(z, ops.true_divide(mean, ops.add(mean, x))), x,
                      ops.true_divide(mean_sq, x))


def geometric(key, p, shape=None, dtype=None):
    """Geometric samples (number of trials to the first success, >= 1)."""
    kd, _ = check_key("geometric", key)
    dt = dtypes.check_user_dtype(int if dtype is None else dtype, "geometric")
    if not dtypes.is_int(dt):
        raise ValueError(f"dtype argument to `geometric` must be an int dtype, got "
                         f"{dt.name}")
    shape = _broadcast_shape("geometric", shape, p)
    (p,) = u.promote_inexact(ops.operand(p))
    v = _uniform(kd, shape, u.dtype(p), 0.0, 1.0)
    v = u.where(ops.equal(v, 0), 1, v)
    log_one_minus_p = ops.broadcast_to(lax.log1p(lax.neg(p)), shape)
    g = ops.add(lax.floor(lax.div(lax.log(v), log_one_minus_p)), 1)
    return ops.astype(g, dt)


def triangular(key, left, mode, right, shape=None, dtype=None):
    """Triangular samples on ``[left, right]`` with peak at ``mode``."""
    kd, _ = check_key("triangular", key)
    dt = u.canonical_float(dtype, "triangular")
    shape = _broadcast_shape("triangular", shape, left, mode, right)
    left, mode, right = (ops.broadcast_to(_as(x, dt), shape) for x in (left, mode, right))
    fc = ops.true_divide(ops.subtract(mode, left), ops.subtract(right, left))
    v = _uniform(kd, shape, dt, 0.0, 1.0)
    width = ops.subtract(right, left)
    out1 = ops.add(left, lax.sqrt(ops.multiply(ops.multiply(v, width),
                                               ops.subtract(mode, left))))
    out2 = ops.subtract(right, lax.sqrt(ops.multiply(ops.multiply(ops.subtract(1, v), width),
                                                     ops.subtract(right, mode))))
    return lax.select(lax.lt(v, fc), out1, out2)
