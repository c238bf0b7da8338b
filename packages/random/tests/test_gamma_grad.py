"""Gamma's implicit reparameterisation gradient, and the gradients of what builds on it.

``d sample / d a`` is checked three ways:

- against values pinned by running ``jax==0.10.2`` (CPU; default configuration, then
  ``jax_enable_x64=True``) in a scratch environment outside this project, with the
  call written next to each name in ``CASES`` (``jnp.array`` for the arrays);
- against an independent oracle, the implicit-function relation of the CDF:
  ``dx/da = -(dP/da) / (dP/dx)`` with ``P = scipy.special.gammainc``, ``dP/da`` by
  central differences and ``dP/dx`` the gamma density;
- statistically: ``E[d sample/d a] = d E[sample]/d a`` (1 for gamma, ``b/(a+b)**2``
  for beta in ``a``).
No project file imports jax.
"""

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import plax_core
import plax_random as random
from plax_core import config, dtypes
from plax_random import more_distributions
from plax_random.gamma_grad import random_gamma_grad

TRANSFORMS = plax_core.get_registry().transformations


def transform(name):
    if name not in TRANSFORMS:
        pytest.skip(f"no '{name}' transformation installed")
    return TRANSFORMS[name]


def K(seed=0):
    return random.PRNGKey(seed)


def A(x, dt=None):
    return np.asarray(x, dt or dtypes.default_float_dtype())


nan = np.nan
ALPHAS = [0.05, 0.3, 0.9, 1.0, 1.7, 4.2, 12.0, 150.0]
RGG_A = [0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0, 100.0, 0.5, 3.0, 3.0, 1.0, 7.0]
RGG_X = [0.5, 1e-3, 2.0, 1.0, 0.3, 5.0, 25.0, 90.0, 1e-8, 40.0, 0.0, 1e-30, 1e-3]


def _grad(f, *args, argnums=0):
    return transform("grad")(f, argnums=argnums)(*args)


CASES = {
    "gamma_grad": lambda: _grad(lambda a: random.gamma(K(0), a).sum(), A(ALPHAS)),
    "gamma_grad_scalar_shape": lambda: _grad(lambda a: random.gamma(K(1), a, (5,)).sum(), 2.5),
    "loggamma_grad": lambda: _grad(lambda a: random.loggamma(K(2), a).sum(), A(ALPHAS)),
    "beta_grad_a": lambda: _grad(lambda a, b: random.beta(K(3), a, b).sum(),
                                 A([0.5, 2.0, 7.0]), A([1.5, 0.3, 3.0])),
    "beta_grad_b": lambda: _grad(lambda a, b: random.beta(K(3), a, b).sum(),
                                 A([0.5, 2.0, 7.0]), A([1.5, 0.3, 3.0]), argnums=1),
    "dirichlet_grad": lambda: _grad(
        lambda a: (random.dirichlet(K(4), a, (2,)) * A([1.0, -2.0, 0.5])).sum(),
        A([0.7, 2.0, 5.0])),
    "gamma_jacfwd": lambda: transform("jacfwd")(lambda a: random.gamma(K(5), a))(A([0.8, 3.0])),
    "gamma_vmap_grad": lambda: transform("vmap")(
        transform("grad")(lambda a, k: random.gamma(k, a)), in_axes=(None, 0))(
            1.3, random.split(K(6), 3)),
    "chisquare_grad": lambda: transform("jit")(transform("grad")(
        lambda a: random.chisquare(K(7), a, (3,)).sum()))(3.0),
    "t_grad": lambda: _grad(lambda d: random.t(K(8), d, (3,)).sum(), 4.0),
    "gamma_hessian_diag": lambda: np.diagonal(np.asarray(transform("hessian")(
        lambda a: random.gamma(K(13), a).sum())(A([0.7, 2.5, 9.0])))),
    "rgg": lambda: random_gamma_grad(A(RGG_A), A(RGG_X)),
    "rgg_bad": lambda: random_gamma_grad(A([-1.0, 2.0, np.nan]), A([1.0, -1.0, 1.0])),
    "rgg_f16": lambda: random_gamma_grad(A([0.5, 4.0], np.float16), A([0.5, 2.0], np.float16)),
}

# name: (values with x64 off, values with x64 on), from JAX 0.10.2 as described above.
# fmt: off
JAX = {
    'gamma_grad': (
        [3.43930983543396, 2.4214956760406494, 0.5446241497993469, 1.7641799449920654,
         1.3426896333694458, 1.056776523590088, 0.9782073497772217, 0.9446972608566284],
        [5.0618479478156856e-08, 0.007613107957440358, 1.4744299997066017, 0.032901923064597244,
         1.0287996734278584, 1.4596265718860564, 0.9583199459312574, 1.1579801324984327]),
    'gamma_grad_scalar_shape': (
        5.807480812072754,
        4.318259247192839),
    'loggamma_grad': (
        [808.8199462890625, 12.125435829162598, 1.7575106620788574, 0.45420336723327637,
         0.8125523924827576, 0.22063328325748444, 0.09754670411348343, 0.007424747571349144],
        [574.7785391708225, 13.760850782885754, 4.522080866818087, 1.7239230777536676,
         0.460622778295592, 0.257314151351921, 0.07218727002879008, 0.007042314933229135]),
    'beta_grad_a': (
        [0.05524159595370293, 0.0045784516260027885, 0.030327260494232178],
        [0.2677200575054647, 0.06553488987645234, 0.01841596872545404]),
    'beta_grad_b': (
        [-0.004361884202808142, -0.11325744539499283, -0.07630377262830734],
        [-0.17831241551811486, -0.3361493893721217, -0.05538269664864158]),
    'dirichlet_grad': (
        [0.6695986986160278, -0.6327098608016968, 0.1944258213043213],
        [0.5237929846284081, -0.5845812669627516, 0.3292530807021535]),
    'gamma_jacfwd': (
        [[2.0201661586761475, 0.0], [0.0, 1.0036358833312988]],
        [[0.7189651198920106, 0.0], [0.0, 1.3726785745017234]]),
    'gamma_vmap_grad': (
        [1.499524712562561, 1.131891131401062, 1.494931936264038],
        [1.2450758302787217, 0.8633393523999641, 0.39117767811609777]),
    'chisquare_grad': (
        2.4053990840911865,
        2.810141882470578),
    't_grad': (
        0.053863488137722015,
        0.03263182753594585),
    'gamma_hessian_diag': (
        [0.5062180757522583, 0.08825711905956268, 0.012063146568834782],
        [0.5603464249326741, -0.161307234040114, 0.005696235921610369]),
    'rgg': (
        [46.6793212890625, 0.0649072527885437, 2.511889696121216, 1.1735634803771973,
         0.3591711223125458, 1.033919095993042, 1.125049114227295, 0.9498277306556702,
         3.6914340739713225e-07, 2.934763193130493, 0.0, 6.950033575349734e-29,
         0.0012749327579513192],
        [46.679279405150666, 0.06490724738374097, 2.511889376362068, 1.1735630272247275,
         0.35917107942953835, 1.0339193521127077, 1.1250501465778586, 0.9498259498011444,
         3.6914341690846394e-07, 2.9347629990088615, 0.0, 6.950033712491984e-29,
         0.001274932561965802]),
    'rgg_bad': (
        [nan, nan, nan],
        [nan, nan, nan]),
    'rgg_f16': (
        [1.3369140625, 0.7216796875],
        [1.3369140625, 0.7216796875]),
}
# fmt: on


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_jax(name, x64):
    with config.override(enable_x64=x64):
        got = CASES[name]()
    want = np.asarray(JAX[name][x64], np.float64)
    if name == "rgg_f16":
        assert got.dtype == np.float16
        rtol = 1e-3
    else:
        rtol = 1e-10 if x64 else 4e-6
        if name == "gamma_hessian_diag":     # second order: a few more float32 roundings
            rtol = 1e-9 if x64 else 2e-5
    np.testing.assert_allclose(np.asarray(got).astype(np.float64), want, rtol=rtol,
                               atol=0, err_msg=name)


def _implicit_oracle(a, x):
    """``-(dP/da) / (dP/dx)`` for the regularised lower incomplete gamma ``P``."""
    h = 1e-5 * a
    dp_da = (sp.gammainc(a + h, x) - sp.gammainc(a - h, x)) / (2 * h)
    log_density = (a - 1) * np.log(x) - x - sp.gammaln(a)
    return -dp_da / np.exp(log_density)


@pytest.mark.parametrize("a", [0.05, 0.3, 1.0, 2.5, 10.0, 50.0])
def test_random_gamma_grad_against_cdf_relation(a):
    """Both branches (series where x <= max(1, a), continued fraction beyond)."""
    x = st.gamma(a).ppf([0.01, 0.2, 0.5, 0.8, 0.99])
    with config.override(enable_x64=True):
        got = np.asarray(random_gamma_grad(np.full(5, a), x))
    np.testing.assert_allclose(got, _implicit_oracle(a, x), rtol=2e-6)
    with config.override(enable_x64=False):
        got32 = np.asarray(random_gamma_grad(np.full(5, a, np.float32), x.astype(np.float32)))
    np.testing.assert_allclose(got32, _implicit_oracle(a, x.astype(np.float32)
                                                       .astype(np.float64)),
                               rtol=2e-4, atol=1e-30)   # float32 underflows to 0, as JAX


def test_sampler_grad_is_the_implicit_gradient_at_the_sample():
    a = np.array([0.2, 0.8, 1.5, 3.0, 9.0, 40.0])
    with config.override(enable_x64=True):
        x = np.asarray(random.gamma(K(11), a))
        g = np.asarray(_grad(lambda al: random.gamma(K(11), al).sum(), a))
    np.testing.assert_allclose(g, _implicit_oracle(a, x), rtol=2e-6)


@pytest.mark.parametrize("a", [0.3, 2.0, 10.0])
def test_mean_gradient_is_derivative_of_mean(a):
    n = 4000
    g = np.asarray(_grad(lambda al: random.gamma(K(20), al, (n,)).sum(),
                         np.full(n, a, np.float32)), np.float64)
    assert abs(g.mean() - 1.0) < 5 * g.std() / np.sqrt(n), (g.mean(), g.std())


def test_beta_mean_gradient():
    n, a, b = 4000, 2.0, 3.0
    g = np.asarray(_grad(lambda al: random.beta(K(21), al, b, (n,)).sum(),
                         np.full(n, a, np.float32)), np.float64)
    want = b / (a + b) ** 2
    assert abs(g.mean() - want) < 5 * g.std() / np.sqrt(n), (g.mean(), want)


def test_edges_of_random_gamma_grad():
    """0 at x == 0, NaN for a <= 0, x < 0 or NaN, and tiny x well below underflow."""
    got = np.asarray(random_gamma_grad(np.float32([2.0, 0.0, -1.0, 2.0, np.nan, 1.0]),
                                       np.float32([0.0, 1.0, 1.0, -1.0, 1.0, np.nan])))
    np.testing.assert_array_equal(got, [0.0, np.nan, np.nan, np.nan, np.nan, np.nan])
    assert random_gamma_grad(np.float32(3.0), np.float32(2.0)).shape == ()
    assert random_gamma_grad(np.float32([1.0, 2.0]), np.float32(0.5)).shape == (2,)


def test_sampler_without_autodiff(monkeypatch):
    """With no custom_jvp transformation installed, gamma is the plain sampler."""
    want = np.asarray(random.gamma(K(3), np.float32([0.5, 2.0])))

    class NoTransformations:
        def __getattr__(self, name):
            raise AttributeError(name)

    monkeypatch.setattr(more_distributions, "transformations", NoTransformations())
    monkeypatch.setattr(more_distributions, "_RANDOM_GAMMA", {})
    got = np.asarray(random.gamma(K(3), np.float32([0.5, 2.0])))
    np.testing.assert_array_equal(got, want)
