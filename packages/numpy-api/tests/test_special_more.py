"""The rest of JAX's ``scipy.special`` (special_more.py) against scipy.special, and the
modified Bessel functions under ``jit``.

Values marked "JAX 0.10.2" were obtained by running JAX 0.10.2 outside the repository.
"""

import numpy as np
import pytest
import scipy.special as osp

import plax
from plax.scipy import special

# --------------------------------------------------------------- i0/i0e/i1/i1e under jit

BESSEL_X = np.concatenate([np.linspace(-30, 30, 121), [0.0, 2.9, 3.0, 19.9, 20.0, 20.1]])


@pytest.mark.parametrize("name", ["i0", "i0e", "i1", "i1e"])
def test_bessel_i_jit_matches_eager_and_scipy(name):
    """XLA regrouped the power series' running product into (x^2)^k * c_k, inf * 0 = NaN
    in float32 for |x| >= 3 under jit; the Horner form cannot be regrouped that way."""
    x = BESSEL_X.astype(np.float32)
    fn = getattr(special, name)
    eager, jitted = np.asarray(fn(x)), np.asarray(plax.jit(fn)(x))
    want = getattr(osp, name)(BESSEL_X)
    assert np.all(np.isfinite(jitted))
    np.testing.assert_allclose(jitted, want, rtol=2e-5)
    np.testing.assert_allclose(eager, want, rtol=2e-5)
    for v in (3.0, 5.0, 20.0):  # scalars go through a different (0-d) fusion
        np.testing.assert_allclose(np.asarray(plax.jit(fn)(np.float32(v))),
                                   getattr(osp, name)(v), rtol=2e-5)


# --------------------------------------------------------------- values against SciPy

EDGES = [-np.inf, -10.0, -1.0, -0.5, 0.0, 1e-3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, np.inf, np.nan]


def _unary_points(seed, lo=-40.0, hi=40.0):
    rng = np.random.default_rng(seed)
    return np.concatenate([EDGES, rng.uniform(lo, hi, 100), rng.uniform(-3, 3, 100)])


def _unary(name, lo=-40.0, hi=40.0):
    return lambda seed: (_unary_points(seed, lo, hi),)


def _expn_args(seed):
    rng = np.random.default_rng(seed)
    x = _unary_points(seed, 0, 60)
    return rng.integers(-1, 8, x.size).astype(float), x


def _owens_args(seed):
    rng = np.random.default_rng(seed)
    h = np.concatenate([[0.0, 1.0, -1.0, 5.0, 0.5, np.inf, np.nan, 2.0, 0.0],
                        rng.uniform(-6, 6, 100)])
    a = np.concatenate([[1.0, 0.5, 2.0, -3.0, 0.0, 1.0, 1.0, np.inf, np.inf],
                        rng.uniform(-5, 5, 100)])
    return h, a


def _comb_args(seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(-2, 40, 100).astype(float), rng.integers(-2, 40, 100).astype(float))


def _hyp1f1_args(seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.1, 5, 100), rng.uniform(0.1, 5, 100), rng.uniform(-30, 30, 100)


def _hyp2f1_args(seed):
    rng = np.random.default_rng(seed)
    a, b, c = (rng.uniform(0.1, 5, 100) for _ in range(3))
    x = np.concatenate([rng.uniform(-3, 0.95, 97), [0.0, 1.0, 1.0]])
    c[-1] = a[-1] + b[-1] + 0.5  # Gauss's theorem at x = 1
    return a, b, c, x


def _pair(i):
    def oracle(name):
        return lambda *a: getattr(osp, name)(*a)[i]
    return oracle


# (name, plax function, scipy function, argument builder, float32 rtol, float32 atol)
VALUE_CASES = [
    ("dawsn", special.dawsn, osp.dawsn, _unary("dawsn"), 2e-6, 1e-7),
    ("erfcx", special.erfcx, osp.erfcx, _unary("erfcx", -9, 40), 2e-5, 0),
    ("exp1", special.exp1, osp.exp1, _unary("exp1", -5, 80), 2e-5, 0),
    ("expi", special.expi, osp.expi, _unary("expi", -80, 80), 2e-5, 0),
    ("expn", special.expn, osp.expn, _expn_args, 2e-5, 0),
    ("spence", special.spence, osp.spence, _unary("spence", -2, 1e4), 2e-6, 1e-7),
    ("si", lambda x: special.sici(x)[0], lambda x: osp.sici(x)[0], _unary("si", -60, 60),
     1e-5, 1e-6),
    ("ci", lambda x: special.sici(x)[1], lambda x: osp.sici(x)[1], _unary("ci", -60, 60),
     1e-5, 1e-6),
    ("fresnel_s", lambda x: special.fresnel(x)[0], lambda x: osp.fresnel(x)[0],
     _unary("fs", -30, 30), 1e-5, 1e-6),
    ("fresnel_c", lambda x: special.fresnel(x)[1], lambda x: osp.fresnel(x)[1],
     _unary("fc", -30, 30), 1e-5, 1e-6),
    ("owens_t", special.owens_t, osp.owens_t, _owens_args, 1e-5, 1e-7),
    ("comb", special.comb, osp.comb, _comb_args, 1e-4, 0),
    ("hyp1f1", special.hyp1f1, osp.hyp1f1, _hyp1f1_args, 2e-3, 0),
    ("hyp2f1", special.hyp2f1, osp.hyp2f1, _hyp2f1_args, 2e-3, 0),
]


def _check(got, want, rtol, atol, dtype):
    got = np.asarray(got)
    assert got.dtype == dtype
    with np.errstate(over="ignore"):
        want = want.astype(dtype)  # float32 overflow becomes inf on both sides
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_float32(case):
    name, fn, oracle, build, rtol, atol = case
    args = build(0)
    with np.errstate(all="ignore"):
        want = oracle(*args)
    _check(fn(*[a.astype(np.float32) for a in args]), want, rtol, atol, np.float32)


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_float64(case):
    name, fn, oracle, build, _, _ = case
    args = build(1)
    with np.errstate(all="ignore"):
        want = oracle(*args)
    rtol = 1e-9 if name in ("hyp1f1", "hyp2f1", "comb") else 1e-12
    with plax.config.override(enable_x64=True):
        _check(fn(*args), want, rtol, 1e-300, np.float64)


@pytest.mark.parametrize("x64", [False, True])
def test_wofz(x64):
    rng = np.random.default_rng(3)
    z = rng.uniform(-8, 8, 400) + 1j * rng.uniform(-8, 8, 400)
    z = np.concatenate([z, [0, 1, 1j, -1j, 1 - 1j, 5 + 5j, -3 - 2j, 100j, 30, -30]])
    want = osp.wofz(z)
    keep = np.abs(want) < 1e30  # e^(-z^2) overflows deep in the lower half plane
    cdt = np.complex128 if x64 else np.complex64
    with plax.config.override(enable_x64=x64):
        got = np.asarray(special.wofz(z.astype(cdt)))
        assert got.dtype == cdt
        real = np.float64(1.0) if x64 else np.float32(1.0)
        assert special.wofz(real).dtype == cdt  # real input: complex result
        np.testing.assert_allclose(got[keep], want[keep], rtol=1e-13 if x64 else 5e-5)
        # erfcx of a complex argument is w(iz)
        np.testing.assert_allclose(np.asarray(special.erfcx(z[:50].astype(cdt))),
                                   osp.erfcx(z[:50]), rtol=1e-13 if x64 else 5e-5)


@pytest.mark.parametrize("x64", [False, True])
def test_bessel_jn(x64):
    rng = np.random.default_rng(4)
    z = np.concatenate([[0.0, 1e-5, -1e-4, 0.1, -2.5, 1e-30], rng.uniform(-20, 20, 100)])
    dt = np.float64 if x64 else np.float32
    with plax.config.override(enable_x64=x64):
        got = np.asarray(special.bessel_jn(z.astype(dt), v=5))
        assert got.shape == (6, z.size) and got.dtype == dt
        got2 = np.asarray(special.bessel_jn(z.astype(dt).reshape(2, -1), v=2, n_iter=60))
        assert got2.shape == (3, 2, z.size // 2)
    for k in range(6):
        np.testing.assert_allclose(got[k], osp.jv(k, z), atol=1e-14 if x64 else 1e-6)
    np.testing.assert_allclose(got2.reshape(3, -1), got[:3], atol=1e-6)


@pytest.mark.parametrize("x64", [False, True])
def test_sph_harm_y(x64):
    rng = np.random.default_rng(5)
    n = rng.integers(0, 9, 200)
    m = np.array([rng.integers(-k, k + 1) for k in n])
    theta, phi = rng.uniform(0, np.pi, 200), rng.uniform(0, 2 * np.pi, 200)
    theta[:3] = [0.0, np.pi, np.pi / 2]
    dt, cdt = (np.float64, np.complex128) if x64 else (np.float32, np.complex64)
    with plax.config.override(enable_x64=x64):
        got = np.asarray(special.sph_harm_y(n, m, theta.astype(dt), phi.astype(dt)))
        jitted = plax.jit(lambda t, p: special.sph_harm_y(n, m, t, p, n_max=8))(
            theta.astype(dt), phi.astype(dt))
        scalar = special.sph_harm_y(np.array([2]), np.array([1]), 0.4, 0.3)
    assert got.dtype == cdt and scalar.shape == (1,)
    want = osp.sph_harm_y(n, m, theta, phi)
    np.testing.assert_allclose(got, want, atol=1e-13 if x64 else 2e-6)
    np.testing.assert_allclose(np.asarray(jitted), want, atol=1e-13 if x64 else 2e-6)
    # degrees above n_max are clipped to it, as JAX documents
    clipped = special.sph_harm_y(np.array([10]), np.array([2]), np.array([0.7]),
                                 np.array([0.2]), n_max=6)
    np.testing.assert_allclose(np.asarray(clipped), osp.sph_harm_y(6, 2, 0.7, 0.2), atol=2e-6)


# --------------------------------------------------------------- JAX 0.10.2 values

def test_jax_conventions():
    """JAX 0.10.2's values where they are conventions (obtained outside the repository):
    hyp1f1(0, 0, x) = 1 (SciPy: inf), hyp1f1(a, 0, x) = inf, hyp1f1(a, a, x) = e^x;
    comb in float32 through gammaln; owens_t; Ci(-x) = Ci(x)."""
    assert float(special.hyp1f1(0.0, 0.0, 1.0)) == 1.0
    assert float(special.hyp1f1(2.0, 0.0, 1.0)) == np.inf
    np.testing.assert_allclose(float(special.hyp1f1(1.5, 1.5, 2.0)), 7.38905609893065)
    np.testing.assert_allclose(float(special.comb(5.0, 2.0)), 9.999995, rtol=1e-6)
    np.testing.assert_allclose(float(special.comb(3, 2, repetition=True)), 6.000003, rtol=1e-6)
    assert float(special.comb(-1, 0, repetition=True)) == 0.0
    assert float(special.comb(0, 0, repetition=True)) == 1.0
    np.testing.assert_allclose(float(special.owens_t(0.5, 0.3)), 0.04078671, rtol=1e-6)
    np.testing.assert_allclose(float(special.owens_t(1.0, 2.0)), 0.0784682, rtol=1e-6)
    np.testing.assert_allclose([float(v) for v in special.sici(np.float32(-10.0))],
                               [-1.6583477, -0.04545644], rtol=1e-6)
    np.testing.assert_allclose(float(special.spence(np.float32(0.5))), 0.58224034, rtol=1e-6)


def test_where_jax_is_wrong_scipy_is_kept():
    """JAX 0.10.2 (run outside the repository) gives expn(2, 0) = 0.5, expn(5, 0) = 0.2,
    expi(0) = NaN, expi(-inf) = NaN, bessel_jn(0, v=1) = [NaN, NaN], hyp2f1(1, 1, 2, -5) =
    inf; the mathematically right values (SciPy's) are kept."""
    assert float(special.expn(2, 0.0)) == 1.0
    assert float(special.expn(5, 0.0)) == 0.25
    assert float(special.expi(0.0)) == -np.inf
    assert float(special.expi(-np.inf)) == 0.0
    np.testing.assert_array_equal(np.asarray(special.bessel_jn(np.array([0.0]), v=1)).ravel(),
                                  [1.0, 0.0])
    np.testing.assert_allclose(float(special.hyp2f1(1.0, 1.0, 2.0, -5.0)),
                               osp.hyp2f1(1, 1, 2, -5), rtol=1e-5)


# --------------------------------------------------------------- derivatives

# (function of one float64 scalar, point, JAX 0.10.2's derivative there, obtained by
# running JAX outside the repository)
GRAD_CASES = [
    ("dawsn", special.dawsn, [(0.0, 1.0), (0.5, 0.5755636164979777), (3.0, -0.0696261836633496)]),
    ("erfcx", special.erfcx, [(-1.0, -11.146339328620082), (0.0, -1.1283791670955126),
                              (0.5, -0.5126888229025867), (3.0, -0.05437226000717277)]),
    ("exp1", special.exp1, [(0.5, -1.2130613194252668), (3.0, -0.016595689455954646)]),
    ("expi", special.expi, [(-2.0, -0.06766764161830635), (0.5, 3.2974425414002564),
                            (3.0, 6.69517897439589)]),
    ("expn3", lambda x: special.expn(3, x), [(0.5, -0.3266438623245532),
                                             (3.0, -0.010641925085272829)]),
    ("expn0", lambda x: special.expn(0, x), [(1.5, -0.24792240016492204)]),
    ("si", lambda x: special.sici(x)[0], [(0.0, 1.0), (0.5, 0.958851077208406),
                                          (3.0, 0.0470400026866224)]),
    ("ci", lambda x: special.sici(x)[1], [(0.5, 1.7551651237807455), (3.0, -0.3299974988668151)]),
    ("fresnel_s", lambda x: special.fresnel(x)[0], [(0.0, 0.0), (0.5, 0.3826834323650898),
                                                    (3.0, 1.0)]),
    ("fresnel_c", lambda x: special.fresnel(x)[1], [(0.5, 0.9238795325112867), (3.0, 0.0)]),
    # JAX gives 0.0 at x = 1; the derivative log(x) / (1 - x) tends to -1 there.
    ("spence", special.spence, [(0.5, -1.3862943611199001), (1.0, -1.0),
                                (3.0, -0.549306144334055)]),
    ("owens_t_h", lambda h: special.owens_t(h, 0.3), [(0.5, -0.020989322345262917)]),
    ("owens_t_a", lambda a: special.owens_t(1.0, a), [(2.0, 0.0026128466569369842)]),
    ("owens_t_a0", lambda a: special.owens_t(0.0, a), [(1.0, 0.07957747154594767)]),
    ("hyp1f1_a", lambda a: special.hyp1f1(a, 2.5, 0.7), [(1.5, 0.42270307500572596)]),
    ("hyp1f1_b", lambda b: special.hyp1f1(1.5, b, 0.7), [(2.5, -0.26072617563220124)]),
    ("hyp1f1_x", lambda x: special.hyp1f1(1.5, 2.5, x), [(0.7, 0.9998779815804099)]),
    ("hyp2f1_a", lambda a: special.hyp2f1(a, 1.5, 2.5, 0.3), [(0.5, 0.22988108250652228)]),
    ("hyp2f1_b", lambda b: special.hyp2f1(0.5, b, 2.5, 0.3), [(1.5, 0.08051103957211206)]),
    ("hyp2f1_c", lambda c: special.hyp2f1(0.5, 1.5, c, 0.3), [(2.5, -0.04936366585392217)]),
    ("hyp2f1_x", lambda x: special.hyp2f1(0.5, 1.5, 2.5, x), [(0.3, 0.43583029138730817)]),
    ("comb_n", lambda n: special.comb(n, 2.0), [(5.0, 4.500000000000007)]),
    ("comb_k", lambda k: special.comb(5.0, k), [(2.0, 3.3333333333333446)]),
    ("bessel_j0", lambda z: special.bessel_jn(z, v=2)[0], [(1.3, -0.5220232474146611)]),
    ("bessel_j1", lambda z: special.bessel_jn(z, v=2)[1], [(1.3, 0.21852964539638547)]),
    ("bessel_j2", lambda z: special.bessel_jn(z, v=2)[2], [(1.3, 0.24044371084737187)]),
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_grad_against_jax(case):
    name, fn, points = case
    with plax.config.override(enable_x64=True):
        for x, want in points:
            np.testing.assert_allclose(float(plax.grad(fn)(x)), want, rtol=1e-8, atol=1e-12)
            np.testing.assert_allclose(float(plax.jit(plax.grad(fn))(x)), want, rtol=1e-8,
                                       atol=1e-12)
            xs = np.array([x, x])
            np.testing.assert_allclose(np.asarray(plax.vmap(plax.grad(fn))(xs)), [want] * 2,
                                       rtol=1e-8, atol=1e-12)


def test_wofz_jvp():
    """JAX 0.10.2's tangent at 0.5 + 0.3i (obtained outside the repository)."""
    with plax.config.override(enable_x64=True):
        _, t = plax.jvp(special.wofz, (np.complex128(0.5 + 0.3j),), (np.complex128(1.0),))
    np.testing.assert_allclose(complex(t), -0.4329769293585808 + 0.45634389395996633j,
                               rtol=1e-12)


@pytest.mark.parametrize("name,fn,x", [
    ("dawsn", special.dawsn, 1.3), ("erfcx", special.erfcx, 2.5), ("expi", special.expi, 1.7),
    ("exp1", special.exp1, 0.7), ("spence", special.spence, 2.2),
    ("si", lambda x: special.sici(x)[0], 2.5), ("fresnel_c", lambda x: special.fresnel(x)[1], 1.2),
    ("hyp1f1_x", lambda x: special.hyp1f1(1.5, 2.5, x), -1.2),
])
def test_second_derivative_by_finite_differences(name, fn, x):
    with plax.config.override(enable_x64=True):
        d1 = plax.grad(fn)
        h = 1e-5
        fd = (float(d1(x + h)) - float(d1(x - h))) / (2 * h)
        np.testing.assert_allclose(float(plax.grad(d1)(x)), fd, rtol=1e-5)


# --------------------------------------------------------------- transformations, errors

JIT_CASES = VALUE_CASES


@pytest.mark.parametrize("case", JIT_CASES, ids=[c[0] for c in JIT_CASES])
def test_jit_and_vmap_match_eager(case):
    name, fn, _, build, rtol, atol = case
    args = [a[:40].astype(np.float32) for a in build(7)]
    eager = np.asarray(fn(*args))
    # XLA's fused float32 code differs from the eager ops by a few ulps (absolute near zeros)
    np.testing.assert_allclose(np.asarray(plax.jit(fn)(*args)), eager, rtol=1e-5, atol=1e-7,
                               equal_nan=True)
    np.testing.assert_allclose(np.asarray(plax.vmap(fn)(*args)), eager, rtol=1e-5,
                               atol=1e-7, equal_nan=True)


def test_dtypes_and_errors():
    assert special.expi(1).dtype == np.float32  # integers promote to the default float
    assert special.comb(5, 2).dtype == np.float32
    with plax.config.override(enable_x64=True):
        assert special.expn(2, np.float64(1.0)).dtype == np.float64
    for fn in (special.dawsn, special.hyp1f1):
        with pytest.raises(ValueError, match="complex"):
            fn(*([np.complex64(1 + 1j)] * (3 if fn is special.hyp1f1 else 1)))
    with pytest.raises(ValueError, match="complex"):
        special.bessel_jn(np.complex64(1j), v=1)
    with pytest.raises(TypeError, match="v and n_iter"):
        special.bessel_jn(1.0, v=1.5)
    with pytest.raises(NotImplementedError, match="diff_n"):
        special.sph_harm_y(1, 0, 0.5, 0.5, diff_n=1)
