"""plax.scipy.special gamma/beta relatives, entropies, Bessel i0/i1 and Box-Cox against
scipy.special: values and result dtypes over generated shapes, with check_grads where
plax-autodiff is installed."""

import zlib

import numpy as np
import pytest
import scipy.special as ss

import plax_core
import plax_numpy as jnp
from plax_core import testing
from plax_core.config import config

N = testing.num_generated_cases()
sp = jnp.scipy.special


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def shapes(key):
    r = rng_for("shapes", key)
    return [tuple(int(d) for d in r.integers(1, 5, size=r.integers(0, 4))) for _ in range(N)]


def close(got, want, dtype, rtol):
    got = np.asarray(got)
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=rtol, atol=rtol,
                               equal_nan=True)


UNARY = {  # name: (oracle, low, high)
    "gammasgn": (ss.gammasgn, -4.9, 5), "loggamma": (ss.loggamma, 0.1, 8),
    "factorial": (lambda x: ss.factorial(x, exact=False), -2, 8),
    "i0": (ss.i0, -30, 30), "i0e": (ss.i0e, -30, 30),
    "i1": (ss.i1, -30, 30), "i1e": (ss.i1e, -30, 30),
    "multigammaln": (lambda x: ss.multigammaln(x, 3), 1.05, 8),
}
BINARY = {  # name: (oracle, (lo, hi) of x, (lo, hi) of y)
    "betaln": (ss.betaln, (0.1, 6), (0.1, 6)), "beta": (ss.beta, (-2.9, 4), (0.1, 4)),
    "poch": (ss.poch, (0.2, 5), (-0.5, 3)), "kl_div": (ss.kl_div, (-0.5, 3), (-0.5, 3)),
    "rel_entr": (ss.rel_entr, (-0.5, 3), (-0.5, 3)),
    "boxcox": (ss.boxcox, (0.1, 5), (-2, 2)), "boxcox1p": (ss.boxcox1p, (-0.5, 5), (-2, 2)),
}


def _fn(name):
    f = getattr(sp, name)
    return (lambda x: f(x, 3)) if name == "multigammaln" else f


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_unary_against_scipy(name, dt):
    oracle, lo, hi = UNARY[name]
    for s in shapes(name):
        x = rng_for(name, s).uniform(lo, hi, s).astype(dt)
        if name == "gammasgn":
            x = np.where(np.abs(x - np.round(x)) < 0.05, x + 0.1, x).astype(dt)
        with config.override(enable_x64=dt == np.float64):
            got = _fn(name)(x)
        close(got, oracle(x.astype(np.float64)), dt, 1e-4 if dt == np.float32 else 1e-9)
    assert _fn(name)(np.array([2, 3], np.int32)).dtype == np.float32


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_binary_against_scipy(name, dt):
    oracle, (xl, xh), (yl, yh) = BINARY[name]
    for s in shapes(name):
        r = rng_for(name, s)
        x = r.uniform(xl, xh, s).astype(dt)
        y = r.uniform(yl, yh, s[1:]).astype(dt)  # broadcasts
        if name == "beta":
            x = np.where(np.abs(x - np.round(x)) < 0.05, x + 0.1, x).astype(dt)
        if name in ("kl_div", "rel_entr") and x.size:
            x.ravel()[0] = 0
        if name in ("boxcox", "boxcox1p") and y.size:
            y.ravel()[0] = 0
        with config.override(enable_x64=dt == np.float64):
            got = getattr(sp, name)(x, y)
        with np.errstate(all="ignore"):
            want = oracle(x.astype(np.float64), y.astype(np.float64))
        close(got, want, dt, 2e-4 if dt == np.float32 else 1e-9)


def test_special_values():
    close(sp.rel_entr(np.float32([0, 0, 1, -1]), np.float32([0, -1, 0, 1])),
          ss.rel_entr([0, 0, 1, -1], [0, -1, 0, 1]), np.float32, 0)
    close(sp.kl_div(np.float32([0, 0, 1, -1]), np.float32([0, -1, 0, 1])),
          ss.kl_div([0, 0, 1, -1], [0, -1, 0, 1]), np.float32, 0)
    close(sp.loggamma(np.float32([-1.5])), [np.nan], np.float32, 0)
    with pytest.raises(NotImplementedError):
        sp.factorial(3, exact=True)


GRAD_CASES = [
    ("betaln", lambda x: sp.betaln(x * x + 0.5, 1.5)),
    ("beta", lambda x: sp.beta(x * x + 0.5, 2.0)),
    ("multigammaln", lambda x: sp.multigammaln(x * x + 2, 2)),
    ("poch", lambda x: sp.poch(x * x + 0.5, 1.3)),
    ("kl_div", lambda x: sp.kl_div(x * x + 0.1, 1.0)),
    ("rel_entr", lambda x: sp.rel_entr(x * x + 0.1, 2.0)),
    ("i0e", sp.i0e), ("i1", sp.i1),
    ("boxcox", lambda x: sp.boxcox(x * x + 0.5, 0.7)),
    ("boxcox1p", lambda x: sp.boxcox1p(x * x, -0.3)),
    ("factorial", lambda x: sp.factorial(x * x)),
]


@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_check_grads(name, fn):
    if "jvp" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not installed")
    from plax_autodiff.test_util import check_grads
    x = rng_for("grad", name).normal(size=(2, 3)).astype(np.float64)
    with config.override(enable_x64=True):
        check_grads(fn, (x,), order=2, modes=("fwd", "rev"), rtol=1e-4, atol=1e-4)
