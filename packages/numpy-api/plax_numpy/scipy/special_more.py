"""Error-function relatives, exponential, sine/cosine and Fresnel integrals, Spence's
function, binomial coefficients and Owen's T (re-exported by ``plax.scipy.special``).

Series and continued fractions run in one ``lax.while_loop`` over the whole array (see
``special_incomplete``); fixed-length sums are written in Horner form, which XLA cannot
regroup into overflowing powers. Each function whose JAX counterpart has a derivative gets
its closed-form JVP through ``with_jvp``. Values follow SciPy; where JAX 0.10.2 returns
NaN or a wrong number at an edge (``expi(0)``, ``expn(n > 1, 0)``) SciPy's value is kept.
"""

from __future__ import annotations

import numpy as np

import plax_numpy as jnp
from plax_core import lax

from .._custom_jvp import times_tangent, with_jvp
from .special_incomplete import _args, _eps, _loop, _tiny

__all__ = ["wofz", "erfcx", "dawsn", "expi", "exp1", "expn", "sici", "fresnel", "spence",
           "comb", "owens_t"]

_EULER = 0.5772156649015329
_SQRT_PI = float(np.sqrt(np.pi))


def _real_args(name, *args):
    """Promote and broadcast; complex arguments raise ValueError, as JAX's do."""
    if any(np.issubdtype(jnp.asarray(a).dtype, np.complexfloating) for a in args):
        raise ValueError(f"{name} does not support complex-valued inputs; pass real arrays.")
    return _args(name, *args)


def _horner(coefs, x):
    """sum_k coefs[k] x^k, innermost coefficient last."""
    out = jnp.full_like(x, coefs[-1])
    for c in coefs[-2::-1]:
        out = out * x + c
    return out


# --------------------------------------------------------------- Faddeeva family

def _weideman(n):
    """Weideman's (1994) rational approximation of w(z) in the upper half plane: the
    coefficients of p in w = 2 p(Z) / (L - iz)^2 + 1 / (sqrt(pi) (L - iz)),
    Z = (L + iz) / (L - iz), from the FFT of the transformed integrand."""
    m = 2 * n
    length = np.sqrt(n / np.sqrt(2.0))
    t = length * np.tan(np.arange(-m + 1, m) * np.pi / m / 2.0)
    f = np.concatenate([[0.0], np.exp(-t * t) * (length * length + t * t)])
    a = np.real(np.fft.fft(np.fft.fftshift(f))) / (2 * m)
    return float(length), [float(v) for v in a[n:0:-1]]  # highest power of Z first


_W_L, _W_COEFS = _weideman(40)  # relative error ~1e-14 over the whole plane


def _wofz_upper(z):
    iz = lax.complex(-jnp.imag(z), jnp.real(z))
    denom = _W_L - iz
    big_z = (_W_L + iz) / denom
    p = jnp.zeros_like(z)
    for c in _W_COEFS:
        p = p * big_z + c
    return 2.0 * p / (denom * denom) + (1.0 / _SQRT_PI) / denom


def _wofz_impl(z):
    upper = jnp.imag(z) >= 0
    zu = jnp.where(upper, z, -z)
    w = _wofz_upper(zu)
    return jnp.where(upper, w, 2.0 * jnp.exp(-(z * z)) - w)


def _wofz_rule(primals, tangents):
    (z,), (tz,) = primals, tangents
    w = _wofz(z)
    return w, times_tangent(lambda: 2j / _SQRT_PI - 2.0 * z * w, tz).astype(w.dtype)


_wofz = with_jvp(_wofz_rule)(_wofz_impl)


def wofz(z):
    """Faddeeva function w(z) = exp(-z^2) erfc(-iz); real input gives a complex result."""
    z = jnp.asarray(z)
    dt = jnp.result_type(z, np.complex64) if not jnp.iscomplexobj(z) else z.dtype
    return _wofz(z.astype(dt))


def _exp_square(x):
    """exp(x^2) without the rounding error of x^2: x = hi + lo, hi with few bits."""
    hi = jnp.floor(x * 16.0) / 16.0
    lo = x - hi
    return jnp.exp(hi * hi) * jnp.exp(lo * (2.0 * hi + lo))


def _erfcx_impl(x):
    terms = 60 if x.dtype == np.float64 else 24
    big = x > 2.0
    xb = jnp.where(big, x, 3.0)
    t = xb
    for k in range(terms, 0, -1):  # Laplace's continued fraction, bottom up
        t = xb + (k / 2.0) / t
    frac = 1.0 / (_SQRT_PI * t)
    xs = jnp.maximum(jnp.where(big, 0.0, x), -30.0)  # erfcx(-30) overflows float64
    direct = _exp_square(xs) * lax.erfc(xs)
    out = jnp.where(big, frac, direct)
    return jnp.where(jnp.isposinf(x), 0.0, out).astype(x.dtype)


def _erfcx_rule(primals, tangents):
    (x,), (tx,) = primals, tangents
    out = _erfcx(x)
    return out, times_tangent(lambda: 2.0 * x * out - 2.0 / _SQRT_PI, tx).astype(out.dtype)


_erfcx = with_jvp(_erfcx_rule)(_erfcx_impl)


def erfcx(x):
    """Scaled complementary error function exp(x^2) erfc(x); complex x through wofz(ix)."""
    x = jnp.asarray(x)
    if jnp.iscomplexobj(x):
        return _wofz(lax.complex(-jnp.imag(x), jnp.real(x)))
    (x,) = _args("erfcx", x)
    return _erfcx(x)


def _dawsn_impl(x):
    small = jnp.abs(x) < 0.2
    xs = jnp.where(small, x, 0.0)
    # x sum_k (-2x^2)^k / (2k+1)!!
    coefs, dfact = [], 1.0
    for k in range(12):
        dfact *= 2 * k + 1
        coefs.append((-2.0) ** k / dfact)
    series = xs * _horner(coefs, xs * xs)
    xw = jnp.where(small, 1.0, x)
    cdt = np.complex128 if x.dtype == np.float64 else np.complex64
    far = 0.5 * _SQRT_PI * jnp.imag(_wofz_impl(xw.astype(cdt)))
    out = jnp.where(small, series, far.astype(x.dtype))
    return jnp.where(jnp.isinf(x), jnp.where(x > 0, 0.0, -0.0), out).astype(x.dtype)


def _dawsn_rule(primals, tangents):
    (x,), (tx,) = primals, tangents
    out = _dawsn(x)
    return out, times_tangent(lambda: 1.0 - 2.0 * x * out, tx).astype(out.dtype)


_dawsn = with_jvp(_dawsn_rule)(_dawsn_impl)


def dawsn(x):
    """Dawson's integral exp(-x^2) int_0^x exp(t^2) dt = sqrt(pi)/2 Im w(x)."""
    (x,) = _real_args("dawsn", x)
    return _dawsn(x)


# --------------------------------------------------------------- exponential integrals

def _expn_impl(n, x):
    """E_n(x) for integer n >= 0, x >= 0: the series (x <= 1) or Lentz's continued
    fraction (x > 1), both from Numerical Recipes' expint."""
    eps, tiny = _eps(x), _tiny(x)
    bad = jnp.isnan(n) | jnp.isnan(x) | (n < 0) | (x < 0) | (n != jnp.floor(n))
    ok = ~bad & (x > 0) & ~jnp.isposinf(x) & (n > 0)
    n_s = jnp.where(ok, n, 1.0)
    frac = ok & (x > 1)
    xf = jnp.where(frac, x, 2.0)
    b0 = xf + n_s
    one = jnp.ones_like(x)

    def fcond(s):
        return jnp.abs(s[3] - 1.0) > eps

    def fbody(i, s):
        b, c, d, _, h = s
        an = -i * (n_s - 1.0 + i)
        b = b + 2.0
        d = 1.0 / jnp.where(jnp.abs(an * d + b) < tiny, tiny, an * d + b)
        c = b + an / c
        c = jnp.where(jnp.abs(c) < tiny, tiny, c)
        delta = c * d
        return b, c, d, delta, h * delta

    _, _, _, _, h = _loop(fcond, fbody, (b0, one / tiny, 1.0 / b0, 2.0 * one, 1.0 / b0), 1000)
    cf = h * jnp.exp(-xf)

    xs = jnp.where(ok & ~frac, x, 0.5)
    log_x = jnp.log(xs)
    first = jnp.where(n_s == 1.0, -log_x - _EULER, 1.0 / jnp.where(n_s == 1.0, 1.0, n_s - 1.0))
    psi = lax.digamma(n_s)

    def scond(s):
        return jnp.abs(s[2]) > jnp.abs(s[1]) * eps

    def sbody(i, s):
        fact, total, _ = s
        fact = -fact * xs / i
        at_pole = i == n_s - 1.0
        term = jnp.where(at_pole, fact * (psi - log_x),
                         -fact / jnp.where(at_pole, 1.0, i - n_s + 1.0))
        return fact, total + term, term

    _, series, _ = _loop(scond, sbody, (one, first, one), 1000)
    out = jnp.where(frac, cf, series)
    xz = jnp.where(x == 0, 1.0, x)
    out = jnp.where(n == 0, jnp.exp(-x) / xz, out)
    at_zero = jnp.where(n <= 1, np.inf, 1.0 / jnp.where(n <= 1, 1.0, n - 1.0))
    out = jnp.where(x == 0, at_zero, jnp.where(jnp.isposinf(x), 0.0, out))
    return jnp.where(bad, np.nan, out).astype(x.dtype)


def _expn_rule(primals, tangents):
    n, x = primals
    out = _expn(n, x)
    # d/dx E_n = -E_{n-1}; E_{-1}(x) = exp(-x) (1 + x) / x^2.
    lower = jnp.where(n >= 1, _expn(jnp.maximum(n - 1.0, 0.0), x),
                      jnp.where(x < 0, np.nan, jnp.exp(-x) * (1.0 + x) / (x * x)))
    return out, times_tangent(lambda: -lower, tangents[1]).astype(out.dtype)


_expn = with_jvp(_expn_rule)(_expn_impl)


def expn(n, x):
    """Generalized exponential integral E_n(x) = int_1^inf exp(-xt) / t^n dt (integer n;
    NaN for n < 0, x < 0 or n not an integer; differentiable in x only, as in JAX)."""
    n, x = _real_args("expn", n, x)
    return _expn(lax.stop_gradient(n), x)


def exp1(x):
    """Exponential integral E_1(x) = int_x^inf exp(-t) / t dt (NaN for x < 0)."""
    (x,) = _real_args("exp1", x)
    return _expn(jnp.ones_like(x), x)


def _ei_pos(x):
    """Ei(x) for x > 0: the power series up to 40, the asymptotic series above."""
    eps = _eps(x)
    big = x > 40.0
    xs = jnp.where(big, 1.0, x)

    def scond(s):
        return jnp.abs(s[1]) > jnp.abs(s[2]) * eps

    def sbody(k, s):
        fact, _, total = s
        fact = fact * xs / k
        term = fact / k
        return fact, term, total + term

    one = jnp.ones_like(x)
    _, _, series = _loop(scond, sbody, (one, one, jnp.zeros_like(x)), 1000)
    series = series + _EULER + jnp.log(xs)
    xb = jnp.where(big, x, 50.0)
    total = one  # sum_k k!/x^k in Horner form; smallest term ~ exp(-x) sqrt(2 pi x) at k = x
    for k in range(40, 0, -1):
        total = 1.0 + total * (k / xb)
    asym = jnp.exp(xb) / xb * total
    return jnp.where(big, asym, series)


def _expi_impl(x):
    pos = x > 0
    xp = jnp.where(pos, x, 1.0)
    xn = jnp.where(pos, 1.0, -x)
    out = jnp.where(pos, _ei_pos(xp), -_expn_impl(jnp.ones_like(x), xn))
    out = jnp.where(x == 0, -np.inf, out)
    out = jnp.where(jnp.isposinf(x), np.inf, jnp.where(jnp.isneginf(x), 0.0, out))
    return jnp.where(jnp.isnan(x), np.nan, out).astype(x.dtype)


def _expi_rule(primals, tangents):
    (x,), (tx,) = primals, tangents
    out = _expi(x)
    return out, times_tangent(lambda: jnp.exp(x) / x, tx).astype(out.dtype)


_expi = with_jvp(_expi_rule)(_expi_impl)


def expi(x):
    """Exponential integral Ei(x) = -PV int_{-x}^inf exp(-t) / t dt (-inf at 0)."""
    (x,) = _real_args("expi", x)
    return _expi(x)


# --------------------------------------------------------------- sine/cosine, Fresnel

def _cmul(ar, ai, br, bi):
    return ar * br - ai * bi, ar * bi + ai * br


def _cinv(ar, ai):
    """1 / (ar + i ai), scaled so that no square overflows."""
    s = jnp.maximum(jnp.abs(ar), jnp.abs(ai))
    ar, ai = ar / s, ai / s
    d = (ar * ar + ai * ai) * s
    return ar / d, -ai / d


def _lentz_complex(b_re, b_im, a_fn, b_step, eps, tiny, cap):
    """Complex continued fraction 1/(b0 + a1/(b1 + ...)) by Lentz's method, in real pairs
    (b_k = b0 + k * b_step, real a_k = a_fn(k))."""
    d = _cinv(b_re, b_im)
    one = jnp.ones_like(b_re)

    def cond(s):
        return (jnp.abs(s[6] - 1.0) + jnp.abs(s[7])) > eps

    def body(k, s):
        br, bi, cr, ci, dr, di, _, _, hr, hi = s
        a = a_fn(k)
        br = br + b_step
        dr, di = _cinv(a * dr + br, a * di + bi)
        qr, qi = _cinv(cr, ci)
        cr, ci = br + a * qr, bi + a * qi
        cr = jnp.where(jnp.abs(cr) + jnp.abs(ci) < tiny, tiny, cr)
        er, ei = _cmul(cr, ci, dr, di)
        hr, hi = _cmul(hr, hi, er, ei)
        return br, bi, cr, ci, dr, di, er, ei, hr, hi

    state = (b_re, b_im, one / tiny, 0.0 * one, d[0], d[1], 2.0 * one, 0.0 * one, d[0], d[1])
    out = _loop(cond, body, state, cap)
    return out[8], out[9]


def _sici_impl(x):
    eps, tiny = _eps(x), _tiny(x)
    t = jnp.abs(x)
    small = t <= 4.0  # the fraction converges slowly near 2 and loses ~1e-5 in float32
    ts = jnp.where(small, t, 1.0)
    # Si = sum (-1)^k t^(2k+1) / ((2k+1)(2k+1)!), Ci = gamma + ln t + sum (-1)^k t^2k / (2k (2k)!)
    si_c, ci_c, fact = [], [0.0], 1.0
    for k in range(20):
        fact *= (2 * k) * (2 * k + 1) if k else 1.0
        si_c.append((-1.0) ** k / ((2 * k + 1) * fact))
        if k:
            ci_c.append((-1.0) ** k / (2 * k * fact / (2 * k + 1)))
    t2 = ts * ts
    si_s = ts * _horner(si_c, t2)
    ci_s = _EULER + jnp.log(ts) + _horner(ci_c, t2)
    tb = jnp.where(small, 5.0, jnp.where(jnp.isinf(t), 1e6, t))
    hr, hi = _lentz_complex(jnp.ones_like(tb), tb, lambda k: -k * k, 2.0, eps, tiny,
                            1000)
    hr, hi = _cmul(jnp.cos(tb), -jnp.sin(tb), hr, hi)
    si = jnp.where(small, si_s, 0.5 * np.pi + hi)
    ci = jnp.where(small, ci_s, -hr)
    si = jnp.where(jnp.isinf(t), 0.5 * np.pi, si)
    ci = jnp.where(jnp.isposinf(x), 0.0, jnp.where(jnp.isneginf(x), np.nan, ci))
    ci = jnp.where(t == 0, -np.inf, ci)
    return (jnp.sign(x) * si).astype(x.dtype), ci.astype(x.dtype)


def _sici_rule(primals, tangents):
    (x,), (tx,) = primals, tangents
    si, ci = _sici(x)
    xs = jnp.where(x == 0, 1.0, x)
    dsi = jnp.where(x == 0, 1.0, jnp.sin(xs) / xs)
    return (si, ci), (times_tangent(lambda: dsi, tx).astype(si.dtype),
                      times_tangent(lambda: jnp.cos(x) / x, tx).astype(ci.dtype))


_sici = with_jvp(_sici_rule)(_sici_impl)


def sici(x):
    """Sine and cosine integrals (Si(x), Ci(x)); Ci(-x) = Ci(x), the real part, as SciPy."""
    (x,) = _real_args("sici", x)
    return _sici(x)


def _fresnel_impl(x):
    eps, tiny = _eps(x), _tiny(x)
    t = jnp.abs(x)
    small = t < 1.5
    ts = jnp.where(small, t, 0.0)
    # C = sum (-1)^k (pi/2)^2k t^(4k+1) / ((2k)! (4k+1)), S = the odd powers of pi/2.
    c_c, s_c, fact = [], [], 1.0
    for k in range(20):
        fact_even = fact * (2 * k if k else 1) * (2 * k - 1 if k else 1)
        fact = fact_even
        c_c.append((-1.0) ** k * (np.pi / 2) ** (2 * k) / (fact_even * (4 * k + 1)))
        s_c.append((-1.0) ** k * (np.pi / 2) ** (2 * k + 1) / (fact_even * (2 * k + 1)
                                                               * (4 * k + 3)))
    t4 = ts ** 4
    c_s, s_s = ts * _horner(c_c, t4), ts ** 3 * _horner(s_c, t4)
    tb = jnp.where(small | jnp.isinf(t), 2.0, t)
    pix2 = np.pi * tb * tb
    hr, hi = _lentz_complex(jnp.ones_like(tb), -pix2, lambda k: -(2 * k - 1.0) * (2 * k),
                            4.0, eps, tiny, 1000)
    hr, hi = _cmul(hr, hi, tb, -tb)
    er, ei = _cmul(jnp.cos(0.5 * pix2), jnp.sin(0.5 * pix2), hr, hi)
    cr, ci = _cmul(0.5 * jnp.ones_like(tb), 0.5 * jnp.ones_like(tb), 1.0 - er, -ei)
    s = jnp.where(small, s_s, ci)
    c = jnp.where(small, c_s, cr)
    s, c = (jnp.where(jnp.isinf(t), 0.5, v) for v in (s, c))
    return (jnp.sign(x) * s).astype(x.dtype), (jnp.sign(x) * c).astype(x.dtype)


def _fresnel_rule(primals, tangents):
    (x,), (tx,) = primals, tangents
    s, c = _fresnel(x)
    arg = 0.5 * np.pi * x * x
    return (s, c), (times_tangent(lambda: jnp.sin(arg), tx).astype(s.dtype),
                    times_tangent(lambda: jnp.cos(arg), tx).astype(c.dtype))


_fresnel = with_jvp(_fresnel_rule)(_fresnel_impl)


def fresnel(x):
    """Fresnel integrals (S(x), C(x)) = int_0^x (sin, cos)(pi t^2 / 2) dt."""
    (x,) = _real_args("fresnel", x)
    return _fresnel(x)


# --------------------------------------------------------------- Spence, comb, Owen's T

# Li2(-w) = sum_k (-w)^k / k^2 for |w| <= 1/2 (as a polynomial in w, constant term 0).
_LI2 = [0.0] + [(-1.0) ** k / (k * k) for k in range(1, 60)]


def _spence_impl(x):
    """spence(x) = Li2(1 - x), from Li2(-w) on |w| <= 1/2 and the identities
    Li2(1-x) + Li2(x) = pi^2/6 - ln x ln(1-x), Li2(1-x) + Li2(1-1/x) = -ln(x)^2 / 2."""
    flip = x > 2.0
    t = jnp.where(flip, 1.0 / x, x)
    low, high = t < 0.5, t > 1.5
    w = jnp.where(high, 1.0 / t - 1.0, jnp.where(low, -t, t - 1.0))
    y = _horner(_LI2, w)
    tl = jnp.where(low & (t > 0), t, 0.5)
    y = jnp.where(low, np.pi ** 2 / 6 - jnp.log(tl) * jnp.log1p(-tl) - y, y)
    y = jnp.where(low & (t == 0), np.pi ** 2 / 6, y)
    t_pos = jnp.where(t > 0, t, 1.0)
    y = jnp.where(high != flip, -0.5 * jnp.log(t_pos) ** 2 - y, y)
    return jnp.where((x < 0) | jnp.isnan(x) | jnp.isposinf(x), np.nan, y).astype(x.dtype)


def _spence_rule(primals, tangents):
    (x,), (tx,) = primals, tangents
    out = _spence(x)
    xs = jnp.where(x == 1, 2.0, x)
    return out, times_tangent(lambda: jnp.where(x == 1, -1.0, jnp.log(xs) / (1.0 - xs)),
                              tx).astype(out.dtype)


_spence = with_jvp(_spence_rule)(_spence_impl)


def spence(x):
    """Spence's function int_1^x log(t) / (1 - t) dt = Li2(1 - x) (NaN for x < 0)."""
    (x,) = _real_args("spence", x)
    return _spence(x)


def comb(N, k, *, repetition=False):
    """N choose k as a float, through gammaln (0 where k < 0, N < 0 or k > N); with
    ``repetition``, (N + k - 1) choose k."""
    N, k = _real_args("comb", N, k)
    if repetition:
        return jnp.where((k == 0) & (N >= 0), 1.0, comb(N + k - 1.0, k)).astype(N.dtype)
    ok = (k <= N) & (N >= 0) & (k >= 0)
    n_s, k_s = jnp.where(ok, N, 0.0), jnp.where(ok, k, 0.0)
    log_c = lax.lgamma(n_s + 1.0) - lax.lgamma(k_s + 1.0) - lax.lgamma(n_s - k_s + 1.0)
    return jnp.where(ok, jnp.exp(log_c), 0.0).astype(N.dtype)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(40)


def _owens_quadrature(h, a):
    """(1/2pi) int_0^a exp(-h^2 (1 + t^2) / 2) / (1 + t^2) dt for 0 <= a <= 1 (Gauss-Legendre)."""
    total = jnp.zeros_like(h)
    for node, weight in zip(_GL_NODES, _GL_WEIGHTS):
        t = a * (0.5 * float(node) + 0.5)
        r = 1.0 + t * t
        total = total + float(weight) * jnp.exp(-0.5 * h * h * r) / r
    return total * a / (4.0 * np.pi)


def _owens_t_impl(h, a):
    """T(h, a): quadrature for |a| <= 1; T(h, a) + T(ah, 1/a) = (e1 + e2 - e1 e2) / 4 with
    e1 = erfc(h/sqrt2), e2 = erfc(ah/sqrt2) otherwise (h >= 0, a > 0; T is even in h and
    odd in a)."""
    h, aa = jnp.abs(h), jnp.abs(a)
    inner = aa <= 1.0
    h_fin = jnp.where(jnp.isinf(h), 0.0, h)
    ah = jnp.where(h_fin == 0, 0.0, aa * h_fin)
    q_h = jnp.where(inner, h_fin, ah)
    q_a = jnp.where(inner, aa, 1.0 / aa)
    quad = _owens_quadrature(jnp.where(jnp.isinf(q_h), 0.0, q_h), q_a)
    r2 = float(np.sqrt(0.5))
    e1, e2 = lax.erfc(h_fin * r2), lax.erfc(ah * r2)
    f1, f2 = lax.erf(h_fin * r2), lax.erf(ah * r2)
    whole = jnp.where(ah <= 0.67, 0.25 - 0.25 * f1 * f2, 0.25 * (e1 + e2 - e1 * e2))
    out = jnp.where(inner, quad, whole - quad)
    out = jnp.where(jnp.isinf(h), 0.0, jnp.sign(a) * out)
    return jnp.where(jnp.isnan(a) | jnp.isnan(h), np.nan, out).astype(a.dtype)


def _owens_t_rule(primals, tangents):
    h, a = primals
    th, ta = tangents
    out = _owens_t(h, a)
    r2 = float(np.sqrt(0.5))
    d_h = times_tangent(lambda: -jnp.exp(-0.5 * h * h) * lax.erf(a * h * r2)
                        / (2.0 * np.sqrt(2.0 * np.pi)), th)
    d_a = times_tangent(lambda: jnp.exp(-0.5 * (1.0 + a * a) * h * h)
                        / (2.0 * np.pi * (1.0 + a * a)), ta)
    return out, (d_h + d_a).astype(out.dtype)


_owens_t = with_jvp(_owens_t_rule)(_owens_t_impl)


def owens_t(h, a):
    """Owen's T function (1/2pi) int_0^a exp(-h^2 (1 + x^2) / 2) / (1 + x^2) dx."""
    return _owens_t(*_real_args("owens_t", h, a))
